/**
 * Builds the server's ToolCache from a CacheConfig: Redis when a URL is configured, the in-memory LRU otherwise,
 * pass-through when caching is disabled.
 */
import type { Logger } from 'pino';
import type { CacheConfig } from './cache-config.ts';
import type { CacheMetrics } from './cache-metrics.ts';
import type { CacheStore } from './cache-store.ts';
import type { Clock } from './clock.ts';
import { createDisabledCache } from './disabled-cache.ts';
import { createMemoryStore } from './memory-store.ts';
import { createRedisStore } from './redis-store.ts';
import { createStoreBackedCache } from './store-backed-cache.ts';
import type { ToolCache } from './tool-cache.ts';

export interface ToolCacheDependencies {
  /** True for errors meaning "Plex is unavailable" (network, timeout, 5xx, bad response, circuit open). */
  shouldServeStale(error: unknown): boolean;
  logger: Logger;
  metrics?: CacheMetrics | undefined;
  clock?: Clock;
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
    ? createRedisStore({
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
