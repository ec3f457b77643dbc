/**
 * Builds the server's ToolCache from a CacheConfig: Redis when a URL is configured, the in-memory LRU otherwise,
 * pass-through when caching is disabled.
 *
 * The Redis store (and with it ioredis, ~22 MiB of RSS once loaded) is imported only when Redis is configured, so
 * a server on the in-memory cache never pays for it. `createToolCache` stays synchronous for its callers: the
 * store is wrapped in `lazyRedisStore`, which queues calls behind the one-off dynamic import.
 */
import type { Logger } from 'pino';
import type { CacheConfig } from './cache-config.ts';
import type { CacheMetrics } from './cache-metrics.ts';
import type { CacheStore } from './cache-store.ts';
import type { WallClock } from './clock.ts';
import { createDisabledCache } from './disabled-cache.ts';
import { createMemoryStore } from './memory-store.ts';
import type { RedisStoreOptions } from './redis-store.ts';
import { createStoreBackedCache } from './store-backed-cache.ts';
import type { ToolCache } from './tool-cache.ts';

export interface ToolCacheDependencies {
  /** True for errors meaning "Plex is unavailable" (network, timeout, 5xx, bad response, circuit open). */
  shouldServeStale(error: unknown): boolean;
  logger: Logger;
  metrics?: CacheMetrics | undefined;
  clock?: WallClock;
  /** Redis reconnect delay cap in ms (tests lower it). */
  redisMaxReconnectDelayMs?: number;
}

export function createToolCache(config: CacheConfig, deps: ToolCacheDependencies): ToolCache {
  const cache = buildCache(config, deps);
  deps.metrics?.observeStatus(() => cache.status());
  const { mode } = cache.status();
  deps.logger.info({ cache_mode: mode }, `tool cache: ${mode}`);
  return cache;
}

function buildCache(config: CacheConfig, deps: ToolCacheDependencies): ToolCache {
  if (!config.enabled) return createDisabledCache();
  const store: CacheStore = config.redis
    ? lazyRedisStore({
        ...config.redis,
        logger: deps.logger,
        ...(deps.redisMaxReconnectDelayMs !== undefined
          ? { maxReconnectDelayMs: deps.redisMaxReconnectDelayMs }
          : {}),
      })
    : createMemoryStore({ maxBytes: config.maxBytes, ...(deps.clock ? { clock: deps.clock } : {}) });
  return createStoreBackedCache({
    store,
    ttlSeconds: config.ttlSeconds,
    staleSeconds: config.staleSeconds,
    plexServerUrl: config.plexServerUrl,
    shouldServeStale: deps.shouldServeStale,
    logger: deps.logger,
    metrics: deps.metrics,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
}

/**
 * A CacheStore that loads `redis-store.ts` on first construction and forwards to it. Until the import has finished
 * (a few ms at startup) calls wait for it and `connected()` is false, which the cache already treats as "Redis not
 * there yet": misses go to Plex. A failed import (a broken install) makes every call reject, i.e. no caching.
 */
function lazyRedisStore(options: RedisStoreOptions): CacheStore {
  let loaded: CacheStore | undefined;
  const ready = import('./redis-store.ts').then((module) => {
    loaded = module.createRedisStore(options);
    return loaded;
  });
  ready.catch((error: unknown) =>
    options.logger.error({ err: error }, 'could not load the Redis cache store'),
  );
  return {
    mode: 'redis',
    get: async (key) => (loaded ?? (await ready)).get(key),
    set: async (key, text, lifetimeMs) => (loaded ?? (await ready)).set(key, text, lifetimeMs),
    delete: async (key) => (loaded ?? (await ready)).delete(key),
    deleteByPrefix: async (prefix) => (loaded ?? (await ready)).deleteByPrefix(prefix),
    connected: () => loaded?.connected() ?? false,
    close: async () => {
      const store = await ready.catch(() => undefined);
      await store?.close();
    },
  };
}
