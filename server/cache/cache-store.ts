/**
 * The storage behind the tool cache. Stores hold serialised entries with a physical lifetime (TTL + stale window);
 * they know nothing about freshness, coalescing or Plex. A store may fail (Redis down): every method then rejects
 * quickly and the cache treats it as a miss / a skipped write.
 */
import type { CacheMode } from './tool-cache.ts';

export interface CacheStore {
  readonly mode: Exclude<CacheMode, 'disabled'>;
  get(key: string): Promise<string | undefined>;
  set(key: string, text: string, lifetimeMs: number): Promise<void>;
  /** Deletes one key (a no-op when it is absent). */
  delete(key: string): Promise<void>;
  /** Deletes every key starting with `prefix`. */
  deleteByPrefix(prefix: string): Promise<void>;
  /** Whether the store can answer right now (always true for memory). */
  connected(): boolean;
  close(): Promise<void>;
}
