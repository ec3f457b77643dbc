/**
 * AUTH_MODE=oauth against a real OpenID Provider (panva's oidc-provider, its own process on loopback): discovery
 * from our 401 (RFC 9728), tokens from the SDK client's client-credentials flow, and every token our server must
 * refuse (other audience, expired, tampered, other issuer, alg none, HS256 with the public key, unknown kid floods,
 * malformed and oversized), each a clear 401 that logs nothing replayable.
 */
import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLS } from '../../../server/tools/registry.ts';
import { startIdp } from '../../support/idp/idp-process.ts';
import { IDP_CLIENTS } from '../../support/idp/provider.ts';
import { connectClient, ERAS } from './support/mcp-harness.ts';
import {
  accessToken,
  clientCredentials,
  connectWithOAuth,
  type OAuthHarness,
  OTHER_RESOURCE,
  rawMcpCall,
  startOAuthHarness,
  tokenFromIdp,
} from './support/oauth-harness.ts';

let h: OAuthHarness;
/** Every token this file sends, good or bad: none may appear in a log line. */
const sentTokens: string[] = [];

beforeAll(async () => {
  h = await startOAuthHarness();
});
afterAll(async () => {
  await h?.close();
});

async function expectRefused(token: string, description: RegExp): Promise<void> {
  sentTokens.push(token);
  const response = await rawMcpCall(h.server.url, `Bearer ${token}`);
  const body = (await response.json()) as { error?: string; error_description?: string };
  expect(response.status).toBe(401);
  expect(body.error).toBe('invalid_token');
  expect(body.error_description).toMatch(description);
  const challenge = response.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(/^Bearer error="invalid_token"/);
  expect(challenge).toContain(`resource_metadata="${metadataUrl()}"`);
}

function metadataUrl(): string {
  const url = new URL(h.publicUrl);
  return `${url.origin}/.well-known/oauth-protected-resource${url.pathname}`;
}

/** Claims that would be accepted, for tokens signed by keys or algorithms that must not be. */
function plausibleClaims() {
  return { scope: 'plex:read plex:playback plex:library', client_id: 'attacker', sub: 'attacker' };
}

describe('protected resource metadata (RFC 9728)', () => {
  it('is served at the root and the path-suffixed forms, names the issuer and scopes, and is readable cross-origin', async () => {
    const origin = new URL(h.publicUrl).origin;
    for (const path of [
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
    ]) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(await response.json()).toEqual({
        resource: h.publicUrl,
        authorization_servers: [h.idp.issuer],
        scopes_supported: ['plex:read', 'plex:playback', 'plex:library'],
        bearer_methods_supported: ['header'],
        resource_name: 'Plex MCP server',
      });
    }
    const post = await fetch(`${origin}/.well-known/oauth-protected-resource`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('a request without a token gets 401 with a challenge pointing at the metadata (no error code)', async () => {
    const response = await rawMcpCall(h.server.url, undefined);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${metadataUrl()}", scope="plex:read plex:playback plex:library"`,
    );
  });
});

describe('tokens for this resource', () => {
  for (const era of ERAS) {
    it(`a client-credentials token lists and calls tools (${era} era), discovered from the 401`, async () => {
      const client = await connectWithOAuth(h.server.url, clientCredentials(h.idp, IDP_CLIENTS.full), era);
      try {
        const names = (await client.listTools()).tools.map((t) => t.name);
        expect(names).toContain('list_libraries');
        expect(names).toContain('control_playback');
        const result = await client.callTool({ name: 'list_libraries', arguments: {} });
        expect(result.isError).toBeFalsy();
        expect((result.structuredContent as { libraries: unknown[] }).libraries.length).toBeGreaterThan(0);
      } finally {
        await client.close();
      }
    });
  }

  it("the caller's identity is in the tool call's log context, and the token is not", async () => {
    const provider = clientCredentials(h.idp, IDP_CLIENTS.full);
    const token = await accessToken(h.server.url, provider);
    sentTokens.push(token);
    const response = await rawMcpCall(h.server.url, `Bearer ${token}`, {
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'get_plex_status', arguments: {} },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('"structuredContent"');
    const line = h
      .logs()
      .split('\n')
      .find((l) => l.includes('"tool":"get_plex_status"') && l.includes('tool call answered'));
    expect(line).toBeDefined();
    expect(JSON.parse(line as string).caller).toEqual({
      sub: IDP_CLIENTS.full.id,
      client_id: IDP_CLIENTS.full.id,
    });
  });

  it('an opaque token is accepted through RFC 7662 introspection, and an unknown opaque one refused', async () => {
    const token = await accessToken(h.server.url, clientCredentials(h.idp, IDP_CLIENTS.opaque));
    sentTokens.push(token);
    expect(token.split('.')).toHaveLength(1); // really not a JWT
    const ok = await rawMcpCall(h.server.url, `Bearer ${token}`);
    expect(ok.status).toBe(200);
    await expectRefused(`${token.slice(0, -4)}AAAA`, /not active/);
  });
});

describe('tokens that must be refused with 401', () => {
  it('a token minted for another resource (audience, RFC 8707)', async () => {
    const token = await tokenFromIdp(h.idp, IDP_CLIENTS.full, OTHER_RESOURCE);
    await expectRefused(token, /another resource \(audience mismatch\)/);
  });

  it('an expired token', async () => {
    const token = await accessToken(h.server.url, clientCredentials(h.idp, IDP_CLIENTS.shortLived));
    expect((await rawMcpCall(h.server.url, `Bearer ${token}`)).status).toBe(200);
    // Lifetime 2 s, clock skew 1 s in this harness.
    await new Promise((r) => setTimeout(r, 3_500));
    await expectRefused(token, /has expired/);
  });

  it('a tampered token (payload changed, signature kept)', async () => {
    const token = await accessToken(
      h.server.url,
      clientCredentials(h.idp, IDP_CLIENTS.readOnly),
      'plex:read',
    );
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    claims.scope = 'plex:read plex:playback plex:library';
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await expectRefused(forged, /signature is not valid/);
  });

  it('a token from another issuer, even one signed with the same keys', async () => {
    const other = await startIdp({ resources: [h.publicUrl], keys: h.idp.keys });
    try {
      const token = await tokenFromIdp(other, IDP_CLIENTS.full, h.publicUrl);
      await expectRefused(token, /issued by another issuer/);
    } finally {
      await other.stop();
    }
  });

  it('alg: none', async () => {
    const token = new UnsecuredJWT(plausibleClaims())
      .setIssuer(h.idp.issuer)
      .setAudience(h.publicUrl)
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    await expectRefused(token, /signing algorithm is not accepted|malformed/);
  });

  it("HS256 'signed' with the issuer's public key (key confusion)", async () => {
    const { d: _private, ...publicJwk } = h.idp.keys[0] as Record<string, string>;
    for (const secret of [JSON.stringify(publicJwk), JSON.stringify({ keys: [publicJwk] })]) {
      const token = await new SignJWT(plausibleClaims())
        .setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid as string })
        .setIssuer(h.idp.issuer)
        .setAudience(h.publicUrl)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(secret));
      await expectRefused(token, /signing algorithm is not accepted/);
    }
  });

  it('a flood of tokens with unknown kids costs a bounded number of key-set fetches', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const tokens = await Promise.all(
      Array.from({ length: 50 }, () =>
        new SignJWT(plausibleClaims())
          .setProtectedHeader({ alg: 'ES256', kid: randomUUID() })
          .setIssuer(h.idp.issuer)
          .setAudience(h.publicUrl)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(privateKey),
      ),
    );
    await new Promise((r) => setTimeout(r, 1_100)); // past the harness's 1 s cooldown: the flood may cause one fetch
    const before = (await h.idp.stats()).jwksFetches;
    const started = Date.now();
    await Promise.all(tokens.map((t) => expectRefused(t, /signing key is not one of the issuer's keys/)));
    const elapsed = Date.now() - started;
    const fetched = (await h.idp.stats()).jwksFetches - before;
    // At most one fetch per cooldown (1 s here, 30 s by default), however many unknown kids arrive.
    expect(fetched).toBeGreaterThanOrEqual(1);
    expect(fetched).toBeLessThanOrEqual(1 + Math.floor(elapsed / 1000));
    expect(fetched).toBeLessThan(tokens.length / 10);
  });

  it('an attacker key of our own making, with the real kid', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT(plausibleClaims())
      .setProtectedHeader({ alg: 'ES256', kid: h.idp.keys[0]?.kid as string })
      .setIssuer(h.idp.issuer)
      .setAudience(h.publicUrl)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    await expectRefused(token, /signature is not valid/);
  });

  it('malformed values and headers', async () => {
    await expectRefused('a.b.c', /malformed/);
    await expectRefused('eyJhbGciOiJFUzI1NiJ9.!!!.x', /characters no token can have/);
    await expectRefused('opaque-and-unknown', /not active/);
    await expectRefused('x'.repeat(9_000), /too long/);
    const basic = await rawMcpCall(h.server.url, 'Basic dXNlcjpwYXNz');
    expect(basic.status).toBe(401);
    expect(((await basic.json()) as { error_description: string }).error_description).toMatch(
      /Bearer <token>/,
    );
  });

  it('an oversized header is refused by the HTTP layer, and the server keeps serving', async () => {
    const huge = await rawMcpCall(h.server.url, `Bearer ${'y'.repeat(64 * 1024)}`).catch((e: unknown) => e);
    if (huge instanceof Response) expect(huge.status).toBe(431);
    else expect(huge).toBeInstanceOf(Error); // the server may reset the connection instead of answering
    const token = await accessToken(h.server.url, clientCredentials(h.idp, IDP_CLIENTS.full));
    sentTokens.push(token);
    expect((await rawMcpCall(h.server.url, `Bearer ${token}`)).status).toBe(200);
  });
});

describe('scopes gate tool categories', () => {
  it('a token without plex:playback neither sees nor runs control_playback: 403 insufficient_scope naming the scope', async () => {
    // The client may ask for plex:read only; the SDK would otherwise ask for every scope the 401 names.
    const token = await accessToken(
      h.server.url,
      clientCredentials(h.idp, IDP_CLIENTS.readOnly),
      'plex:read',
    );
    sentTokens.push(token);
    for (const era of ERAS) {
      const client = await connectClient(h.server.url, token, era);
      try {
        const names = (await client.listTools()).tools.map((t) => t.name);
        expect(names).toContain('search_media');
        expect(names).not.toContain('control_playback');
        expect(names).toHaveLength(TOOLS.filter((t) => t.category === 'read').length);
      } finally {
        await client.close();
      }
    }
    const response = await rawMcpCall(h.server.url, `Bearer ${token}`, {
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'control_playback', arguments: { action: 'pause' } },
    });
    expect(response.status).toBe(403);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toMatch(/scope="[^"]*plex:playback[^"]*"/);
    expect(challenge).toContain(`resource_metadata="${metadataUrl()}"`);
    expect(((await response.json()) as { error_description: string }).error_description).toBe(
      'The plex:playback scope is required for control_playback.',
    );
    // Nothing reached Plex.
    expect(h.sim.requestLog().some((r) => r.path.includes('/player/'))).toBe(false);
  });

  it('every tool outside plex:read (playback, and the watch-state and playlist tools once they exist) is refused with its scope', async () => {
    const token = await accessToken(
      h.server.url,
      clientCredentials(h.idp, IDP_CLIENTS.readOnly),
      'plex:read',
    );
    sentTokens.push(token);
    const gated = TOOLS.filter((t) => t.category !== 'read');
    expect(gated.map((t) => t.name)).toContain('control_playback');
    const scopeOf = { playback: 'plex:playback', library: 'plex:library' } as const;
    for (const tool of gated) {
      const response = await rawMcpCall(h.server.url, `Bearer ${token}`, {
        jsonrpc: '2.0',
        id: 4,
        method: 'tools/call',
        params: { name: tool.name, arguments: {} },
      });
      const scope = scopeOf[tool.category as 'playback' | 'library'];
      expect(response.status, tool.name).toBe(403);
      expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      expect(((await response.json()) as { error_description: string }).error_description).toBe(
        `The ${scope} scope is required for ${tool.name}.`,
      );
    }
    // A token with every scope runs them past the gate (the tool itself answers, here about its arguments).
    const full = await accessToken(h.server.url, clientCredentials(h.idp, IDP_CLIENTS.full));
    sentTokens.push(full);
    const allowed = await rawMcpCall(h.server.url, `Bearer ${full}`, {
      jsonrpc: '2.0',
      id: 5,
      method: 'tools/call',
      params: { name: 'control_playback', arguments: {} },
    });
    expect(allowed.status).toBe(200);
  });

  it('the refusals are counted in /metrics by outcome, never by caller', async () => {
    const text = await (await fetch(`${new URL(h.publicUrl).origin}/metrics`)).text();
    expect(text).toMatch(/plexmcp_auth_requests_total\{method="oauth",outcome="accepted"\} \d+/);
    expect(text).toMatch(/plexmcp_auth_requests_total\{method="oauth",outcome="invalid_token"\} \d+/);
    expect(text).toMatch(/plexmcp_auth_requests_total\{method="oauth",outcome="insufficient_scope"\} \d+/);
    expect(text).not.toContain(IDP_CLIENTS.full.id);
  });
});

describe('logs', () => {
  it('no token this file sent appears in any log line (not even its signature)', () => {
    const logs = h.logs();
    expect(sentTokens.length).toBeGreaterThan(60);
    for (const token of sentTokens) {
      const parts = token.split('.');
      const secretPart = parts.length === 3 ? (parts[2] as string) : token;
      if (secretPart.length >= 16) expect(logs).not.toContain(secretPart);
      expect(logs).not.toContain(token);
    }
  });
});
