/**
 * A cached value is checked against the schema of what the tool caches when it is read: a well-formed but wrong entry
 * in a shared Redis (another version's format, or someone writing to it) is a miss, is deleted, and the tool answers
 * from Plex instead of failing with internal_error.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisBinary } from '../../support/redis-binary.ts';
import { type RunningRedis, startRedisServer } from '../../support/redis-server.ts';
import { type E2e, simCount, startE2e } from './cache-e2e-setup.ts';

describe.skipIf(!redisBinary)('tampered cache entries', () => {
  let redis: RunningRedis;
  let s: E2e;
  let raw: Redis;

  beforeAll(async () => {
    redis = await startRedisServer({ binary: redisBinary as string });
    s = await startE2e({ env: { REDIS_URL: redis.url } });
    raw = new Redis(redis.url, { lazyConnect: true });
    await raw.connect();
    for (let i = 0; i < 200 && !s.deps.cache.status().connected; i++) await sleep(25);
  });
  afterAll(async () => {
    raw?.disconnect();
    await s?.close();
    await redis?.stop();
  });

  async function keysOf(kind: string): Promise<string[]> {
    for (let i = 0; i < 40; i++) {
      const keys = await raw.keys(`plexmcp:*:${kind}:*`);
      if (keys.length > 0) return keys;
      await sleep(25); // the write-back is asynchronous
    }
    return [];
  }

  it.each([
    ['list_libraries', 'libraries', {}, '/library/sections'],
    ['get_playback_status', 'sessions', {}, '/status/sessions'],
  ] as const)(
    '%s treats a wrong-shaped entry as a miss and replaces it',
    async (tool, kind, args, plexPath) => {
      const client = await s.client();
      expect((await client.callTool({ name: tool, arguments: args })).isError).toBeFalsy();
      const [key] = await keysOf(kind);
      if (!key) throw new Error(`no ${kind} entry was written`);
      // Well-formed JSON in the stored-entry format, fresh, but not a list of libraries / sessions.
      await raw.set(key, JSON.stringify({ v: [{ unexpected: true }], t: Date.now() }), 'PX', 60_000);
      const before = simCount(s.sim, plexPath);

      const again = await client.callTool({ name: tool, arguments: args });
      expect(again.isError).toBeFalsy();
      expect(simCount(s.sim, plexPath)).toBe(before + 1); // answered from Plex, not from the bad entry
      // The bad entry is gone: replaced by the fresh answer.
      let stored: string | null = null;
      for (let i = 0; i < 40; i++) {
        stored = await raw.get(key);
        if (stored && !stored.includes('unexpected')) break;
        await sleep(25);
      }
      expect(stored).not.toContain('unexpected');
    },
  );
});
