/**
 * The Redis store against a real redis-server (started per file on a free loopback port): TTL and physical expiry,
 * entries surviving a new cache instance (= a server restart), sharing and isolation between servers, passwords,
 * and Redis being killed and restarted under load without a single failed call.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CacheConfig } from '../../../server/cache/cache-config.ts';
import { createToolCache } from '../../../server/cache/cache-factory.ts';
import { plexServerId } from '../../../server/cache/cache-key.ts';
import { createRedisStore } from '../../../server/cache/redis-store.ts';
import { createStoreBackedCache } from '../../../server/cache/store-backed-cache.ts';
import type { ToolCache } from '../../../server/cache/tool-cache.ts';
import { redisBinary } from '../../support/redis-binary.ts';
import { type RunningRedis, startRedisServer } from '../../support/redis-server.ts';
import { capturingLogger, isOutage, outage, silentLogger, ttls } from '../../unit/server/cache/fakes.ts';

/**
 * Lets a load's write-back reach Redis. Until it lands, an identical call joins the finished load (source `plex`)
 * rather than reading the store; a local Redis answers a SET in well under a millisecond.
 */
const settle = () => sleep(50);

const PASSWORD = 'cache-test-password-7f3a9c';
const PLEX = 'http://plex.test:32400';

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(25);
  }
}

describe.skipIf(!redisBinary)('Redis tool cache (real redis-server)', () => {
  let redis: RunningRedis;
  let admin: Redis;
  const caches: ToolCache[] = [];

  function config(overrides: Partial<CacheConfig> = {}): CacheConfig {
    return {
      enabled: true,
      ttlSeconds: ttls,
      staleSeconds: 3600,
      maxBytes: 1024 * 1024,
      plexServerUrl: PLEX,
      redis: { url: redis.url, password: PASSWORD },
      ...overrides,
    };
  }

  async function connectedCache(cfg: CacheConfig, logger = silentLogger): Promise<ToolCache> {
    const cache = createToolCache(cfg, {
      shouldServeStale: isOutage,
      logger,
      redisMaxReconnectDelayMs: 200,
    });
    caches.push(cache);
    await until(() => cache.status().connected);
    return cache;
  }

  beforeAll(async () => {
    redis = await startRedisServer({ binary: redisBinary as string, password: PASSWORD });
    admin = new Redis(redis.url, { password: PASSWORD, lazyConnect: true, maxRetriesPerRequest: 1 });
    admin.on('error', () => {});
  });

  afterAll(async () => {
    await Promise.all(caches.map((c) => c.close()));
    admin?.disconnect();
    await redis?.stop();
  });

  it('stores entries with TTL + stale window as their Redis lifetime, under the per-server prefix', async () => {
    const cache = await connectedCache(config({ staleSeconds: 100 }));
    await cache.getOrLoad('search', { query: 'alien', limit: 10 }, async () => ['Alien']);
    await settle();
    const keys = await admin.keys('plexmcp:v1:*:search:*');
    expect(keys).toHaveLength(1);
    const [key] = keys as [string];
    expect(key.startsWith(`plexmcp:v1:${plexServerId(PLEX)}:search:`)).toBe(true);
    const pttl = await admin.pttl(key);
    expect(pttl).toBeGreaterThan((ttls.search + 100) * 1000 - 5_000);
    expect(pttl).toBeLessThanOrEqual((ttls.search + 100) * 1000);
    expect(JSON.parse((await admin.get(key)) as string)).toMatchObject({ v: ['Alien'] });
  });

  it('reloads after the TTL, serves stale within the window, and lets Redis drop the entry after it', async () => {
    const cache = await connectedCache(config({ ttlSeconds: { ...ttls, sessions: 1 }, staleSeconds: 1 }));
    const load = vi.fn(async () => ['session-1']);
    expect((await cache.getOrLoad('sessions', { probe: 'ttl' }, load)).source).toBe('plex');
    await settle();
    expect((await cache.getOrLoad('sessions', { probe: 'ttl' }, load)).source).toBe('cache');

    await sleep(1_100); // past the 1 s TTL, inside the 1 s stale window
    const stale = await cache.getOrLoad('sessions', { probe: 'ttl' }, async () => {
      throw outage();
    });
    expect(stale).toMatchObject({ source: 'stale', value: ['session-1'] });
    expect((await cache.getOrLoad('sessions', { probe: 'ttl' }, load)).source).toBe('plex');
    await settle();

    await sleep(2_100); // past TTL + stale window of the reloaded entry: Redis itself has expired it
    expect(await admin.keys(`plexmcp:v1:${plexServerId(PLEX)}:sessions:*`)).toEqual([]);
    await expect(
      cache.getOrLoad('sessions', { probe: 'ttl' }, async () => {
        throw outage();
      }),
    ).rejects.toThrow('ECONNREFUSED');
  });

  it('answers from entries a previous cache instance stored (survives a server restart)', async () => {
    const before = await connectedCache(config());
    const first = await before.getOrLoad('mediaDetails', { media_id: '42' }, async () => ({ title: 'Heat' }));
    await settle();
    await before.close();

    const after = await connectedCache(config());
    const load = vi.fn(async () => ({ title: 'should not load' }));
    const again = await after.getOrLoad('mediaDetails', { media_id: '42' }, load);
    expect(again).toEqual({ value: { title: 'Heat' }, source: 'cache', cachedAt: first.cachedAt });
    expect(load).not.toHaveBeenCalled();
  });

  it('keeps Plex servers apart in one Redis and invalidates a kind for every instance', async () => {
    const a1 = await connectedCache(config());
    const a2 = await connectedCache(config());
    const b = await connectedCache(config({ plexServerUrl: 'http://other-plex:32400' }));
    await a1.getOrLoad('sessions', { user: 'ann' }, async () => 'A playing');
    await a1.getOrLoad('libraries', {}, async () => 'A libraries');
    await settle();
    expect((await b.getOrLoad('sessions', { user: 'ann' }, async () => 'B playing')).value).toBe('B playing');
    await settle();

    await a2.invalidate('sessions');
    expect((await a1.getOrLoad('sessions', { user: 'ann' }, async () => 'A paused')).value).toBe('A paused');
    expect((await a1.getOrLoad('libraries', {}, async () => 'changed')).source).toBe('cache');
    expect((await b.getOrLoad('sessions', { user: 'ann' }, async () => 'B changed')).source).toBe('cache');
  });

  it('coalesces concurrent identical misses into one load under Redis', async () => {
    const cache = await connectedCache(config());
    const load = vi.fn(async () => {
      await sleep(20);
      return ['one load'];
    });
    const results = await Promise.all(
      Array.from({ length: 100 }, () => cache.getOrLoad('search', { query: 'coalesce' }, load)),
    );
    expect(load).toHaveBeenCalledTimes(1);
    expect(results.every((r) => r.value[0] === 'one load')).toBe(true);
  });

  it('uses REDIS_PASSWORD over the URL password and never logs it', async () => {
    const { logger, lines } = capturingLogger();
    const withWrongUrlPassword = `redis://:not-the-password@127.0.0.1:${redis.port}`;
    const cache = await connectedCache(
      config({ redis: { url: withWrongUrlPassword, password: PASSWORD } }),
      logger,
    );
    expect(cache.status()).toEqual({ mode: 'redis', connected: true });

    // A wrong password: the server keeps answering from Plex, warns once, never prints the secret.
    const wrong = createToolCache(config({ redis: { url: redis.url, password: 'wrong-secret-123456' } }), {
      shouldServeStale: isOutage,
      logger,
      redisMaxReconnectDelayMs: 100,
    });
    caches.push(wrong);
    for (let i = 0; i < 5; i++) {
      expect((await wrong.getOrLoad('libraries', { i }, async () => 'from plex')).value).toBe('from plex');
      await sleep(100);
    }
    expect(wrong.status().connected).toBe(false);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('wrong-secret-123456');
    expect(text).not.toContain('not-the-password');
    expect(lines.filter((l) => l.level === 40 && String(l.msg).startsWith('redis unavailable'))).toHaveLength(
      1,
    );
  });

  it('starts without Redis and connects by itself when Redis appears', async () => {
    const { logger, lines } = capturingLogger();
    const late = await startRedisServer({ binary: redisBinary as string });
    await late.kill();
    const cache = createToolCache(config({ redis: { url: late.url } }), {
      shouldServeStale: isOutage,
      logger,
      redisMaxReconnectDelayMs: 200,
    });
    caches.push(cache);
    expect((await cache.getOrLoad('libraries', {}, async () => 'no redis yet')).source).toBe('plex');
    expect(cache.status().connected).toBe(false);
    await late.restart();
    try {
      await until(() => cache.status().connected);
      await cache.getOrLoad('onDeck', {}, async () => 'cached now');
      await settle();
      expect((await cache.getOrLoad('onDeck', {}, async () => 'not used')).source).toBe('cache');
      expect(lines.filter((l) => l.level === 40)).toHaveLength(1);
      expect(
        lines.filter((l) => l.level === 30 && String(l.msg).startsWith('redis connection restored')),
      ).toHaveLength(1);
    } finally {
      await late.stop();
    }
  });

  it('survives Redis being killed and restarted mid-run: no failed call, one warning, recovery by itself', async () => {
    const { logger, lines } = capturingLogger();
    const store = createRedisStore({
      url: redis.url,
      password: PASSWORD,
      logger,
      maxReconnectDelayMs: 200,
    });
    const cache = createStoreBackedCache({
      store,
      ttlSeconds: ttls,
      staleSeconds: 3600,
      plexServerUrl: PLEX,
      shouldServeStale: isOutage,
      logger,
    });
    caches.push(cache);
    await store.waitUntilConnected(5_000);

    let loads = 0;
    let calls = 0;
    const failures: unknown[] = [];
    let running = true;
    const sources = new Set<string>();
    // Eight callers in a loop over a few keys, as tool calls would arrive.
    const workers = Array.from({ length: 8 }, (_, w) =>
      (async () => {
        while (running) {
          try {
            const r = await cache.getOrLoad('search', { query: `q${(calls + w) % 5}` }, async () => {
              loads++;
              return { hits: 1 };
            });
            sources.add(r.source);
            calls++;
          } catch (error) {
            failures.push(error);
          }
          await sleep(5);
        }
      })(),
    );

    await sleep(300);
    await redis.kill();
    await sleep(800);
    expect(cache.status().connected).toBe(false);
    const loadsDuringOutageStart = loads;
    await sleep(400);
    expect(loads).toBeGreaterThan(loadsDuringOutageStart); // answered straight from Plex while Redis was gone
    await redis.restart();
    await until(() => cache.status().connected);
    await sleep(300);
    running = false;
    await Promise.all(workers);

    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(100);
    expect(sources.has('cache')).toBe(true);
    // After recovery the cache is in use again: a repeated call is a hit.
    await cache.getOrLoad('libraries', { after: 'recovery' }, async () => 'x');
    await settle();
    expect((await cache.getOrLoad('libraries', { after: 'recovery' }, async () => 'y')).source).toBe('cache');

    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.msg)).toMatch(/^redis unavailable/);
    expect(
      lines.filter((l) => l.level === 30 && String(l.msg).startsWith('redis connection restored')),
    ).toHaveLength(1);
  });

  it('stops waiting on a Redis that holds connections open but does not answer, and recovers when it answers again', async () => {
    const { logger, lines } = capturingLogger();
    const commandTimeoutMs = 200;
    const store = createRedisStore({
      url: redis.url,
      password: PASSWORD,
      logger,
      commandTimeoutMs,
      unresponsiveRetryMs: 500,
    });
    const cache = createStoreBackedCache({
      store,
      ttlSeconds: ttls,
      staleSeconds: 3600,
      plexServerUrl: PLEX,
      shouldServeStale: isOutage,
      logger,
    });
    caches.push(cache);
    await store.waitUntilConnected(5_000);
    await cache.getOrLoad('libraries', { probe: 'hung' }, async () => 'before');
    await settle();

    redis.pause();
    let slowCalls = 0;
    let calls = 0;
    try {
      const until = Date.now() + 2_000;
      while (Date.now() < until) {
        const started = performance.now();
        const r = await cache.getOrLoad('search', { query: `hung-${calls}` }, async () => 'from plex');
        expect(r.value).toBe('from plex');
        if (performance.now() - started >= commandTimeoutMs) slowCalls++;
        calls++;
        await sleep(10);
      }
      expect(cache.status().connected).toBe(false);
    } finally {
      redis.resume();
    }
    // Only the calls that tripped the breaker and its periodic trial waited for a Redis timeout; the rest failed fast.
    expect(calls).toBeGreaterThan(20);
    expect(slowCalls).toBeLessThanOrEqual(8);

    await until(() => cache.status().connected);
    expect((await cache.getOrLoad('libraries', { probe: 'hung' }, async () => 'after')).value).toBe('before');
    expect(lines.filter((l) => l.level === 40)).toHaveLength(1);
    expect(lines.filter((l) => String(l.msg).startsWith('redis connection restored'))).toHaveLength(1);
  });
});
