import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createToolCache } from '../../../../server/cache/cache-factory.ts';
import { createCacheMetrics } from '../../../../server/cache/cache-metrics.ts';
import type { CacheStore } from '../../../../server/cache/cache-store.ts';
import { createMemoryStore } from '../../../../server/cache/memory-store.ts';
import { createStoreBackedCache } from '../../../../server/cache/store-backed-cache.ts';
import { FakeClock, flush, isOutage, notFound, outage, silentLogger, ttls } from './fakes.ts';

const PLEX = 'http://plex.local:32400';

function memoryCache(clock: FakeClock, overrides: { staleSeconds?: number; registry?: Registry } = {}) {
  const metrics = overrides.registry ? createCacheMetrics(overrides.registry) : undefined;
  const cache = createToolCache(
    {
      enabled: true,
      ttlSeconds: ttls,
      staleSeconds: overrides.staleSeconds ?? 86_400,
      maxBytes: 1024 * 1024,
      plexServerUrl: PLEX,
    },
    { shouldServeStale: isOutage, logger: silentLogger, clock, metrics },
  );
  return cache;
}

describe('store-backed tool cache (in-memory store)', () => {
  it('loads on a miss, answers from the cache while fresh, reloads after the TTL', async () => {
    const clock = new FakeClock();
    const cache = memoryCache(clock);
    const load = vi.fn(async () => ({ hits: clock.now() }));

    const first = await cache.getOrLoad('search', { query: 'alien' }, load);
    expect(first.source).toBe('plex');
    expect(first.cachedAt.getTime()).toBe(clock.now());
    await flush();

    clock.advance(ttls.search * 1000 - 1);
    const second = await cache.getOrLoad('search', { query: 'alien' }, load);
    expect(second).toMatchObject({ source: 'cache', value: first.value });
    expect(second.cachedAt.getTime()).toBe(first.cachedAt.getTime());
    expect(load).toHaveBeenCalledTimes(1);

    clock.advance(1);
    const third = await cache.getOrLoad('search', { query: 'alien' }, load);
    expect(third.source).toBe('plex');
    expect(third.value).toEqual({ hits: clock.now() });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('never answers a value that does not match its schema, and keeps only what the schema keeps', async () => {
    const clock = new FakeClock();
    const cache = memoryCache(clock);
    const schema = z.array(z.object({ id: z.string() }));
    const bad = vi.fn(async () => [{ id: 7 }] as unknown as { id: string }[]);
    expect((await cache.getOrLoad('libraries', {}, bad, schema)).source).toBe('plex');
    await flush();
    expect((await cache.getOrLoad('libraries', {}, bad, schema)).source).toBe('plex');
    expect(bad).toHaveBeenCalledTimes(2);

    const good = vi.fn(async () => [{ id: '1', extra: 'not in the schema' }]);
    await cache.getOrLoad('search', {}, good, schema);
    await flush();
    const hit = await cache.getOrLoad('search', {}, good, schema);
    expect(hit).toMatchObject({ source: 'cache', value: [{ id: '1' }] });
    expect(hit.value[0]).not.toHaveProperty('extra');
    expect(good).toHaveBeenCalledTimes(1);
  });

  it('uses each kind its own TTL', async () => {
    const clock = new FakeClock();
    const cache = memoryCache(clock);
    let n = 0;
    const load = async () => ++n;
    await cache.getOrLoad('sessions', {}, load);
    await cache.getOrLoad('libraries', {}, load);
    await flush();
    clock.advance(ttls.sessions * 1000);
    expect((await cache.getOrLoad('sessions', {}, load)).source).toBe('plex');
    expect((await cache.getOrLoad('libraries', {}, load)).source).toBe('cache');
  });

  it('answers an expired entry as stale when Plex is unavailable, with its original fetch time', async () => {
    const clock = new FakeClock();
    const cache = memoryCache(clock, { staleSeconds: 3600 });
    const original = await cache.getOrLoad('mediaDetails', { media_id: '7' }, async () => ({
      title: 'Alien',
    }));
    await flush();
    clock.advance(ttls.mediaDetails * 1000 + 60_000);

    const stale = await cache.getOrLoad('mediaDetails', { media_id: '7' }, async () => {
      throw outage();
    });
    expect(stale).toEqual({ value: { title: 'Alien' }, source: 'stale', cachedAt: original.cachedAt });
  });

  it('does not hide errors that are not outages behind stale data', async () => {
    const clock = new FakeClock();
    const cache = memoryCache(clock);
    await cache.getOrLoad('mediaDetails', { media_id: '7' }, async () => ({ title: 'Alien' }));
    await flush();
    clock.advance(ttls.mediaDetails * 1000);
    const error = notFound();
    await expect(
      cache.getOrLoad('mediaDetails', { media_id: '7' }, async () => {
        throw error;
      }),
    ).rejects.toBe(error);
  });

  it('propagates the outage when the entry is older than TTL + stale window, or there is none', async () => {
    const clock = new FakeClock();
    const cache = memoryCache(clock, { staleSeconds: 60 });
    await cache.getOrLoad('onDeck', {}, async () => ['x']);
    await flush();
    clock.advance((ttls.onDeck + 60) * 1000);
    const error = outage();
    const failing = async () => {
      throw error;
    };
    await expect(cache.getOrLoad('onDeck', {}, failing)).rejects.toBe(error);
    await expect(cache.getOrLoad('onDeck', { user: 'never-cached' }, failing)).rejects.toBe(error);
  });

  it('coalesces 100 concurrent identical misses into one load', async () => {
    const cache = memoryCache(new FakeClock());
    let release: (value: string[]) => void = () => {};
    const load = vi.fn(() => new Promise<string[]>((resolve) => (release = resolve)));

    const calls = Array.from({ length: 100 }, () =>
      cache.getOrLoad('search', { query: 'alien', limit: 10 }, load),
    );
    // Let every caller get past its store read before Plex answers.
    await flush();
    release(['Alien', 'Aliens']);
    const results = await Promise.all(calls);

    expect(load).toHaveBeenCalledTimes(1);
    expect(results.every((r) => r.value.length === 2)).toBe(true);
    // Different arguments are different loads.
    const other = vi.fn(async () => ['Other']);
    await Promise.all([
      cache.getOrLoad('search', { query: 'x' }, other),
      cache.getOrLoad('search', { query: 'y' }, other),
    ]);
    expect(other).toHaveBeenCalledTimes(2);
  });

  it('shares a failed load with its joined callers but never caches the failure', async () => {
    const cache = memoryCache(new FakeClock());
    const error = notFound();
    const failing = vi.fn(async () => {
      await flush();
      throw error;
    });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => cache.getOrLoad('mediaDetails', { media_id: '1' }, failing)),
    );
    expect(failing).toHaveBeenCalledTimes(1);
    expect(results.every((r) => r.status === 'rejected' && r.reason === error)).toBe(true);

    const ok = await cache.getOrLoad('mediaDetails', { media_id: '1' }, async () => 'found');
    expect(ok).toMatchObject({ source: 'plex', value: 'found' });
  });

  it('invalidates one kind only, and does not store a load that began before the invalidation', async () => {
    const clock = new FakeClock();
    const cache = memoryCache(clock);
    await cache.getOrLoad('sessions', { user: 'ann' }, async () => 'playing');
    await cache.getOrLoad('libraries', {}, async () => ['Movies']);
    await flush();

    let release: (v: string) => void = () => {};
    const slowLoad = vi.fn(() => new Promise<string>((r) => (release = r)));
    const slowSessions = cache.getOrLoad('sessions', { user: 'bob' }, slowLoad);
    await flush();
    expect(slowLoad).toHaveBeenCalledTimes(1); // the Plex read is under way when the pause lands
    await cache.invalidate('sessions');
    release('playing (read before the pause)');
    await slowSessions;
    await flush();

    expect((await cache.getOrLoad('sessions', { user: 'ann' }, async () => 'paused')).value).toBe('paused');
    expect((await cache.getOrLoad('sessions', { user: 'bob' }, async () => 'paused')).value).toBe('paused');
    expect((await cache.getOrLoad('libraries', {}, async () => ['changed'])).source).toBe('cache');
  });

  it('keeps the in-memory store within its byte bound', async () => {
    const clock = new FakeClock();
    const store = createMemoryStore({ maxBytes: 20_000, clock });
    const cache = createStoreBackedCache({
      store,
      ttlSeconds: ttls,
      staleSeconds: 60,
      plexServerUrl: PLEX,
      shouldServeStale: isOutage,
      logger: silentLogger,
      clock,
    });
    for (let i = 0; i < 200; i++) {
      await cache.getOrLoad('mediaDetails', { media_id: String(i) }, async () => 'x'.repeat(1000));
    }
    await flush();
    expect(store.bytes()).toBeGreaterThan(10_000);
    expect(store.bytes()).toBeLessThanOrEqual(20_000);
    // The most recent entries are the ones kept.
    expect((await cache.getOrLoad('mediaDetails', { media_id: '199' }, async () => 'reloaded')).source).toBe(
      'cache',
    );
    expect((await cache.getOrLoad('mediaDetails', { media_id: '0' }, async () => 'reloaded')).source).toBe(
      'plex',
    );
  });

  it('expires entries physically after TTL + stale window', async () => {
    const clock = new FakeClock();
    const store = createMemoryStore({ maxBytes: 1_000_000, clock });
    await store.set('k', 'v', 1000);
    clock.advance(1000);
    expect(await store.get('k')).toBe('v');
    clock.advance(1);
    expect(await store.get('k')).toBeUndefined();
  });

  it('treats unreadable entries as misses and a failing store as no cache at all', async () => {
    const failures = { reads: 0, writes: 0 };
    const brokenStore: CacheStore = {
      mode: 'redis',
      get: async () => {
        failures.reads++;
        throw new Error('redis down');
      },
      set: async () => {
        failures.writes++;
        throw new Error('redis down');
      },
      delete: async () => {
        throw new Error('redis down');
      },
      deleteByPrefix: async () => {
        throw new Error('redis down');
      },
      connected: () => false,
      close: async () => {},
    };
    const cache = createStoreBackedCache({
      store: brokenStore,
      ttlSeconds: ttls,
      staleSeconds: 60,
      plexServerUrl: PLEX,
      shouldServeStale: isOutage,
      logger: silentLogger,
    });
    const result = await cache.getOrLoad('libraries', {}, async () => ['Movies']);
    expect(result).toMatchObject({ source: 'plex', value: ['Movies'] });
    await flush();
    await expect(cache.invalidate('sessions')).resolves.toBeUndefined();
    expect(failures).toEqual({ reads: 1, writes: 1 });
    expect(cache.status()).toEqual({ mode: 'redis', connected: false });

    const garbageStore: CacheStore = { ...brokenStore, get: async () => '{not json', set: async () => {} };
    const garbageCache = createStoreBackedCache({
      store: garbageStore,
      ttlSeconds: ttls,
      staleSeconds: 60,
      plexServerUrl: PLEX,
      shouldServeStale: isOutage,
      logger: silentLogger,
    });
    expect(await garbageCache.getOrLoad('libraries', {}, async () => 'fresh')).toMatchObject({
      source: 'plex',
    });
  });

  it('counts hits, misses, coalesced callers and stale answers by kind', async () => {
    const clock = new FakeClock();
    const registry = new Registry();
    const cache = memoryCache(clock, { registry });
    await Promise.all([1, 2, 3].map(() => cache.getOrLoad('search', { query: 'a' }, async () => 'r')));
    await flush();
    await cache.getOrLoad('search', { query: 'a' }, async () => 'r');
    clock.advance(ttls.search * 1000);
    await cache.getOrLoad('search', { query: 'a' }, async () => {
      throw outage();
    });
    const text = await registry.metrics();
    expect(text).toContain('plexmcp_cache_misses_total{kind="search"} 2');
    expect(text).toContain('plexmcp_cache_coalesced_total{kind="search"} 2');
    expect(text).toContain('plexmcp_cache_hits_total{kind="search"} 1');
    expect(text).toContain('plexmcp_cache_stale_total{kind="search"} 1');
    expect(text).toContain('plexmcp_cache_info{mode="memory"} 1');
    expect(text).toContain('plexmcp_redis_connected 0');
  });
});

describe('disabled tool cache', () => {
  it('loads every time and never answers stale', async () => {
    const cache = createToolCache(
      { enabled: false, ttlSeconds: ttls, staleSeconds: 60, maxBytes: 1000, plexServerUrl: PLEX },
      { shouldServeStale: () => true, logger: silentLogger },
    );
    const load = vi.fn(async () => 'v');
    await cache.getOrLoad('libraries', {}, load);
    await cache.getOrLoad('libraries', {}, load);
    expect(load).toHaveBeenCalledTimes(2);
    await expect(
      cache.getOrLoad('libraries', {}, async () => {
        throw outage();
      }),
    ).rejects.toThrow('ECONNREFUSED');
    expect(cache.status()).toEqual({ mode: 'disabled', connected: false });
  });
});
