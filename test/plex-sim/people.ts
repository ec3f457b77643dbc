// The people a simulated Plex Media Server knows besides its owner: each with their own access token, their own
// watch state, ratings and playlists (their own copy of the catalog, generated from the same seed, so ratingKeys
// match the owner's), and optionally only some libraries shared with them (a friend): unshared sections and
// their items do not exist for that token, so listings, search, On Deck and metadata lookups all leave them out.

import { generateCatalog, type SimCatalog, type SimItem } from './catalog.ts';
import { PlaylistStore } from './playlists.ts';
import { WATCH_FIELDS, WatchStore } from './watch-state.ts';

export interface SimPersonOptions {
  /** The access token Plex issued this person for this server (plex.tv resources' accessToken). */
  token: string;
  /** Their account id on this server (history's accountID); added to `/accounts` if new. */
  accountID: number;
  name: string;
  /** Section keys shared with them; all when omitted (the owner's Home members usually get all). */
  sections?: string[];
}

/** What one token sees and changes. */
export interface SimViewer {
  accountID: number;
  owner: boolean;
  catalog: SimCatalog;
  watch: WatchStore;
  playlists: PlaylistStore;
}

const ITEM_LISTS = [
  'movies',
  'shows',
  'seasons',
  'episodes',
  'artists',
  'albums',
  'tracks',
  'photoAlbums',
  'photos',
] as const;

/** A person's own catalog: the owner's items with nothing watched or rated, only the shared sections. */
export function personViewer(
  options: { items?: number | undefined; seed?: number | undefined; now: number },
  person: SimPersonOptions,
  clock: () => number,
): SimViewer {
  const catalog = generateCatalog(options);
  for (const item of catalog.byRatingKey.values()) for (const field of WATCH_FIELDS) delete item[field];
  if (person.sections !== undefined) restrictToSections(catalog, person.sections);
  return {
    accountID: person.accountID,
    owner: false,
    catalog,
    watch: new WatchStore(catalog, clock),
    playlists: new PlaylistStore(catalog, clock, { seeded: false }),
  };
}

function restrictToSections(catalog: SimCatalog, keys: string[]): void {
  const unknown = keys.filter((k) => !catalog.sections.some((s) => s.key === k));
  if (unknown.length > 0) throw new Error(`people: no section ${unknown.join(', ')}`);
  const shared = new Set(keys);
  const visible = (item: SimItem) => shared.has(String(item.librarySectionID));
  catalog.sections = catalog.sections.filter((s) => shared.has(s.key));
  for (const list of ITEM_LISTS) catalog[list] = catalog[list].filter(visible);
  for (const [key, item] of catalog.byRatingKey) {
    if (visible(item)) continue;
    catalog.byRatingKey.delete(key);
    catalog.childrenOf.delete(key);
  }
}
