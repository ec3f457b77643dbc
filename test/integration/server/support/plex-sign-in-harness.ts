/**
 * "Sign in with Plex" set-up for the tests and the demo: the Plex simulator with several people (each their own
 * token, watch state and sharing), the plex.tv double knowing the same people, and our server with AUTH_MODE=plex
 * (in-process; more replicas on demand, sharing Redis when given). The browser is scripted: it follows the
 * authorization server's redirects with a cookie jar, "signs in at Plex" by claiming the PIN code shown in the link
 * to Plex's sign-in page (the double's claimCode), reloads the waiting page, picks a Home profile when asked, and
 * returns the redirect back to the client. Clients are the MCP SDK's own, registering themselves (RFC 7591).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createServerDeps, secretsOf } from '../../../../server/app.ts';
import { type RunningHttpServer, startHttpServer } from '../../../../server/http-server.ts';
import { createLogger } from '../../../../server/observability/logger.ts';
import { freeLoopbackPorts } from '../../../cluster/ports.ts';
import { household } from '../../../plex-sim/household.ts';
import { type PlexTv, startPlexTv } from '../../../plex-sim/plex-tv.ts';
import { type PlexSimulator, startPlexSimulator } from '../../../plex-sim/simulator.ts';
import { BrowserOAuthClient, ScriptedBrowser } from '../../../support/idp/scripted-browser.ts';

export { ScriptedBrowser };

import { buildConfig } from './mcp-harness.ts';

export const SIGN_IN_REDIRECT = 'http://127.0.0.1:9/oauth/callback';

export interface SignInHarness {
  sim: PlexSimulator;
  plexTv: PlexTv;
  server: RunningHttpServer;
  publicUrl: string;
  /** Every log line of every replica so far. */
  logs(): string;
  /** Stops the server and starts it again on the same port with the same settings (a pod restart). */
  restart(): Promise<void>;
  /** Another replica with the same settings (same MCP_PUBLIC_URL) on its own port; closed with the harness. */
  replica(): Promise<RunningHttpServer>;
  close(): Promise<void>;
}

export async function startSignInHarness(
  options: {
    env?: Record<string, string>;
    limits?: { tokenPerMinute?: number; pinsPerMinute?: number };
    /** How long the double's PINs stay claimable (default plex.tv's 900 s). */
    pinLifetimeSeconds?: number;
  } = {},
): Promise<SignInHarness> {
  const people = household();
  const sim = await startPlexSimulator({ port: 0, token: people.ownerToken, people: people.sim });
  const identity = (await (
    await fetch(`${sim.url}/identity`, {
      headers: { Accept: 'application/json', 'X-Plex-Token': people.ownerToken },
    })
  ).json()) as { MediaContainer: { machineIdentifier: string } };
  const plexTv = await startPlexTv({
    server: {
      machineIdentifier: identity.MediaContainer.machineIdentifier,
      name: 'Family Server',
      uri: sim.url,
    },
    people: people.plexTv,
    ...(options.pinLifetimeSeconds !== undefined && { pinLifetimeSeconds: options.pinLifetimeSeconds }),
  });
  const [port] = await freeLoopbackPorts(1);
  const publicUrl = `http://127.0.0.1:${port}/mcp`;
  const key = randomBytes(32).toString('base64url');
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const config = buildConfig({
    PLEX_SERVER_URL: sim.url,
    PLEX_TOKEN: people.ownerToken,
    SERVER_PORT: String(port),
    AUTH_MODE: 'plex',
    MCP_PUBLIC_URL: publicUrl,
    PLEX_SIGN_IN_KEY: key,
    PLEX_TV_URL: plexTv.url,
    PLEX_TV_RESOURCES_URL: plexTv.url,
    PLEX_APP_AUTH_URL: `${plexTv.url}/auth`,
    PLEX_EVENTS: 'false',
    LOG_LEVEL: 'trace',
    ...options.env,
  });
  const start = async (c = config) => {
    const logger = createLogger({ level: 'trace', secrets: secretsOf(c), destination: sink });
    const deps = await createServerDeps(c, { logger });
    return startHttpServer(c, deps, options.limits);
  };
  let server = await start();
  const replicas: RunningHttpServer[] = [];
  const h: SignInHarness = {
    sim,
    plexTv,
    get server() {
      return server;
    },
    publicUrl,
    logs: () => lines.join(''),
    async restart() {
      await server.close({ graceMs: 500 });
      await server.deps.close();
      server = await start();
    },
    async replica() {
      const replica = await start({ ...config, server: { ...config.server, port: 0 } });
      replicas.push(replica);
      return replica;
    },
    async close() {
      for (const r of [server, ...replicas]) {
        await r.close({ graceMs: 500 });
        await r.deps.close();
      }
      await plexTv.close();
      await sim.close();
    },
  };
  return h;
}

/** What the scripted person does at the sign-in pages. */
export interface PersonAtTheBrowser {
  /** The plex.tv account that signs in (the double's username). */
  username: string;
  /** On the owner's "who's watching" page: the profile's title to pick (default: themselves) and its PIN. */
  profile?: string;
  pin?: string;
}

/** The HTML page the browser ended on, when the flow did not come back to the client. */
export class SignInPageError extends Error {
  readonly status: number;
  readonly html: string;
  constructor(status: number, html: string) {
    super(
      `sign-in stopped at a page (HTTP ${status}): ${html
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .slice(0, 300)}`,
    );
    this.status = status;
    this.html = html;
  }
}

const unescapeHtml = (s: string) =>
  s.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'");

/**
 * The browser half of one authorization: from the authorization URL to the redirect back to the client (or a
 * SignInPageError with the page it stopped at).
 */
export async function signInWithPlex(
  authorizationUrl: URL,
  person: PersonAtTheBrowser,
  plexTv: { claimCode(code: string, username: string): void | Promise<void> },
  redirectUri: string,
  browser = new ScriptedBrowser(),
): Promise<URL> {
  let url = authorizationUrl;
  let init: RequestInit = {};
  let claimed = false;
  for (let step = 0; step < 20; step++) {
    const response = await browser.go(url, init);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      const next = new URL(location, url);
      if (next.href.startsWith(redirectUri)) return next;
      url = next;
      init = {};
      continue;
    }
    const html = await response.text();
    const plexLink = /id="plex-sign-in" href="([^"]+)"/.exec(html)?.[1];
    if (response.status === 200 && plexLink) {
      if (!claimed) {
        // The person follows the link to Plex's page and signs in there; then the page reloads.
        const fragment = new URL(unescapeHtml(plexLink)).hash.replace(/^#\??/, '');
        await plexTv.claimCode(new URLSearchParams(fragment).get('code') ?? '', person.username);
        claimed = true;
      } else await new Promise((r) => setTimeout(r, 2_100));
      init = {};
      continue;
    }
    if (response.status === 200 && html.includes('Who&#39;s watching?')) {
      const wanted = person.profile;
      const forms = [...html.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)];
      const form = forms.find((f) =>
        wanted === undefined ? forms.indexOf(f) === 0 : f[2]?.includes(`>${wanted}</button>`),
      );
      if (!form) throw new SignInPageError(response.status, html);
      const fields = new URLSearchParams();
      for (const m of (form[2] ?? '').matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g))
        fields.set(m[1] as string, unescapeHtml(m[2] as string));
      if (person.pin !== undefined) fields.set('pin', person.pin);
      url = new URL(unescapeHtml(form[1] as string), url);
      init = {
        method: 'POST',
        body: fields.toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url.origin },
      };
      // A wrong PIN shows the chooser again: stop there rather than loop.
      if (step > 0 && html.includes('<strong>')) throw new SignInPageError(400, html);
      continue;
    }
    throw new SignInPageError(response.status, html);
  }
  throw new Error('too many steps in the sign-in');
}

/**
 * An MCP client (public, authorization code + PKCE, registering itself) whose person signs in with Plex through
 * the scripted browser: what claude.ai or Claude Desktop do.
 */
export class PlexSignInClient extends BrowserOAuthClient {
  constructor(
    person: PersonAtTheBrowser,
    plexTv: { claimCode(code: string, username: string): void | Promise<void> },
    redirectUri = SIGN_IN_REDIRECT,
  ) {
    super({
      redirectUri,
      name: `plex-mcp tests (${person.username})`,
      browse: (url) => signInWithPlex(url, person, plexTv, redirectUri),
    });
  }
}

/** RFC 7591 registration of a public client (authorization code + PKCE) at `baseUrl`; its client_id. */
export async function registerClient(
  baseUrl: string,
  redirectUri: string,
  name = 'plex-mcp tests',
): Promise<string> {
  const response = await fetch(new URL('/oauth/register', baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      client_name: name,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
  });
  if (response.status !== 201) throw new Error(`registration refused (HTTP ${response.status})`);
  return ((await response.json()) as { client_id: string }).client_id;
}

/** An authorization request with PKCE S256 for `verifier`; `extra` adds or replaces parameters. */
export function authorizationUrl(
  baseUrl: string,
  client: { clientId: string; redirectUri: string; verifier: string },
  extra: Record<string, string> = {},
): URL {
  const url = new URL('/oauth/authorize', baseUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    code_challenge: createHash('sha256').update(client.verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  return url;
}

/** A form POST to the token endpoint of `baseUrl`. */
export function tokenRequest(baseUrl: string, form: Record<string, string>): Promise<Response> {
  return fetch(new URL('/oauth/token', baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
}

/** One bare JSON-RPC request to /mcp with an access token (no OAuth provider that could refresh or sign in). */
export function mcpRequest(mcpUrl: string, accessToken: string, method = 'tools/list'): Promise<Response> {
  return fetch(mcpUrl, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${accessToken}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method }),
    signal: AbortSignal.timeout(10_000),
  });
}
