import type { CacheLookup } from '../cache/tool-cache.ts';

/** The structured fields and text line that mark an answer served from an expired cache entry. */
export function freshnessOf(lookup: Pick<CacheLookup<unknown>, 'source' | 'cachedAt'>): {
  fields: { stale?: true; cached_at?: string };
  warning: string | undefined;
} {
  if (lookup.source !== 'stale') return { fields: {}, warning: undefined };
  const cachedAt = lookup.cachedAt.toISOString();
  return {
    fields: { stale: true, cached_at: cachedAt },
    warning: `Warning: Plex is unavailable; this answer is from a cached copy fetched at ${cachedAt} and may be out of date.`,
  };
}

/** Combines the worst freshness of several lookups (e.g. the library list and the search itself). */
export function stalestOf(...lookups: Array<Pick<CacheLookup<unknown>, 'source' | 'cachedAt'> | undefined>) {
  const stale = lookups.filter((l) => l?.source === 'stale') as Array<
    Pick<CacheLookup<unknown>, 'source' | 'cachedAt'>
  >;
  if (stale.length === 0) return { source: 'plex' as const, cachedAt: new Date() };
  return stale.reduce((a, b) => (a.cachedAt <= b.cachedAt ? a : b));
}
