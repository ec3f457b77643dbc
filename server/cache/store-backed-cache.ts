/**
 * The ToolCache over a CacheStore (memory or Redis): freshness on read, request coalescing, stale answers, and
 * a store that can fail without failing any call. See tool-cache.ts for the contract.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import { currentCacheScope } from '../plex/plex-identity.ts';
import { type CacheEntry, parseEntry, serialiseEntry } from './cache-entry.ts';
import { cacheKey, entryScopePrefix, isEntryScope, kindPrefix, plexServerId } from './cache-key.ts';
import type { CacheMetrics } from './cache-metrics.ts';
import type { CacheStore } from './cache-store.ts';
import { systemClock, type WallClock } from './clock.ts';
import type { CacheableKind, CacheLookup, CacheStatus, ToolCache } from './tool-cache.ts';

export interface StoreBackedCacheOptions {
  store: CacheStore;
  ttlSeconds: Record<CacheableKind, number>;
  staleSeconds: number;
  plexServerUrl: string;
  /** True when a load error means "Plex is unavailable" (then a stale entry may answer instead). */
  shouldServeStale(error: unknown): boolean;
  logger: Logger;
  metrics?: CacheMetrics | undefined;
  clock?: WallClock;
}

export function createStoreBackedCache(options: StoreBackedCacheOptions): ToolCache {
  const { store, logger, metrics } = options;
  const clock = options.clock ?? systemClock;
  const serverId = plexServerId(options.plexServerUrl);
  const staleMs = options.staleSeconds * 1000;
  const log = logger.child({ component: 'tool-cache' });

  /** Identical loads in flight in this process: key → the shared lookup. Removed once the result is stored. */
  const inFlight = new Map<string, Promise<CacheLookup<unknown>>>();
  /**
   * Bumped by invalidate(kind): a load that started before an invalidation still answers its callers but must not
   * write its (possibly outdated) result back, e.g. sessions read just before a pause command.
   */
  const generation = new Map<CacheableKind, number>();
  const generationOf = (kind: CacheableKind) => generation.get(kind) ?? 0;

  const ttlMs = (kind: CacheableKind) => options.ttlSeconds[kind] * 1000;
  /**
   * Where a value is checked against its schema: on its way into the in-memory store, which holds only what this
   * process wrote (so a value checked and stripped once cannot change there, and every hit would check it again for
   * nothing), and on every read from Redis, which other replicas, other versions and anyone who can reach it write to.
   * Either way a value that does not match is never handed to a tool.
   */
  const checkOnWrite = store.mode === 'memory';

  async function readEntry(key: string): Promise<CacheEntry | undefined> {
    try {
      const text = await store.get(key);
      return text === undefined ? undefined : parseEntry(text);
    } catch (error) {
      // The store reports its own outages (once); a failed read is simply a miss.
      log.debug({ err: (error as Error).message }, 'cache read failed; treating as a miss');
      return undefined;
    }
  }

  async function writeEntry(kind: CacheableKind, key: string, entry: CacheEntry): Promise<void> {
    let text: string;
    try {
      text = serialiseEntry(entry);
    } catch (error) {
      log.error({ kind, err: (error as Error).message }, 'tool result is not JSON-serialisable; not cached');
      return;
    }
    try {
      await store.set(key, text, ttlMs(kind) + staleMs);
    } catch (error) {
      log.debug({ err: (error as Error).message }, 'cache write failed; answer not cached');
    }
  }

  function startLoad<T>(
    kind: CacheableKind,
    key: string,
    previous: CacheEntry | undefined,
    load: () => Promise<T>,
    schema: z.ZodType<T> | undefined,
  ): Promise<CacheLookup<T>> {
    const startedIn = generationOf(kind);
    metrics?.lookup(kind, 'miss');
    const lookup = (async (): Promise<CacheLookup<T>> => {
      try {
        const value = await load();
        return { value, source: 'plex', cachedAt: new Date(clock.now()) };
      } catch (error) {
        if (
          previous &&
          options.shouldServeStale(error) &&
          clock.now() - previous.fetchedAt < ttlMs(kind) + staleMs
        ) {
          metrics?.lookup(kind, 'stale');
          log.debug({ kind }, 'plex unavailable: answering from an expired cache entry');
          return { value: previous.value as T, source: 'stale', cachedAt: new Date(previous.fetchedAt) };
        }
        throw error;
      }
    })();
    inFlight.set(key, lookup as Promise<CacheLookup<unknown>>);

    const release = () => {
      if (inFlight.get(key) === lookup) inFlight.delete(key);
    };
    lookup.then((result) => {
      // Keep the in-flight entry until the write lands, so a caller whose store read raced the write still joins
      // this load instead of starting another one.
      const value =
        result.source === 'plex' && generationOf(kind) === startedIn
          ? admitted(kind, result.value, schema)
          : undefined;
      if (value !== undefined) {
        void writeEntry(kind, key, { value: value.stored, fetchedAt: result.cachedAt.getTime() }).finally(
          release,
        );
      } else {
        release();
      }
    }, release);
    return lookup;
  }

  /** What to store of a loaded value: as is, or (checkOnWrite) its parse by `schema`; undefined when it does not match. */
  function admitted<T>(
    kind: CacheableKind,
    value: T,
    schema: z.ZodType<T> | undefined,
  ): { stored: T } | undefined {
    if (!checkOnWrite || !schema) return { stored: value };
    const parsed = schema.safeParse(value);
    if (parsed.success) return { stored: parsed.data };
    log.warn({ kind }, 'tool result does not match its cache schema; not cached');
    return undefined;
  }

  /** The entry if its value matches `schema` (as parsed by it); otherwise the entry is deleted and this is a miss. */
  function checked<T>(
    kind: CacheableKind,
    key: string,
    entry: CacheEntry | undefined,
    schema: z.ZodType<T> | undefined,
  ): CacheEntry<T> | undefined {
    if (!entry || !schema) return entry as CacheEntry<T> | undefined;
    const parsed = schema.safeParse(entry.value);
    if (parsed.success) return { value: parsed.data, fetchedAt: entry.fetchedAt };
    log.warn({ kind }, 'cached value does not match its schema; deleted and treated as a miss');
    store.delete(key).catch((error: unknown) => {
      log.debug({ err: (error as Error).message }, 'could not delete a bad cache entry');
    });
    return undefined;
  }

  function join<T>(kind: CacheableKind, key: string): Promise<CacheLookup<T>> | undefined {
    const shared = inFlight.get(key);
    if (!shared) return undefined;
    metrics?.lookup(kind, 'coalesced');
    return shared as Promise<CacheLookup<T>>;
  }

  return {
    async getOrLoad<T>(
      kind: CacheableKind,
      args: Readonly<Record<string, unknown>>,
      load: () => Promise<T>,
      schema?: z.ZodType<T>,
      entryScope?: string,
    ) {
      if (entryScope !== undefined && !isEntryScope(entryScope))
        throw new Error(`cache: entry scope ${JSON.stringify(entryScope)} is not <word>:<id>`);
      const key = cacheKey(serverId, kind, args, currentCacheScope(), entryScope);
      const early = join<T>(kind, key);
      if (early) return early;

      const read = await readEntry(key);
      const entry = checkOnWrite ? (read as CacheEntry<T> | undefined) : checked(kind, key, read, schema);
      // max(0, …): an entry written by a replica whose clock runs ahead is not "from the future" forever.
      if (entry && Math.max(0, clock.now() - entry.fetchedAt) < ttlMs(kind)) {
        metrics?.lookup(kind, 'hit');
        return { value: entry.value as T, source: 'cache', cachedAt: new Date(entry.fetchedAt) };
      }
      // Another caller may have started the load while we were reading the store.
      return join<T>(kind, key) ?? startLoad(kind, key, entry, load, schema);
    },

    async invalidate(kind, entryScope) {
      // Coarse on purpose: any invalidation of a kind keeps that kind's loads in flight from writing back.
      generation.set(kind, generationOf(kind) + 1);
      const prefix =
        entryScope === undefined ? kindPrefix(serverId, kind) : entryScopePrefix(serverId, kind, entryScope);
      for (const key of inFlight.keys()) {
        if (key.startsWith(prefix)) inFlight.delete(key);
      }
      try {
        await store.deleteByPrefix(prefix);
      } catch (error) {
        // Redis down: its entries of this kind expire by TTL; this process no longer writes loads started earlier.
        log.debug({ kind, err: (error as Error).message }, 'cache invalidation could not reach the store');
      }
    },

    status(): CacheStatus {
      return { mode: store.mode, connected: store.connected() };
    },

    close: () => store.close(),
  };
}
