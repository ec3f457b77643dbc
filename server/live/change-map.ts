/**
 * Which cached answers a Plex event makes wrong: the one table both the invalidation (live-invalidation.ts) and
 * its tests read. TTLs stay as the safety net for whatever an event does not say (or an event that is missed).
 *
 * | Event | Dropped |
 * | --- | --- |
 * | playing (any state) | sessions (the fallback's cached list) |
 * | playing stopped | also on deck, history, the item's details (resume point, view count) |
 * | timeline created / deleted | the item's details, recently added, on deck, the section's listings, libraries (counts), searches; for anything but a movie every item's details (its parent's children changed) |
 * | timeline finished (metadata in) or other progress | the item's details, the section's listings, searches |
 * | activity on a section (a scan) started / ended | libraries (refreshing, scanned at); ended: also recently added, the section's listings, searches |
 * | resync (the stream came back after a gap) | everything the events would have covered |
 */
import { entryScope } from '../cache/cache-key.ts';
import type { CacheableKind } from '../cache/tool-cache.ts';
import { activitySection, TIMELINE_CREATED, TIMELINE_DELETED } from './plex-events.ts';
import type { LiveChange } from './plex-live.ts';

export interface Invalidation {
  kind: CacheableKind;
  /** Only the entries about this (see entryScope in cache-key.ts); absent = the whole kind. */
  scope?: string;
}

/** Plex's metadata type number of a movie (timeline `type`). */
const MOVIE_TYPE = 1;
/** Timeline state 5: the item's metadata is in. */
const TIMELINE_FINISHED = 5;

/** Kinds an event-stream gap may have left wrong (everything below but posters, accounts and players). */
export const RESYNC_KINDS: readonly CacheableKind[] = [
  'sessions',
  'recentlyAdded',
  'onDeck',
  'libraries',
  'search',
  'browse',
  'mediaDetails',
  'history',
];

export function invalidationsFor(change: LiveChange): Invalidation[] {
  switch (change.kind) {
    case 'sessions':
      // Positions move every few seconds while playing; the cached list matters only for the fallback's states.
      return change.stateChanged ? [{ kind: 'sessions' }] : [];
    case 'stopped':
      return [
        { kind: 'sessions' },
        { kind: 'onDeck' },
        { kind: 'history' },
        ...(change.itemId
          ? [{ kind: 'mediaDetails' as const, scope: entryScope('item', change.itemId) }]
          : []),
      ];
    case 'timeline':
      return change.entries.flatMap((entry): Invalidation[] => {
        const item = { kind: 'mediaDetails' as const, scope: entryScope('item', entry.itemID) };
        const section = entry.sectionID
          ? [{ kind: 'browse' as const, scope: entryScope('section', entry.sectionID) }]
          : [{ kind: 'browse' as const }];
        if (entry.state === TIMELINE_CREATED || entry.state === TIMELINE_DELETED) {
          return [
            entry.type === MOVIE_TYPE ? item : { kind: 'mediaDetails' },
            { kind: 'recentlyAdded' },
            { kind: 'onDeck' },
            ...section,
            { kind: 'libraries' },
            { kind: 'search' },
          ];
        }
        return entry.state === TIMELINE_FINISHED ? [item, ...section, { kind: 'search' }] : [item];
      });
    case 'activity': {
      const id = activitySection(change.activity);
      if (!change.activity.Activity.type.startsWith('library.')) return [];
      if (change.activity.event === 'updated') return [];
      if (change.activity.event === 'started') return [{ kind: 'libraries' }];
      return [
        { kind: 'libraries' },
        { kind: 'recentlyAdded' },
        id ? { kind: 'browse', scope: entryScope('section', id) } : { kind: 'browse' },
        { kind: 'search' },
      ];
    }
    case 'resync':
      return RESYNC_KINDS.map((kind) => ({ kind }));
  }
}

/** The same invalidations once each: a scan's burst of timeline events collapses to a few prefix deletes. */
export function dedupe(list: readonly Invalidation[]): Invalidation[] {
  const whole = new Set(list.filter((i) => i.scope === undefined).map((i) => i.kind));
  const seen = new Set<string>();
  const out: Invalidation[] = [];
  for (const i of list) {
    if (i.scope !== undefined && whole.has(i.kind)) continue;
    const key = `${i.kind}|${i.scope ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(i);
  }
  return out;
}
