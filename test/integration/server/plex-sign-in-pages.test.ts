/**
 * The sign-in pages' edges: a PIN nobody claims expires into a clear page (which stays expired on reload and never
 * redirects), PLEX_ALLOWED_USERS keeps out people Plex would admit, and the pages carry no token: not in the HTML,
 * not in any URL the browser is sent to.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizationUrl,
  PlexSignInClient,
  registerClient,
  ScriptedBrowser,
  SIGN_IN_REDIRECT,
  type SignInHarness,
  SignInPageError,
  startSignInHarness,
} from './support/plex-sign-in-harness.ts';

let h: SignInHarness;
beforeAll(async () => {
  h = await startSignInHarness({ env: { PLEX_ALLOWED_USERS: 'owner, kid' }, pinLifetimeSeconds: 1 });
});
afterAll(async () => {
  await h?.close();
});

async function openSignInPage(browser: ScriptedBrowser): Promise<{ url: URL; html: string }> {
  const clientId = await registerClient(h.publicUrl, SIGN_IN_REDIRECT, 'pages test client');
  const authorize = authorizationUrl(h.publicUrl, {
    clientId,
    redirectUri: SIGN_IN_REDIRECT,
    verifier: 'x'.repeat(43),
  });
  const start = await browser.go(authorize);
  const url = new URL(start.headers.get('location') as string, h.publicUrl);
  const page = await browser.go(url);
  expect(page.status).toBe(200);
  return { url, html: await page.text() };
}

describe('a PIN nobody claims', () => {
  it('expires into a clear page that stays expired and never redirects', async () => {
    const browser = new ScriptedBrowser();
    const { url, html } = await openSignInPage(browser);
    expect(html).toContain('Sign in with Plex');
    // The client as it registered itself, and where the browser goes back to.
    expect(html).toContain('<strong>pages test client</strong> (returning to 127.0.0.1:9)');
    expect(html).toContain('http-equiv="refresh"');
    await sleep(1_200); // the double's PIN lifetime is 1 s
    for (let i = 0; i < 2; i++) {
      const page = await browser.go(url);
      expect(page.status).toBe(410);
      expect(page.headers.get('location')).toBeNull();
      const text = await page.text();
      expect(text).toContain('This sign-in expired');
      expect(text).not.toContain('http-equiv="refresh"');
    }
  });
});

describe('PLEX_ALLOWED_USERS', () => {
  const attempt = async (username: string) => {
    const provider = new PlexSignInClient({ username }, h.plexTv);
    const transport = new StreamableHTTPClientTransport(new URL(h.publicUrl), { authProvider: provider });
    return new Client({ name: 't', version: '1' }).connect(transport).catch((e: unknown) => e);
  };

  it('keeps out a Home member Plex would admit, with a page saying why', async () => {
    const failure = await attempt('partner');
    expect(failure).toBeInstanceOf(SignInPageError);
    expect((failure as SignInPageError).status).toBe(403);
    expect((failure as SignInPageError).html).toContain('not on the list of people allowed');
  });

  it('lets a listed person in', async () => {
    expect(await attempt('owner')).toBeInstanceOf(UnauthorizedError); // i.e. the flow came back with a code
  });
});

describe('the pages carry no token', () => {
  it('neither the HTML nor any URL the browser visits holds a plex.tv or Plex server token', async () => {
    const browser = new ScriptedBrowser();
    const { url, html } = await openSignInPage(browser);
    const link = /id="plex-sign-in" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&') as string;
    const code = new URLSearchParams(new URL(link).hash.replace(/^#\??/, '')).get('code') as string;
    h.plexTv.claimCode(code, 'owner');
    const next = await browser.go(url);
    const owner = h.plexTv.person('owner');
    const page = await next.text();
    const visited = [url.href, link, next.headers.get('location') ?? ''].join(' ');
    for (const secret of [owner.authToken, owner.serverToken as string]) {
      expect(html + page).not.toContain(secret);
      expect(visited).not.toContain(secret);
    }
    expect(h.logs()).not.toContain(owner.authToken);
  });
});
