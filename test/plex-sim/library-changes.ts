// Items appearing in and disappearing from the library while the simulator runs (what a scan finding a new file,
// or a deleted file, does to PMS), applied to every viewer's catalog copy so ratingKeys stay the same for
// everyone. Only movies come and go: that is enough to exercise "what's new" and cache invalidation, and keeps
// the show/season/episode hierarchy out of it. `reset()` undoes everything.

import type { SimCatalog, SimItem } from './catalog.ts';
import { forgetItems } from './queries.ts';

export interface AddItemOptions {
  /** Default "New Arrival <n>". */
  title?: string;
  /** Default 2026. */
  year?: number;
}

/** Added ratingKeys start here: far from generated ones (1001…) and playlists (900001…). */
const FIRST_ADDED_KEY = 500_001;

export class LibraryChanges {
  readonly #catalogs: () => SimCatalog[];
  readonly #now: () => number;
  #nextKey = FIRST_ADDED_KEY;
  #added: string[] = [];
  #removed: { catalog: SimCatalog; item: SimItem; index: number }[] = [];

  constructor(catalogs: () => SimCatalog[], now: () => number) {
    this.#catalogs = catalogs;
    this.#now = now;
  }

  /** A new movie in the Movies section of every catalog (a copy of the first movie's shape); the owner's copy. */
  addMovie(options: AddItemOptions = {}): SimItem {
    const catalogs = this.#catalogs();
    const template = catalogs[0]?.movies[0];
    if (!template) throw new Error('plex-sim: no movie to model a new one on');
    const ratingKey = String(this.#nextKey++);
    const title = options.title ?? `New Arrival ${ratingKey}`;
    const now = Math.floor(this.#now() / 1000);
    let owners: SimItem | undefined;
    for (const catalog of catalogs) {
      if (!catalog.sections.some((s) => s.key === String(template.librarySectionID))) continue;
      const item: SimItem = {
        ...structuredClone(template),
        ratingKey,
        key: `/library/metadata/${ratingKey}`,
        guid: `plex://movie/sim${ratingKey}`,
        title,
        titleSort: title,
        year: options.year ?? 2026,
        addedAt: now,
        updatedAt: now,
        summary: `${title}, just added to the library.`,
      };
      for (const field of ['viewCount', 'viewOffset', 'lastViewedAt', 'userRating', 'lastRatedAt'] as const)
        delete item[field];
      delete item.Guid;
      catalog.movies.push(item);
      catalog.byRatingKey.set(ratingKey, item);
      forgetItems(catalog);
      owners ??= item;
    }
    if (!owners) throw new Error('plex-sim: no catalog has the Movies section');
    this.#added.push(ratingKey);
    return owners;
  }

  /** Removes a movie from every catalog (as PMS does once the file is gone and the trash emptied). */
  removeMovie(ratingKey: string): SimItem {
    let removed: SimItem | undefined;
    for (const catalog of this.#catalogs()) {
      const index = catalog.movies.findIndex((m) => m.ratingKey === ratingKey);
      const item = catalog.movies[index];
      if (!item) continue;
      catalog.movies.splice(index, 1);
      catalog.byRatingKey.delete(ratingKey);
      forgetItems(catalog);
      this.#removed.push({ catalog, item, index });
      removed ??= item;
    }
    if (!removed) throw new Error(`plex-sim: no movie ${ratingKey}`);
    return removed;
  }

  reset(): void {
    for (const catalog of this.#catalogs()) {
      catalog.movies = catalog.movies.filter((m) => !this.#added.includes(m.ratingKey));
      for (const key of this.#added) catalog.byRatingKey.delete(key);
      forgetItems(catalog);
    }
    // Items removed after being added this run stay gone with the rest of what was added.
    for (const { catalog, item, index } of this.#removed.reverse()) {
      if (this.#added.includes(item.ratingKey)) continue;
      catalog.movies.splice(index, 0, item);
      catalog.byRatingKey.set(item.ratingKey, item);
      forgetItems(catalog);
    }
    this.#added = [];
    this.#removed = [];
    this.#nextKey = FIRST_ADDED_KEY;
  }
}
