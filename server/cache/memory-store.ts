/**
 * In-memory store: an LRU bounded in bytes (CACHE_MAX_BYTES). Used when no REDIS_URL is set; it does not survive a
 * restart and is not shared between replicas, which is fine for a single home-lab instance.
 */
import { LRUCache } from 'lru-cache';
import type { CacheStore } from './cache-store.ts';
import { systemClock, type WallClock } from './clock.ts';

export interface MemoryStoreOptions {
  maxBytes: number;
  clock?: WallClock;
}

/** Approximate bytes one entry holds: the UTF-8 text plus the key (V8 may use less for Latin-1, never much more). */
function entryBytes(text: string, key: string): number {
  return Buffer.byteLength(text, 'utf8') + key.length;
}

export interface MemoryStore extends CacheStore {
  /** Bytes held right now (by the same measure as the bound). */
  bytes(): number;
}

export function createMemoryStore(options: MemoryStoreOptions): MemoryStore {
  const clock = options.clock ?? systemClock;
  const lru = new LRUCache<string, string>({
    maxSize: options.maxBytes,
    sizeCalculation: (text, key) => Math.max(1, entryBytes(text, key)),
    // The injected clock drives expiry; ttlResolution 0 so a fake clock's jumps are seen at once.
    perf: { now: () => clock.now() },
    ttlResolution: 0,
    ttlAutopurge: false,
  });

  return {
    mode: 'memory',
    async get(key) {
      return lru.get(key);
    },
    async set(key, text, lifetimeMs) {
      // An entry larger than the whole bound is refused by the LRU (nothing is evicted for it).
      lru.set(key, text, { ttl: Math.max(1, Math.round(lifetimeMs)) });
    },
    async delete(key) {
      lru.delete(key);
    },
    async deleteByPrefix(prefix) {
      for (const key of [...lru.keys()]) {
        if (key.startsWith(prefix)) lru.delete(key);
      }
    },
    connected: () => true,
    bytes: () => lru.calculatedSize,
    async close() {
      lru.clear();
    },
  };
}
