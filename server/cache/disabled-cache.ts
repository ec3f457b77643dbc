/** CACHE_ENABLED=false: every call goes to Plex, nothing is kept, nothing is coalesced, no stale answers. */
import type { ToolCache } from './tool-cache.ts';

export function createDisabledCache(): ToolCache {
  return {
    async getOrLoad(_kind, _args, load) {
      const value = await load();
      return { value, source: 'plex', cachedAt: new Date() };
    },
    async invalidate() {},
    status: () => ({ mode: 'disabled', connected: false }),
    async close() {},
  };
}
