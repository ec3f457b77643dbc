// Fixed-window counters per key (a client address, an interaction), bounded in memory: enough to keep a script
// from hammering plex.tv through us or guessing at the token endpoint. Per replica; a determined attacker with
// many replicas behind a load balancer gets that many windows, which still bounds them.

import { LRUCache } from 'lru-cache';

export interface RateLimit {
  /** True when this hit is within the limit (and counts it). */
  take(key: string): boolean;
}

export function rateLimit(options: { limit: number; windowMs: number; now?: () => number }): RateLimit {
  const now = options.now ?? Date.now;
  const windows = new LRUCache<string, { start: number; count: number }>({ max: 10_000 });
  return {
    take(key) {
      const t = now();
      const w = windows.get(key);
      if (!w || t - w.start >= options.windowMs) {
        windows.set(key, { start: t, count: 1 });
        return true;
      }
      w.count += 1;
      return w.count <= options.limit;
    },
  };
}
