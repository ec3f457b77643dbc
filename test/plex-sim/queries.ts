// Library queries the simulator answers: section listings with media-query filters and sorts, hub search,
// On Deck and recently added. Pure functions of the catalog, so unit tests can call them directly.

import {
  itemsOfType,
  leavesOf,
  PLEX_TYPE_NUMBERS,
  type SimCatalog,
  type SimItem,
  type SimItemType,
  type SimSection,
  type SimTag,
} from './catalog.ts';

/** Thrown for a bad query parameter; the HTTP layer answers 400. */
export class BadRequestError extends Error {}

const TYPES_BY_NUMBER = new Map<number, SimItemType>(
  Object.entries(PLEX_TYPE_NUMBERS).map(([name, n]) => [n, name as SimItemType]),
);

/** Which item types live in which section type, the first being what `/all` lists without `type=`. */
const SECTION_TYPES: Record<SimSection['type'], SimItemType[]> = {
  movie: ['movie'],
  show: ['show', 'season', 'episode'],
  artist: ['artist', 'album', 'track'],
  photo: ['photoalbum', 'photo'],
};

export function typeFromNumber(value: string): SimItemType {
  const type = TYPES_BY_NUMBER.get(Number(value));
  if (type === undefined || !/^\d+$/.test(value)) throw new BadRequestError(`unknown type ${value}`);
  return type;
}

const SORTABLE = new Set([
  'titleSort',
  'title',
  'addedAt',
  'updatedAt',
  'year',
  'originallyAvailableAt',
  'rating',
  'audienceRating',
  'lastViewedAt',
  'viewCount',
  'duration',
  'index',
]);

function compareField(a: SimItem, b: SimItem, field: string): number {
  const av =
    field === 'titleSort' ? (a.titleSort ?? a.title) : (a as unknown as Record<string, unknown>)[field];
  const bv =
    field === 'titleSort' ? (b.titleSort ?? b.title) : (b as unknown as Record<string, unknown>)[field];
  if (av === bv) return 0;
  if (av === undefined) return 1;
  if (bv === undefined) return -1;
  if (typeof av === 'string' && typeof bv === 'string')
    return av.localeCompare(bv, 'en', { sensitivity: 'base' });
  return Number(av) < Number(bv) ? -1 : 1;
}

/** Sorts by a Plex `sort=` value: comma-separated `field[:asc|:desc]`. Unknown fields are a 400 like PMS. */
export function sortItems(items: SimItem[], sort: string): SimItem[] {
  const keys = sort.split(',').map((part) => {
    const [field = '', direction = 'asc'] = part.split(':');
    if (!SORTABLE.has(field) || (direction !== 'asc' && direction !== 'desc')) {
      throw new BadRequestError(`unsupported sort ${part}`);
    }
    return { field, sign: direction === 'desc' ? -1 : 1 };
  });
  return [...items].sort((a, b) => {
    for (const { field, sign } of keys) {
      const c = compareField(a, b, field);
      // Missing values sort last in both directions.
      if (c !== 0)
        return (a as unknown as Record<string, unknown>)[field] === undefined ||
          (b as unknown as Record<string, unknown>)[field] === undefined
          ? c
          : c * sign;
    }
    return Number(a.ratingKey) - Number(b.ratingKey);
  });
}

/**
 * `/library/sections/{id}/all` filtering: type, title (contains; `title==x` equals), year, genre (tag id),
 * unwatched=1, then sort (default titleSort for top-level types, natural order for episodes/tracks/photos).
 */
export function sectionItems(catalog: SimCatalog, section: SimSection, query: URLSearchParams): SimItem[] {
  const allowed = SECTION_TYPES[section.type];
  const typeParam = query.get('type');
  const type = typeParam === null ? allowed[0] : typeFromNumber(typeParam);
  if (type === undefined || !allowed.includes(type)) return [];
  let items = itemsOfType(catalog, type).filter((item) => item.librarySectionID === Number(section.key));
  const title = query.get('title');
  if (title !== null) {
    if (title.startsWith('=')) {
      const exact = title.slice(1).toLowerCase();
      items = items.filter((item) => item.title.toLowerCase() === exact);
    } else {
      const needle = normalize(title);
      items = items.filter((item) => normalize(item.title).includes(needle));
    }
  }
  const year = query.get('year');
  if (year !== null) items = items.filter((item) => String(item.year) === year);
  // Media-query comparisons (description.md): `year>=1990` arrives as key `year>` and value `=1990`.
  for (const op of ['>', '<'] as const) {
    const raw = query.get(`year${op}`);
    if (raw === null) continue;
    const inclusive = raw.startsWith('=');
    const bound = Number(inclusive ? raw.slice(1) : raw);
    if (!Number.isInteger(bound)) throw new BadRequestError(`year${op}${raw} is not a year`);
    items = items.filter((item) => {
      if (item.year === undefined) return false;
      if (op === '>') return inclusive ? item.year >= bound : item.year > bound;
      return inclusive ? item.year <= bound : item.year < bound;
    });
  }
  const genre = query.get('genre');
  if (genre !== null)
    items = items.filter((item) => genresOf(catalog, item).some((g) => String(g.id) === genre));
  if (query.get('unwatched') === '1') items = items.filter((item) => isUnwatched(item));
  const sort = query.get('sort');
  if (sort) return sortItems(items, sort);
  if (type === 'movie' || type === 'show' || type === 'artist' || type === 'photoalbum') {
    return sortItems(items, 'titleSort');
  }
  return items;
}

/** An item's genres; tracks and episodes have none of their own and match their album's or show's, as in PMS. */
function genresOf(catalog: SimCatalog, item: SimItem): SimTag[] {
  if (item.Genre && item.Genre.length > 0) return item.Genre;
  for (const key of [item.parentRatingKey, item.grandparentRatingKey]) {
    const genres = key === undefined ? undefined : catalog.byRatingKey.get(key)?.Genre;
    if (genres && genres.length > 0) return genres;
  }
  return [];
}

function isUnwatched(item: SimItem): boolean {
  if (item.leafCount !== undefined) return (item.viewedLeafCount ?? 0) < item.leafCount;
  return !item.viewCount;
}

const normalized = new Map<string, string>();
const NORMALIZED_CACHE_LIMIT = 200_000;

/**
 * Case- and accent-insensitive form used for "contains" matching, like PMS. Memoized: search compares every
 * title and tag in the catalog on each request, and the catalog's strings are a small, fixed set.
 */
export function normalize(text: string): string {
  let value = normalized.get(text);
  if (value === undefined) {
    value = text
      .normalize('NFD')
      .replace(/\p{Diacritic}/gu, '')
      .toLowerCase();
    if (normalized.size >= NORMALIZED_CACHE_LIMIT) normalized.clear();
    normalized.set(text, value);
  }
  return value;
}

/**
 * Derived lists are computed once per catalog and section; callers get a copy they may change. The items only
 * change through the watch-state store, which calls `forgetDerived` after each change.
 */
const derived = new WeakMap<SimCatalog, Map<string, SimItem[]>>();

/** Drops the memoized lists of a catalog whose watch state changed (On Deck depends on it). */
export function forgetDerived(catalog: SimCatalog): void {
  derived.delete(catalog);
}

/** Drops everything derived from a catalog whose items changed (added or removed): lists and the search index. */
export function forgetItems(catalog: SimCatalog): void {
  derived.delete(catalog);
  searchIndexes.delete(catalog);
}

function memoized(catalog: SimCatalog, key: string, compute: () => SimItem[]): SimItem[] {
  let perCatalog = derived.get(catalog);
  if (!perCatalog) {
    perCatalog = new Map();
    derived.set(catalog, perCatalog);
  }
  let list = perCatalog.get(key);
  if (!list) {
    list = compute();
    perCatalog.set(key, list);
  }
  return list.slice();
}

/** Newest first. Sections list what PMS shows there: movies, episodes, albums, photos. */
export function recentlyAdded(catalog: SimCatalog, sectionKey?: string): SimItem[] {
  return memoized(catalog, `recentlyAdded:${sectionKey ?? '*'}`, () =>
    computeRecentlyAdded(catalog, sectionKey),
  );
}

function computeRecentlyAdded(catalog: SimCatalog, sectionKey?: string): SimItem[] {
  const pools: SimItem[][] = [catalog.movies, catalog.episodes, catalog.albums, catalog.photos];
  const items = pools
    .flat()
    .filter((item) => sectionKey === undefined || String(item.librarySectionID) === sectionKey);
  // Newest first; items added in the same second (addedAt is in seconds) newest id first, as ids only grow.
  return [...items].sort((a, b) => b.addedAt - a.addedAt || Number(b.ratingKey) - Number(a.ratingKey));
}

/**
 * On Deck / Continue Watching: partly watched movies and episodes (viewOffset set), plus the next unwatched
 * episode of every show that has been started but not finished. Most recently viewed first.
 */
export function onDeck(catalog: SimCatalog, sectionKey?: string): SimItem[] {
  return memoized(catalog, `onDeck:${sectionKey ?? '*'}`, () => computeOnDeck(catalog, sectionKey));
}

function computeOnDeck(catalog: SimCatalog, sectionKey?: string): SimItem[] {
  const deck = new Map<string, { item: SimItem; lastViewedAt: number }>();
  for (const movie of catalog.movies) {
    if (movie.viewOffset) deck.set(movie.ratingKey, { item: movie, lastViewedAt: movie.lastViewedAt ?? 0 });
  }
  for (const show of catalog.shows) {
    const episodes = leavesOf(catalog, show);
    const watched = episodes.filter((e) => e.viewCount).length;
    if (watched === 0 || watched === episodes.length) continue;
    const next = episodes.find((e) => !e.viewCount);
    if (next)
      deck.set(next.ratingKey, { item: next, lastViewedAt: next.lastViewedAt ?? show.lastViewedAt ?? 0 });
  }
  return [...deck.values()]
    .filter(({ item }) => sectionKey === undefined || String(item.librarySectionID) === sectionKey)
    .sort((a, b) => b.lastViewedAt - a.lastViewedAt || Number(a.item.ratingKey) - Number(b.item.ratingKey))
    .map(({ item }) => item);
}

// ---- hub search -------------------------------------------------------------------------------------------

export interface HubDefinition {
  type: string;
  hubIdentifier: string;
  title: string;
}

/** Hubs in the order PMS sends them. Tag hubs (actor/director/genre) carry Directory[] instead of Metadata[]. */
export const SEARCH_HUBS: readonly HubDefinition[] = [
  { type: 'movie', hubIdentifier: 'movie', title: 'Movies' },
  { type: 'show', hubIdentifier: 'show', title: 'Shows' },
  { type: 'season', hubIdentifier: 'season', title: 'Seasons' },
  { type: 'episode', hubIdentifier: 'episode', title: 'Episodes' },
  { type: 'artist', hubIdentifier: 'artist', title: 'Artists' },
  { type: 'album', hubIdentifier: 'album', title: 'Albums' },
  { type: 'track', hubIdentifier: 'track', title: 'Tracks' },
  { type: 'photoalbum', hubIdentifier: 'photoalbum', title: 'Photo Albums' },
  { type: 'photo', hubIdentifier: 'photo', title: 'Photos' },
  { type: 'collection', hubIdentifier: 'collection', title: 'Collections' },
  { type: 'playlist', hubIdentifier: 'playlist', title: 'Playlists' },
  { type: 'actor', hubIdentifier: 'actor', title: 'Actors' },
  { type: 'director', hubIdentifier: 'director', title: 'Directors' },
  { type: 'genre', hubIdentifier: 'genre', title: 'Genres' },
];

export interface ItemHit {
  item: SimItem;
  /** PMS sends score as a string ("0.73092"). */
  score: string;
  reason?: { reason: string; reasonTitle: string; reasonID: number };
}

export interface TagHit {
  id: number;
  tag: string;
  tagType: number;
  filter: string;
  tagKey?: string;
  thumb?: string;
  section: { key: string; title: string; type: string };
  count: number;
  score: string;
}

export interface HubResult {
  hub: HubDefinition;
  items: ItemHit[];
  tags: TagHit[];
}

const TAG_HUBS = {
  actor: { field: 'Role', tagType: 6 },
  director: { field: 'Director', tagType: 4 },
  genre: { field: 'Genre', tagType: 1 },
} as const;

/** Rank of a match of `needle` in an already normalized string; undefined when it does not occur. */
function titleScore(hay: string, needle: string): number | undefined {
  const at = hay.indexOf(needle);
  if (at < 0) return undefined;
  // Exact titles first, then prefix matches, then shorter titles (the needle is a bigger part of them).
  return 0.5 + 0.3 * (needle.length / hay.length) + (at === 0 ? 0.15 : 0) + (hay === needle ? 0.05 : 0);
}

interface IndexedItem {
  item: SimItem;
  section: string;
  title: string;
  /** Normalized cast names (movies only), for indirect "reason: actor" matches. */
  cast: { tag: SimTag; name: string }[];
}

interface IndexedTag extends Omit<TagHit, 'score'> {
  name: string;
}

interface SearchIndex {
  items: Map<string, IndexedItem[]>;
  tags: Map<string, IndexedTag[]>;
}

const searchIndexes = new WeakMap<SimCatalog, SearchIndex>();

/** Normalized titles and (section, tag) entries with counts, built once per catalog: search is then a scan. */
function searchIndex(catalog: SimCatalog): SearchIndex {
  const cached = searchIndexes.get(catalog);
  if (cached) return cached;
  const items = new Map<string, IndexedItem[]>();
  for (const type of Object.keys(PLEX_TYPE_NUMBERS) as SimItemType[]) {
    items.set(
      type,
      itemsOfType(catalog, type).map((item) => ({
        item,
        section: String(item.librarySectionID),
        title: normalize(item.title),
        cast: type === 'movie' ? (item.Role ?? []).map((tag) => ({ tag, name: normalize(tag.tag) })) : [],
      })),
    );
  }
  const sectionByKey = new Map(catalog.sections.map((s) => [s.key, s]));
  const tags = new Map<string, IndexedTag[]>();
  const pool = [catalog.movies, catalog.shows, catalog.episodes, catalog.artists].flat();
  for (const [hubType, { field, tagType }] of Object.entries(TAG_HUBS)) {
    const found = new Map<string, IndexedTag>();
    for (const item of pool) {
      const section = sectionByKey.get(String(item.librarySectionID));
      if (!section) continue;
      for (const tag of item[field] ?? []) {
        const key = `${section.key}:${tag.id}`;
        const existing = found.get(key);
        if (existing) {
          existing.count++;
          continue;
        }
        found.set(key, {
          id: tag.id,
          tag: tag.tag,
          name: normalize(tag.tag),
          tagType,
          filter: tag.filter,
          tagKey: tag.tagKey,
          thumb: tag.thumb,
          section: { key: section.key, title: section.title, type: section.type },
          count: 1,
        });
      }
    }
    tags.set(hubType, [...found.values()]);
  }
  const index = { items, tags };
  searchIndexes.set(catalog, index);
  return index;
}

/** Every hub for a `/hubs/search` query (all of them, also empty ones), with all hits in rank order. */
export function hubSearch(catalog: SimCatalog, query: string, sectionId?: string): HubResult[] {
  const needle = normalize(query.trim());
  const index = searchIndex(catalog);
  const inScope = (section: string) => sectionId === undefined || section === sectionId;
  return SEARCH_HUBS.map((hub) => {
    const result: HubResult = { hub, items: [], tags: [] };
    if (needle.length === 0) return result;
    const indexed = index.items.get(hub.type);
    if (indexed) {
      for (const entry of indexed) {
        if (!inScope(entry.section)) continue;
        const score = titleScore(entry.title, needle);
        if (score !== undefined) {
          result.items.push({ item: entry.item, score: score.toFixed(5) });
        } else {
          // Indirect matches: movies whose cast matches, ranked below title matches (PMS "reason": actor).
          const actor = entry.cast.find((c) => c.name.includes(needle));
          if (actor) {
            result.items.push({
              item: entry.item,
              score: '0.35000',
              reason: { reason: 'actor', reasonTitle: actor.tag.tag, reasonID: actor.tag.id },
            });
          }
        }
      }
      result.items.sort(
        (a, b) => Number(b.score) - Number(a.score) || a.item.title.localeCompare(b.item.title),
      );
      return result;
    }
    for (const entry of index.tags.get(hub.type) ?? []) {
      if (!inScope(entry.section.key)) continue;
      const score = titleScore(entry.name, needle);
      if (score === undefined) continue;
      const { name: _name, ...hit } = entry;
      result.tags.push({ ...hit, score: score.toFixed(5) });
    }
    result.tags.sort(
      (a, b) => Number(b.score) - Number(a.score) || b.count - a.count || a.tag.localeCompare(b.tag),
    );
    return result;
  });
}
