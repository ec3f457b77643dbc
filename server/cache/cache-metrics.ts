/**
 * Prometheus metrics of the tool cache, registered on the server's registry:
 *   plexmcp_cache_hits_total{kind}        fresh answers from the cache
 *   plexmcp_cache_misses_total{kind}      lookups that went to Plex (one per Plex load, not per coalesced caller)
 *   plexmcp_cache_coalesced_total{kind}   callers that joined an identical in-flight load instead of asking Plex
 *   plexmcp_cache_stale_total{kind}       expired entries served because Plex failed
 *   plexmcp_redis_connected               1 while the Redis connection is up, 0 otherwise (absent meaning: no Redis)
 *   plexmcp_cache_info{mode}              1 for the active cache mode (redis|memory|disabled)
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { CacheableKind, CacheStatus } from './tool-cache.ts';

export type CacheLookupResult = 'hit' | 'miss' | 'coalesced' | 'stale';

export interface CacheMetrics {
  lookup(kind: CacheableKind, result: CacheLookupResult): void;
  /** Reads the cache's status at scrape time (called once by the factory after the cache exists). */
  observeStatus(status: () => CacheStatus): void;
}

export function createCacheMetrics(registry: Registry): CacheMetrics {
  const counters: Record<CacheLookupResult, Counter<'kind'>> = {
    hit: new Counter({
      name: 'plexmcp_cache_hits_total',
      help: 'Tool answers served fresh from the cache, by cache kind.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    miss: new Counter({
      name: 'plexmcp_cache_misses_total',
      help: 'Cache misses that loaded from Plex, by cache kind.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    coalesced: new Counter({
      name: 'plexmcp_cache_coalesced_total',
      help: 'Calls that joined an identical in-flight Plex load instead of making their own, by cache kind.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    stale: new Counter({
      name: 'plexmcp_cache_stale_total',
      help: 'Expired entries served because Plex failed, by cache kind.',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
  let statusSource: (() => CacheStatus) | undefined;

  new Gauge({
    name: 'plexmcp_redis_connected',
    help: '1 while the Redis cache connection is up, 0 while it is down or Redis is not used.',
    registers: [registry],
    collect() {
      const status = statusSource?.();
      this.set(status?.mode === 'redis' && status.connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'plexmcp_cache_info',
    help: 'The active cache mode (value 1 on the label of the mode in use).',
    labelNames: ['mode'],
    registers: [registry],
    collect() {
      const mode = statusSource?.().mode;
      this.reset();
      if (mode) this.set({ mode }, 1);
    },
  });

  return {
    lookup: (kind, result) => counters[result].inc({ kind }),
    observeStatus(status) {
      statusSource = status;
    },
  };
}
