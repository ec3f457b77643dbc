// Watch state (viewed, resume point, rating) of the account the simulator's token belongs to, and how
// /:/scrobble, /:/unscrobble, /:/rate and finished playback change it. The catalog items carry that account's
// state (as PMS renders it for the requesting account); this store changes them in place and can put back
// the generated state on reset. Every person with a token of their own has their own catalog and store
// (people.ts); accounts without one are visible only through their history entries.

import { leavesOf, type SimCatalog, type SimItem } from './catalog.ts';
import { forgetDerived } from './queries.ts';

type WatchFields = Pick<
  SimItem,
  'viewCount' | 'viewOffset' | 'lastViewedAt' | 'viewedLeafCount' | 'userRating' | 'lastRatedAt'
>;
export const WATCH_FIELDS = [
  'viewCount',
  'viewOffset',
  'lastViewedAt',
  'viewedLeafCount',
  'userRating',
  'lastRatedAt',
] as const;

/** Types whose items are played (leaves); containers take their watch state from them. */
const CONTAINER_TYPES = new Set(['show', 'season', 'artist', 'album', 'photoalbum']);

export class WatchStore {
  readonly #catalog: SimCatalog;
  readonly #initial = new Map<string, WatchFields>();
  readonly #clock: () => number;

  constructor(catalog: SimCatalog, clock: () => number) {
    this.#catalog = catalog;
    this.#clock = clock;
    for (const [key, item] of catalog.byRatingKey) {
      const fields: WatchFields = {};
      for (const f of WATCH_FIELDS)
        if (item[f] !== undefined) (fields as Record<string, unknown>)[f] = item[f];
      this.#initial.set(key, fields);
    }
  }

  reset(): void {
    for (const [key, fields] of this.#initial) {
      const item = this.#catalog.byRatingKey.get(key);
      if (!item) continue;
      for (const f of WATCH_FIELDS) delete item[f];
      Object.assign(item, fields);
    }
    forgetDerived(this.#catalog);
  }

  /** /:/scrobble: the item (or every leaf below a container) watched once more; the resume point is cleared. */
  scrobble(item: SimItem): void {
    const now = this.#now();
    for (const leaf of this.#leaves(item)) {
      leaf.viewCount = (leaf.viewCount ?? 0) + 1;
      leaf.lastViewedAt = now;
      delete leaf.viewOffset;
    }
    this.#recount(item);
  }

  /** /:/unscrobble: not watched, no resume point. */
  unscrobble(item: SimItem): void {
    for (const leaf of this.#leaves(item)) {
      delete leaf.viewCount;
      delete leaf.viewOffset;
      delete leaf.lastViewedAt;
    }
    this.#recount(item);
  }

  /** A playback left off at `offsetMs` (stop before the end): the resume point On Deck shows. */
  progress(item: SimItem, offsetMs: number): void {
    item.viewOffset = offsetMs;
    item.lastViewedAt = this.#now();
    this.#recount(item);
  }

  /** /:/rate: 0-10; PMS stores it as userRating, and -1 (or 0 stars) removes it. */
  rate(item: SimItem, rating: number): void {
    if (rating < 0) {
      delete item.userRating;
      delete item.lastRatedAt;
    } else {
      item.userRating = rating;
      item.lastRatedAt = this.#now();
    }
  }

  #now(): number {
    return Math.floor(this.#clock() / 1000);
  }

  #leaves(item: SimItem): SimItem[] {
    return CONTAINER_TYPES.has(item.type) ? leavesOf(this.#catalog, item) : [item];
  }

  /** Containers above (and below, for a container) get viewedLeafCount, viewCount and lastViewedAt from leaves. */
  #recount(item: SimItem): void {
    const containers = new Set<SimItem>();
    const add = (key: string | undefined) => {
      const found = key === undefined ? undefined : this.#catalog.byRatingKey.get(key);
      if (found) containers.add(found);
    };
    if (CONTAINER_TYPES.has(item.type)) {
      containers.add(item);
      for (const child of this.#catalog.childrenOf.get(item.ratingKey) ?? [])
        if (CONTAINER_TYPES.has(child.type)) containers.add(child);
    }
    add(item.parentRatingKey);
    add(item.grandparentRatingKey);
    for (const container of containers) {
      const leaves = leavesOf(this.#catalog, container);
      const viewed = leaves.filter((l) => (l.viewCount ?? 0) > 0);
      if (viewed.length > 0) {
        container.viewedLeafCount = viewed.length;
        container.viewCount = viewed.reduce((n, l) => n + (l.viewCount ?? 0), 0);
        container.lastViewedAt = Math.max(...viewed.map((l) => l.lastViewedAt ?? 0));
      } else {
        delete container.viewedLeafCount;
        delete container.viewCount;
        delete container.lastViewedAt;
      }
    }
    forgetDerived(this.#catalog);
  }
}
