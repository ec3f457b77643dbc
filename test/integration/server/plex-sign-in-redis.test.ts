/**
 * "Sign in with Plex" with Redis (a real redis-server): a person's grant survives a server restart and works on a
 * second replica, because oidc-provider's records, the person's Plex access and the signing key are all in Redis
 * (sealed). Without Redis the same restart signs everyone out (the control). Redis holds no token in the clear.
 */
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisBinary } from '../../support/redis-binary.ts';
import { type RunningRedis, startRedisServer } from '../../support/redis-server.ts';
import {
  mcpRequest,
  PlexSignInClient,
  type SignInHarness,
  startSignInHarness,
  tokenRequest,
} from './support/plex-sign-in-harness.ts';

async function signIn(h: SignInHarness, username: string): Promise<PlexSignInClient> {
  const provider = new PlexSignInClient({ username }, h.plexTv);
  const transport = new StreamableHTTPClientTransport(new URL(h.publicUrl), { authProvider: provider });
  await expect(new Client({ name: 't', version: '1' }).connect(transport)).rejects.toBeInstanceOf(
    UnauthorizedError,
  );
  await transport.finishAuth(provider.callback?.searchParams as URLSearchParams);
  return provider;
}

/** A tools/call with a bare access token (no OAuth provider: nothing may refresh or sign in again). */
async function deckWith(url: string, accessToken: string): Promise<{ count: number } | 'unauthorized'> {
  const client = new Client({ name: 'replica', version: '1' });
  try {
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { Authorization: `Bearer ${accessToken}` } },
      }),
    );
  } catch (error) {
    if (error instanceof UnauthorizedError || /invalid_token/.test(String(error))) return 'unauthorized';
    throw error;
  }
  try {
    const result = await client.callTool({ name: 'get_on_deck', arguments: {} });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    return result.structuredContent as { count: number };
  } finally {
    await client.close();
  }
}

describe.skipIf(!redisBinary)('sign-ins in Redis', () => {
  let redis: RunningRedis;
  let h: SignInHarness;
  beforeAll(async () => {
    redis = await startRedisServer({ binary: redisBinary as string });
    h = await startSignInHarness({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  it('a grant survives a restart and works on a second replica; its refresh token too', async () => {
    const provider = await signIn(h, 'owner');
    const token = provider.tokens()?.access_token as string;
    const before = await deckWith(h.server.url, token);
    expect(before).not.toBe('unauthorized');
    expect((before as { count: number }).count).toBeGreaterThan(0);

    await h.restart();
    expect(await deckWith(h.server.url, token)).toEqual(before);

    const replica = await h.replica();
    expect(await deckWith(replica.url, token)).toEqual(before);
    // The refresh token minted by the first replica (before the restart) is redeemed at the second one.
    const refreshed = await tokenRequest(replica.url, {
      grant_type: 'refresh_token',
      refresh_token: provider.tokens()?.refresh_token as string,
      client_id: (provider.clientInformation() as { client_id: string }).client_id,
    });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { access_token: string };
    expect(await deckWith(h.server.url, next.access_token)).toEqual(before);
  });

  it('a hung Redis answers 503 with Retry-After (not 401: nobody is sent to sign in again), then recovers', async () => {
    const provider = await signIn(h, 'friend');
    const token = provider.tokens()?.access_token as string;
    const list = () => mcpRequest(h.server.url, token);
    redis.pause();
    try {
      const started = Date.now();
      const refused = await list();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('2');
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      redis.resume();
    }
    expect((await list()).status).toBe(200);
  });

  it('Redis holds the records sealed: no Plex token, refresh token or signing key in the clear', async () => {
    const provider = await signIn(h, 'partner');
    const redisClient = new Redis(redis.url);
    try {
      const keys = await redisClient.keys('plexmcp:signin:*');
      expect(keys.some((k) => k.startsWith('plexmcp:signin:person:'))).toBe(true);
      expect(keys.some((k) => k.startsWith('plexmcp:signin:RefreshToken:'))).toBe(true);
      const values = (
        await Promise.all(
          keys.map(async (k) => ((await redisClient.type(k)) === 'string' ? redisClient.get(k) : '')),
        )
      ).join('\n');
      const partner = h.plexTv.person('partner');
      for (const secret of [
        partner.authToken,
        partner.serverToken as string,
        provider.tokens()?.refresh_token as string,
      ])
        expect(values).not.toContain(secret);
      expect(values).not.toContain('"d":');
      // Every value is a compact JWE (five segments), never JSON.
      for (const value of values.split('\n').filter((v) => v.length > 0))
        expect(value.split('.')).toHaveLength(5);
    } finally {
      redisClient.disconnect();
    }
  });
});

describe('sign-ins in memory (no Redis)', () => {
  it('live in the process: a restart signs everyone out (the control for the Redis case)', async () => {
    const h = await startSignInHarness();
    try {
      const provider = await signIn(h, 'owner');
      const token = provider.tokens()?.access_token as string;
      expect(await deckWith(h.server.url, token)).not.toBe('unauthorized');
      await h.restart();
      expect(await deckWith(h.server.url, token)).toBe('unauthorized');
    } finally {
      await h.close();
    }
  });
});
