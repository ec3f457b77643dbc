// Entry scopes: an invalidation of one item or one section drops exactly its entries, everyone's (person scopes
// included), and leaves the rest of the kind; the whole kind still goes with an unscoped invalidation. The
// change map says which events drop what.
import { describe, expect, it, vi } from 'vitest';
import { createToolCache } from '../../../../server/cache/cache-factory.ts';
import { entryScope } from '../../../../server/cache/cache-key.ts';
import { dedupe, invalidationsFor } from '../../../../server/live/change-map.ts';
import { cacheScopeOf, runAsPlexIdentity } from '../../../../server/plex/plex-identity.ts';
import { FakeClock, flush, isOutage, silentLogger, ttls } from './fakes.ts';

function cache() {
  return createToolCache(
    {
      enabled: true,
      ttlSeconds: ttls,
      staleSeconds: 0,
      maxBytes: 1024 * 1024,
      plexServerUrl: 'http://plex:32400',
    },
    { shouldServeStale: isOutage, logger: silentLogger, clock: new FakeClock() },
  );
}

describe('cache entry scopes', () => {
  it('drops one item’s entries (for every person), keeps the other items’', async () => {
    const c = cache();
    const load = vi.fn(async () => ({ at: Math.random() }));
    const alice = { token: 't-alice', cacheScope: cacheScopeOf('alice-uuid') };
    const get = (id: string) =>
      c.getOrLoad('mediaDetails', { media_id: id }, load, undefined, entryScope('item', id));
    await get('12');
    await get('123');
    await runAsPlexIdentity(alice, () => get('12'));
    await flush();
    expect(load).toHaveBeenCalledTimes(3);
    await get('12');
    await get('123');
    expect(load).toHaveBeenCalledTimes(3);

    await c.invalidate('mediaDetails', entryScope('item', '12'));
    await get('123'); // item:12 is a prefix of item:123 only without the trailing colon
    expect(load).toHaveBeenCalledTimes(3);
    await get('12');
    await runAsPlexIdentity(alice, () => get('12'));
    expect(load).toHaveBeenCalledTimes(5);
    await flush();
    await c.invalidate('mediaDetails');
    await get('123');
    expect(load).toHaveBeenCalledTimes(6);
  });

  it('refuses a malformed entry scope instead of writing an unreachable key', async () => {
    await expect(cache().getOrLoad('search', {}, async () => 1, undefined, 'not a scope')).rejects.toThrow(
      /entry scope/,
    );
    expect(entryScope('section', 'weird id/../')).toMatch(/^section:x[0-9a-f]{16}$/);
  });
});

describe('the change map', () => {
  it('a created movie drops its details, recently added, on deck, its section, libraries and searches', () => {
    const list = invalidationsFor({
      kind: 'timeline',
      entries: [{ itemID: '501', sectionID: '1', type: 1, state: 0 }],
    });
    expect(list).toEqual([
      { kind: 'mediaDetails', scope: 'item:501' },
      { kind: 'recentlyAdded' },
      { kind: 'onDeck' },
      { kind: 'browse', scope: 'section:1' },
      { kind: 'libraries' },
      { kind: 'search' },
    ]);
  });

  it('a deleted episode drops every item’s details (its season’s children changed)', () => {
    const list = invalidationsFor({
      kind: 'timeline',
      entries: [{ itemID: '9', sectionID: '2', type: 4, state: 9 }],
    });
    expect(list[0]).toEqual({ kind: 'mediaDetails' });
  });

  it('a stop drops sessions, on deck, history and the item’s details; a position move drops nothing', () => {
    expect(invalidationsFor({ kind: 'stopped', itemId: '7' })).toEqual([
      { kind: 'sessions' },
      { kind: 'onDeck' },
      { kind: 'history' },
      { kind: 'mediaDetails', scope: 'item:7' },
    ]);
    expect(invalidationsFor({ kind: 'sessions', stateChanged: false })).toEqual([]);
  });

  it('a scan drops libraries when it starts; at its end also recently added, its section and searches', () => {
    const activity = (event: 'started' | 'updated' | 'ended') => ({
      kind: 'activity' as const,
      activity: {
        event,
        uuid: 'u',
        Activity: { uuid: 'u', type: 'library.update.section', Context: { librarySectionID: '3' } },
      },
    });
    expect(invalidationsFor(activity('started'))).toEqual([{ kind: 'libraries' }]);
    expect(invalidationsFor(activity('updated'))).toEqual([]);
    expect(invalidationsFor(activity('ended'))).toContainEqual({ kind: 'browse', scope: 'section:3' });
  });

  it('dedupe collapses a burst, and a whole-kind drop covers that kind’s scoped ones', () => {
    const burst = invalidationsFor({
      kind: 'timeline',
      entries: Array.from({ length: 50 }, (_, i) => ({
        itemID: String(i),
        sectionID: '1',
        type: 1,
        state: 0,
      })),
    });
    const once = dedupe([...burst, { kind: 'mediaDetails' }]);
    expect(once.filter((i) => i.kind === 'mediaDetails')).toEqual([{ kind: 'mediaDetails' }]);
    expect(once.filter((i) => i.kind === 'recentlyAdded')).toHaveLength(1);
  });
});
