/**
 * The identity provider changing under a running server: its signing keys rotating (old key removed) and it going
 * down altogether. And AUTH_MODE=bearer+oauth, where the static token and OAuth tokens both open /mcp.
 */
import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLS } from '../../../server/tools/registry.ts';
import { newSigningKey } from '../../support/idp/idp-process.ts';
import { IDP_CLIENTS } from '../../support/idp/provider.ts';
import { connectClient } from './support/mcp-harness.ts';
import {
  accessToken,
  clientCredentials,
  connectWithOAuth,
  type OAuthHarness,
  rawMcpCall,
  startOAuthHarness,
} from './support/oauth-harness.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function status(h: OAuthHarness, token: string): Promise<number> {
  return (await rawMcpCall(h.server.url, `Bearer ${token}`)).status;
}

describe('the identity provider rotates its keys and goes down (AUTH_MODE=oauth)', () => {
  let h: OAuthHarness;
  beforeAll(async () => {
    h = await startOAuthHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a key rotation mid-run (old key removed) is followed without restarting the server', async () => {
    const oldToken = await accessToken(h.server.url, clientCredentials(h.idp, IDP_CLIENTS.full));
    expect(await status(h, oldToken)).toBe(200);
    const oldKid = h.idp.keys[0]?.kid;

    await h.idp.restart([await newSigningKey()]);
    expect(h.idp.keys[0]?.kid).not.toBe(oldKid);
    await sleep(1_100); // past the harness's 1 s refetch cooldown

    const newToken = await accessToken(h.server.url, clientCredentials(h.idp, IDP_CLIENTS.full));
    const client = await connectClient(h.server.url, newToken, 'modern');
    try {
      const result = await client.callTool({ name: 'list_libraries', arguments: {} });
      expect(result.isError).toBeFalsy();
    } finally {
      await client.close();
    }
    expect((await h.idp.stats()).jwksFetches).toBeGreaterThanOrEqual(1); // the new provider's set was fetched

    // The removed key no longer opens anything.
    await sleep(1_100);
    const refused = await rawMcpCall(h.server.url, `Bearer ${oldToken}`);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error_description: string }).error_description).toBe(
      "The access token's signing key is not one of the issuer's keys.",
    );
  });

  it('with the issuer down, cached keys keep valid tokens working and new ones fail clearly', async () => {
    const token = await accessToken(h.server.url, clientCredentials(h.idp, IDP_CLIENTS.full));
    expect(await status(h, token)).toBe(200);
    const kid = h.idp.keys[0]?.kid as string;

    await h.idp.stop();
    await sleep(1_100);
    for (let i = 0; i < 3; i++) expect(await status(h, token)).toBe(200);

    // A client cannot get a new token: the SDK's flow fails (the provider is unreachable), not our server.
    await expect(accessToken(h.server.url, clientCredentials(h.idp, IDP_CLIENTS.full))).rejects.toThrow();

    // A token needing a key we never saw cannot be checked: a clear 401, not a hang or a 500.
    const { privateKey } = await generateKeyPair('ES256');
    const unknownKid = await new SignJWT({ scope: 'plex:read' })
      .setProtectedHeader({ alg: 'ES256', kid: randomUUID() })
      .setIssuer(h.idp.issuer)
      .setAudience(h.publicUrl)
      .setExpirationTime('5m')
      .sign(privateKey);
    const started = Date.now();
    const refused = await rawMcpCall(h.server.url, `Bearer ${unknownKid}`);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error_description: string }).error_description).toMatch(
      /^The token could not be checked: the issuer's signing keys could not be fetched/,
    );
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(kid).toBeDefined();

    // The valid token still works after that failed refresh.
    expect(await status(h, token)).toBe(200);
    expect(h.logs()).toContain('OAuth signing keys could not be fetched');
    expect(h.logs()).not.toContain(token);
  });
});

describe('AUTH_MODE=bearer+oauth', () => {
  let h: OAuthHarness;
  beforeAll(async () => {
    h = await startOAuthHarness({ mode: 'bearer+oauth' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('accepts the static token (every tool) and OAuth tokens (per their scopes), and refuses others', async () => {
    const byStatic = await connectClient(h.server.url, h.authToken, 'modern');
    try {
      expect((await byStatic.listTools()).tools).toHaveLength(TOOLS.length);
    } finally {
      await byStatic.close();
    }
    const byOAuth = await connectWithOAuth(
      h.server.url,
      clientCredentials(h.idp, IDP_CLIENTS.full),
      'legacy',
    );
    try {
      const result = await byOAuth.callTool({ name: 'get_plex_status', arguments: {} });
      expect(result.isError).toBeFalsy();
    } finally {
      await byOAuth.close();
    }
    const readOnly = await accessToken(
      h.server.url,
      clientCredentials(h.idp, IDP_CLIENTS.readOnly),
      'plex:read',
    );
    const limited = await connectClient(h.server.url, readOnly, 'modern');
    try {
      expect((await limited.listTools()).tools.map((t) => t.name)).not.toContain('control_playback');
    } finally {
      await limited.close();
    }
    const wrong = await rawMcpCall(h.server.url, `Bearer ${h.authToken.slice(0, -2)}xx`);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('resource_metadata=');
  });
});
