// The sign-in pages a person's browser sees: plain HTML, no script, every interpolated value escaped. The pages
// carry no token of any kind; the Plex PIN code appears only in the link to Plex's own sign-in page, which is
// where Plex's design puts it.

import type { ServerResponse } from 'node:http';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#222}
h1{font-size:1.4rem}a.button,button{display:inline-block;background:#e5a00d;color:#111;border:0;border-radius:6px;
padding:.6rem 1.1rem;font-size:1rem;text-decoration:none;cursor:pointer}.muted{color:#666;font-size:.9rem}
ul.profiles{list-style:none;padding:0}ul.profiles li{margin:.5rem 0}input{font-size:1rem;padding:.3rem}`;

export interface Page {
  status: number;
  title: string;
  /** Already-escaped HTML. */
  body: string;
  /** Reload the page after this many seconds (the wait for Plex's sign-in; no script needed). */
  refreshSeconds?: number;
}

export function sendPage(res: ServerResponse, page: Page): void {
  const refresh =
    page.refreshSeconds === undefined ? '' : `<meta http-equiv="refresh" content="${page.refreshSeconds}">`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">${refresh}<title>${escapeHtml(page.title)}</title><style>${STYLE}</style></head><body><h1>${escapeHtml(page.title)}</h1>${page.body}</body></html>`;
  res.writeHead(page.status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    // Inline style only; no script, no frames, forms post only to us (redirects after them go to the client).
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(html);
}

export const pages = {
  signIn(o: { clientName: string; redirectHost: string; plexUrl: string }): Page {
    return {
      status: 200,
      title: 'Sign in with Plex',
      refreshSeconds: 3,
      body: `<p><strong>${escapeHtml(o.clientName)}</strong> (returning to ${escapeHtml(o.redirectHost)}) wants to use this Plex server as you.</p>
<p><a class="button" id="plex-sign-in" href="${escapeHtml(o.plexUrl)}" target="_blank" rel="noopener noreferrer">Sign in with Plex</a></p>
<p class="muted">This page continues by itself once you have signed in at Plex.</p>`,
    };
  },
  expired(): Page {
    return {
      status: 410,
      title: 'This sign-in expired',
      body: '<p>Nobody signed in with Plex in time, or the Plex sign-in code expired.</p><p>Go back to your app and connect again to start a new sign-in.</p>',
    };
  },
  refused(o: { who: string; reason: 'not_shared' | 'not_allowed' }): Page {
    const why =
      o.reason === 'not_shared'
        ? 'This Plex server is not shared with your Plex account. Ask its owner to share it with you, then try again.'
        : 'Your Plex account is not on the list of people allowed to use this server. Ask its owner to add you.';
    return {
      status: 403,
      title: 'Not shared with you',
      body: `<p>Signed in to Plex as <strong>${escapeHtml(o.who)}</strong>.</p><p>${escapeHtml(why)}</p>`,
    };
  },
  whoIsWatching(o: {
    action: string;
    csrf: string;
    profiles: { uuid: string; title: string; needsPin: boolean }[];
    error?: string;
  }): Page {
    const items = o.profiles
      .map(
        (p) => `<li><form method="post" action="${escapeHtml(o.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}"><input type="hidden" name="profile" value="${escapeHtml(p.uuid)}">
${p.needsPin ? '<input name="pin" inputmode="numeric" autocomplete="off" maxlength="4" placeholder="PIN" aria-label="PIN"> ' : ''}<button type="submit">${escapeHtml(p.title)}</button></form></li>`,
      )
      .join('');
    return {
      status: o.error ? 400 : 200,
      title: "Who's watching?",
      body: `${o.error ? `<p><strong>${escapeHtml(o.error)}</strong></p>` : ''}<ul class="profiles">${items}</ul>`,
    };
  },
  problem(o: { status: number; title: string; message: string }): Page {
    return { status: o.status, title: o.title, body: `<p>${escapeHtml(o.message)}</p>` };
  },
};
