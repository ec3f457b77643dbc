/**
 * The one cache interface the tools talk to. Stores (Redis, in-memory LRU, disabled) live beside this file;
 * `createToolCache` in `cache-factory.ts` picks one from the configuration.
 *
 * Contract (shared by the server's tools and the cache implementation):
 * - `getOrLoad` answers a fresh entry from the store; otherwise it calls `load` (concurrent identical misses in one
 *   process share one `load`, i.e. request coalescing) and stores the result with the kind's TTL.
 * - When `load` throws an error for which the cache's `shouldServeStale(error)` is true (Plex down, timeout, 5xx,
 *   circuit open) and an entry younger than TTL + stale window exists, it answers that entry with `source: 'stale'`.
 *   Otherwise the error propagates unchanged.
 * - A store failure (Redis down) never fails a call: the cache falls through to `load`.
 * - With a `schema` (every tool passes the schema of the value it caches), a value that does not match it is never
 *   handed to a tool, and the value returned is the schema's parse. From Redis a value is checked when read: an entry
 *   that does not match (written by another version, or tampered with in a shared Redis) is deleted and treated as
 *   a miss. The in-memory store holds only what this process wrote, so there a value is checked (and parsed) once,
 *   when it is written, and not again on every hit.
 */
import type { z } from 'zod';

export const CACHEABLE_KINDS = [
  'search',
  'mediaDetails',
  'libraries',
  'sessions',
  'recentlyAdded',
  'onDeck',
  'poster',
  'accounts',
  'history',
  'browse',
  'playlists',
  'players',
] as const;

export type CacheableKind = (typeof CACHEABLE_KINDS)[number];

export interface CacheLookup<T> {
  value: T;
  /** `plex`: just loaded; `cache`: fresh entry; `stale`: expired entry served because Plex failed. */
  source: 'plex' | 'cache' | 'stale';
  /** When the value was fetched from Plex. */
  cachedAt: Date;
}

export type CacheMode = 'redis' | 'memory' | 'disabled';

export interface CacheStatus {
  mode: CacheMode;
  /** For Redis: whether the connection is up right now. Always true for memory; false for disabled. */
  connected: boolean;
}

export interface ToolCache {
  /**
   * `entryScope` names what the entry is about (`item:<id>`, `section:<id>`), so an event about that one item or
   * library can drop exactly its entries (`invalidate(kind, entryScope)`); absent = about nothing in particular.
   */
  getOrLoad<T>(
    kind: CacheableKind,
    args: Readonly<Record<string, unknown>>,
    load: () => Promise<T>,
    schema?: z.ZodType<T>,
    entryScope?: string,
  ): Promise<CacheLookup<T>>;
  /**
   * Drops every entry of one kind (e.g. `sessions` after a playback command), or only those made with
   * `entryScope` (everyone's, whatever person they were made for).
   */
  invalidate(kind: CacheableKind, entryScope?: string): Promise<void>;
  status(): CacheStatus;
  close(): Promise<void>;
}
