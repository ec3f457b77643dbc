import type { CacheableKind, CacheLookup, CacheStatus, ToolCache } from '../cache/tool-cache.ts';

/**
 * A ToolCache that caches nothing: every call goes to Plex. Used when no real cache is wired (unit tests, or
 * before `server/cache/cache-factory.ts` exists); behaves like CACHE_ENABLED=false.
 */
export function createPassthroughCache(): ToolCache {
  return {
    async getOrLoad<T>(
      _kind: CacheableKind,
      _args: Readonly<Record<string, unknown>>,
      load: () => Promise<T>,
    ): Promise<CacheLookup<T>> {
      const value = await load();
      return { value, source: 'plex', cachedAt: new Date() };
    },
    async invalidate(): Promise<void> {},
    status(): CacheStatus {
      return { mode: 'disabled', connected: false };
    },
    async close(): Promise<void> {},
  };
}
