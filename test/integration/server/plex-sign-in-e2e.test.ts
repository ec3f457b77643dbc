/**
 * "Sign in with Plex" end to end (AUTH_MODE=plex): real MCP SDK clients register themselves, run authorization
 * code + PKCE against our authorization server (oidc-provider), the person's browser steps scripted against the
 * sign-in pages and the plex.tv double, then call tools as themselves on the Plex simulator (tool cache on, so
 * every "their own answer" check is also a check that the cache keeps people apart).
 */
import { randomBytes } from 'node:crypto';
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizationUrl,
  mcpRequest,
  type PersonAtTheBrowser,
  PlexSignInClient,
  registerClient,
  ScriptedBrowser,
  SIGN_IN_REDIRECT,
  type SignInHarness,
  SignInPageError,
  signInWithPlex,
  startSignInHarness,
  tokenRequest,
} from './support/plex-sign-in-harness.ts';

let h: SignInHarness;
const open: Client[] = [];
beforeAll(async () => {
  // This file signs in more than the default 10 PINs a minute from one address.
  h = await startSignInHarness({ limits: { pinsPerMinute: 100 } });
});
afterAll(async () => {
  await Promise.allSettled(open.map((c) => c.close()));
  await h?.close();
});

async function signIn(person: PersonAtTheBrowser): Promise<{ client: Client; provider: PlexSignInClient }> {
  const provider = new PlexSignInClient(person, h.plexTv);
  const transport = new StreamableHTTPClientTransport(new URL(h.publicUrl), { authProvider: provider });
  await expect(new Client({ name: 'sign-in', version: '1.0.0' }).connect(transport)).rejects.toBeInstanceOf(
    UnauthorizedError,
  );
  await transport.finishAuth(provider.callback?.searchParams as URLSearchParams);
  const client = new Client({ name: 'sign-in', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(h.publicUrl), { authProvider: provider }));
  open.push(client);
  return { client, provider };
}

type Structured = Record<string, unknown>;
async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = await client.callTool({ name, arguments: args });
  return {
    isError: result.isError === true,
    text: (result.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n'),
    structured: result.structuredContent as Structured,
  };
}

const subjectOf = (accessToken: string) =>
  JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()).sub as string;

/** The owner's account id on the simulated server (its first account). */
const OWNER_ACCOUNT = 1;

describe('two people signed in at once', () => {
  let owner: Client;
  let partner: Client;
  beforeAll(async () => {
    [{ client: owner }, { client: partner }] = await Promise.all([
      signIn({ username: 'owner' }),
      signIn({ username: 'partner' }),
    ]);
  });

  it('each gets their own On Deck and history (same arguments, cache on)', async () => {
    const [ownerDeck, partnerDeck] = await Promise.all([
      call(owner, 'get_on_deck'),
      call(partner, 'get_on_deck'),
    ]);
    expect(ownerDeck.isError, ownerDeck.text).toBe(false);
    expect(ownerDeck.structured.count).toBeGreaterThan(0);
    // The partner has watched nothing yet: the owner's deck must not be served to them.
    expect(partnerDeck.structured.count).toBe(0);
    const [ownerHistory, partnerHistory] = await Promise.all([
      call(owner, 'get_watch_history', { limit: 50 }),
      call(partner, 'get_watch_history', { limit: 50 }),
    ]);
    expect(ownerHistory.structured.count).toBeGreaterThan(0);
    expect(partnerHistory.structured.count).toBe(0);
  });

  it('marking watched as one leaves the other unwatched', async () => {
    const movie = h.sim
      .catalogOf(OWNER_ACCOUNT)
      .movies.find((m) => !m.viewCount && m.librarySectionID === 1) as { ratingKey: string };
    expect(movie).toBeDefined();
    const before = await call(owner, 'get_media_details', { media_id: movie.ratingKey });
    expect((before.structured.item as Structured).view_count ?? 0).toBe(0);
    const marked = await call(partner, 'mark_watched', { media_id: movie.ratingKey });
    expect(marked.isError, marked.text).toBe(false);
    const [asPartner, asOwner] = await Promise.all([
      call(partner, 'get_media_details', { media_id: movie.ratingKey }),
      call(owner, 'get_media_details', { media_id: movie.ratingKey }),
    ]);
    expect((asPartner.structured.item as Structured).view_count).toBeGreaterThan(0);
    expect((asOwner.structured.item as Structured).view_count ?? 0).toBe(0);
  });

  it('the logs carry who called, never a token', async () => {
    const logs = h.logs();
    expect(logs).toContain('"tool":"get_on_deck"');
    for (const p of h.plexTv.people) {
      expect(logs).not.toContain(p.authToken);
      if (p.serverToken) expect(logs).not.toContain(p.serverToken);
    }
  });
});

describe('what Plex shares decides what each person sees', () => {
  it('a friend sees only the shared library and gets not_found outside it', async () => {
    const { client } = await signIn({ username: 'friend' });
    const libraries = await call(client, 'list_libraries');
    expect((libraries.structured.libraries as { id: string }[]).map((l) => String(l.id))).toEqual(['1']);
    const outside = h.sim.catalogOf(OWNER_ACCOUNT).episodes[0] as {
      ratingKey: string;
      librarySectionID: number;
    };
    expect(outside.librarySectionID).not.toBe(1);
    const details = await call(client, 'get_media_details', { media_id: outside.ratingKey });
    expect(details.isError).toBe(true);
    expect(details.text).toMatch(/not_found/);
  });

  it('a stranger is refused at sign-in with a page saying the server is not shared with them', async () => {
    const provider = new PlexSignInClient({ username: 'stranger' }, h.plexTv);
    const transport = new StreamableHTTPClientTransport(new URL(h.publicUrl), { authProvider: provider });
    const failure = await new Client({ name: 'x', version: '1' }).connect(transport).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SignInPageError);
    expect((failure as SignInPageError).status).toBe(403);
    expect((failure as SignInPageError).html).toContain('not shared with your Plex account');
    expect(provider.callback).toBeUndefined();
  });
});

describe("who's watching: the owner switches to a Home profile", () => {
  it('a managed profile needs no PIN from the owner; the token names that profile', async () => {
    const { client, provider } = await signIn({ username: 'owner', profile: 'Kid' });
    expect(subjectOf(provider.tokens()?.access_token as string)).toBe(h.plexTv.person('kid').uuid);
    const deck = await call(client, 'get_on_deck');
    expect(deck.isError, deck.text).toBe(false);
    expect(deck.structured.count).toBe(0);
  });

  it('a profile with its own PIN asks for it: the right one gets in, a wrong one is refused', async () => {
    const { provider } = await signIn({ username: 'owner', profile: 'Pat', pin: '2468' });
    expect(subjectOf(provider.tokens()?.access_token as string)).toBe(h.plexTv.person('partner').uuid);
    const wrong = new PlexSignInClient({ username: 'owner', profile: 'Pat', pin: '0000' }, h.plexTv);
    const failure = await new Client({ name: 'x', version: '1' })
      .connect(new StreamableHTTPClientTransport(new URL(h.publicUrl), { authProvider: wrong }))
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SignInPageError);
    expect((failure as SignInPageError).html).toContain('wrong PIN');
  });
});

describe('tokens: refresh rotation, revocation, a Plex token that stops working', () => {
  it('a refresh token works once (rotated); revoking it ends the grant', async () => {
    const { provider } = await signIn({ username: 'partner' });
    const info = provider.clientInformation() as { client_id: string };
    const refresh = (token: string) =>
      tokenRequest(h.publicUrl, {
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: info.client_id,
      });
    const first = provider.tokens()?.refresh_token as string;
    const rotated = await refresh(first);
    expect(rotated.status).toBe(200);
    const next = ((await rotated.json()) as { refresh_token: string }).refresh_token;
    expect(next).toBeTruthy();
    expect(next).not.toBe(first);
    expect((await refresh(first)).status).toBe(400); // the old one is spent
    const revoked = await fetch(new URL('/oauth/revoke', h.publicUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: next, client_id: info.client_id }),
    });
    expect(revoked.status).toBe(200);
    expect((await refresh(next)).status).toBe(400);
  });

  it('a revoked Plex token ends the grant with a clear "sign in again" error, then 401', async () => {
    const { client, provider } = await signIn({ username: 'friend' });
    expect((await call(client, 'list_libraries')).isError).toBe(false);
    h.sim.revokeToken(h.plexTv.person('friend').serverToken as string);
    const failed = await call(client, 'search_media', { query: 'the' });
    expect(failed.isError).toBe(true);
    expect(failed.text).toMatch(/sign in with Plex again/);
    // The grant is gone: the access token is refused at the door, and so is the refresh token.
    const raw = await mcpRequest(h.publicUrl, provider.tokens()?.access_token as string);
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toMatch(/sign in with Plex again/);
    const info = provider.clientInformation() as { client_id: string };
    const refreshed = await tokenRequest(h.publicUrl, {
      grant_type: 'refresh_token',
      refresh_token: provider.tokens()?.refresh_token as string,
      client_id: info.client_id,
    });
    expect(refreshed.status).toBe(400);
  });
});

describe('hostile clients are refused', () => {
  let clientId: string;
  beforeAll(async () => {
    clientId = await registerClient(h.publicUrl, SIGN_IN_REDIRECT, 'hostile tests');
  });
  const verifier = randomBytes(32).toString('base64url');
  const authorizeUrl = (params: Record<string, string>) =>
    authorizationUrl(
      h.publicUrl,
      { clientId, redirectUri: SIGN_IN_REDIRECT, verifier },
      { scope: 'plex:read', state: 'state-1', resource: h.publicUrl, ...params },
    );
  const redeem = (code: string, codeVerifier = verifier) =>
    tokenRequest(h.publicUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: SIGN_IN_REDIRECT,
      client_id: clientId,
      code_verifier: codeVerifier,
    });

  it('a redirect URI that is not exactly the registered one gets an error page, never a redirect', async () => {
    for (const uri of [
      `${SIGN_IN_REDIRECT}/x`,
      'http://127.0.0.1:9/oauth/callback?x=1',
      'https://evil.example/cb',
    ]) {
      const response = await fetch(authorizeUrl({ redirect_uri: uri }), { redirect: 'manual' });
      expect(response.status, uri).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
  });

  it('no PKCE, or plain PKCE, is refused', async () => {
    const none = authorizeUrl({});
    none.searchParams.delete('code_challenge');
    none.searchParams.delete('code_challenge_method');
    const plain = authorizeUrl({ code_challenge: verifier, code_challenge_method: 'plain' });
    for (const url of [none, plain]) {
      const response = await fetch(url, { redirect: 'manual' });
      // The error goes back to the (registered) redirect URI, with no code.
      const location = new URL(response.headers.get('location') as string);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('code')).toBeNull();
    }
  });

  it('a code works once, only with its verifier; the state comes back as sent', async () => {
    const back = await signInWithPlex(authorizeUrl({}), { username: 'partner' }, h.plexTv, SIGN_IN_REDIRECT);
    expect(back.searchParams.get('state')).toBe('state-1');
    const code = back.searchParams.get('code') as string;
    expect((await redeem(code, randomBytes(32).toString('base64url'))).status).toBe(400);
    // A failed attempt does not spend it for the rightful client… but a replay after use is refused.
    const first = await redeem(code);
    expect(first.status).toBe(200);
    expect((await redeem(code)).status).toBe(400);
  });

  it('a forged form (wrong CSRF token) or another browser on the sign-in page is refused', async () => {
    const browser = new ScriptedBrowser();
    const start = await browser.go(authorizeUrl({}));
    const interaction = new URL(start.headers.get('location') as string, h.publicUrl);
    const page = await browser.go(interaction);
    expect(page.status).toBe(200);
    await page.text();
    // Another browser (no interaction cookie) opening the same page.
    const stranger = await fetch(interaction, { redirect: 'manual' });
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).toContain('another browser');
    const forged = await browser.go(new URL(`${interaction.pathname}/profile`, h.publicUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
      body: new URLSearchParams({ csrf: 'forged', profile: 'anything' }).toString(),
    });
    expect(forged.status).toBe(403);
  });
});

describe('rate limits', () => {
  let tight: SignInHarness;
  beforeAll(async () => {
    tight = await startSignInHarness({ limits: { pinsPerMinute: 2, tokenPerMinute: 3 } });
  });
  afterAll(async () => {
    await tight?.close();
  });

  it('PIN creation at plex.tv and the token endpoint answer 429 past their limit', async () => {
    const pinsBefore = tight.plexTv.requests().filter((r) => r === 'POST /api/v2/pins').length;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const browser = new ScriptedBrowser();
      const clientId = await registerClient(tight.publicUrl, SIGN_IN_REDIRECT);
      const url = authorizationUrl(tight.publicUrl, {
        clientId,
        redirectUri: SIGN_IN_REDIRECT,
        verifier: 'v'.repeat(43),
      });
      const start = await browser.go(url);
      const page = await browser.go(new URL(start.headers.get('location') as string, tight.publicUrl));
      statuses.push(page.status);
      await page.text();
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(tight.plexTv.requests().filter((r) => r === 'POST /api/v2/pins').length - pinsBefore).toBe(2);
    // Registration shares the token endpoints' budget: three were used above.
    const token = await tokenRequest(tight.publicUrl, { grant_type: 'authorization_code', code: 'x' });
    expect(token.status).toBe(429);
  });
});
