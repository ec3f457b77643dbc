// Playlists (REFERENCE.md §3.11): dumb playlists hold items, each with its own playlistItemID (the id that
// removes it, not the item's ratingKey); smart playlists hold a content URI (a section query) evaluated on read.
// PMS creates playlists only from a `uri` (there is no empty playlist), and adding a container (show, album)
// adds its leaves.

import { leavesOf, type SimCatalog, type SimItem, type SimSection } from './catalog.ts';
import { BadRequestError, sectionItems } from './queries.ts';
import { LIBRARY_IDENTIFIER } from './render.ts';

export type PlaylistType = 'video' | 'audio' | 'photo';

export interface SimPlaylist {
  ratingKey: string;
  guid: string;
  title: string;
  summary: string;
  playlistType: PlaylistType;
  smart: boolean;
  /** Smart playlists: the `server://…/library/sections/{id}/all?…` URI the items come from. */
  content?: string;
  items: { playlistItemID: number; ratingKey: string }[];
  addedAt: number;
  updatedAt: number;
}

const DAY = 86_400;
/** Playlist ratingKeys live far above the catalog's, as in PMS where they share the metadata id space. */
const FIRST_PLAYLIST_KEY = 900_001;
const CONTAINER_TYPES = new Set(['show', 'season', 'artist', 'album', 'photoalbum']);

export function playlistTypeOf(item: SimItem): PlaylistType {
  if (item.type === 'track' || item.type === 'album' || item.type === 'artist') return 'audio';
  if (item.type === 'photo' || item.type === 'photoalbum') return 'photo';
  return 'video';
}

export class PlaylistStore {
  readonly #catalog: SimCatalog;
  readonly #clock: () => number;
  #playlists: SimPlaylist[] = [];
  #nextKey = FIRST_PLAYLIST_KEY;
  #nextItemId = 1;

  readonly #seeded: boolean;

  /** `seeded: false` starts (and resets to) no playlists: a person other than the owner has none of the owner's. */
  constructor(catalog: SimCatalog, clock: () => number, options: { seeded?: boolean } = {}) {
    this.#catalog = catalog;
    this.#clock = clock;
    this.#seeded = options.seeded ?? true;
    this.reset();
  }

  /** Two dumb playlists (movies, tracks) and one smart one (the first music genre), dated before "now". */
  reset(): void {
    const c = this.#catalog;
    this.#playlists = [];
    this.#nextKey = FIRST_PLAYLIST_KEY;
    this.#nextItemId = 1;
    if (!this.#seeded) return;
    const created = c.now - 30 * DAY;
    this.#insert('Movie Night', 'video', c.movies.slice(0, 3), created);
    this.#insert('Road Trip', 'audio', c.tracks.slice(0, 5), created + DAY);
    const music = c.sections.find((s) => s.type === 'artist');
    const genre =
      c.tracks.find((t) => t.Genre?.[0])?.Genre?.[0] ?? c.artists.find((a) => a.Genre?.[0])?.Genre?.[0];
    if (music) {
      const query = genre ? `type=10&genre=${genre.id}` : 'type=10';
      this.#insertSmart(
        `${genre?.tag ?? 'All'} Mix`,
        'audio',
        this.sectionUri(music, query),
        created + 2 * DAY,
      );
    }
  }

  list(filter: { playlistType?: string | undefined; smart?: boolean | undefined }): SimPlaylist[] {
    return this.#playlists.filter(
      (p) =>
        (filter.playlistType === undefined || p.playlistType === filter.playlistType) &&
        (filter.smart === undefined || p.smart === filter.smart),
    );
  }

  get(ratingKey: string): SimPlaylist | undefined {
    return this.#playlists.find((p) => p.ratingKey === ratingKey);
  }

  /** The items a playlist plays now (smart ones evaluated against the current catalog). */
  itemsOf(playlist: SimPlaylist): { item: SimItem; playlistItemID?: number }[] {
    if (playlist.smart) return this.#evaluate(playlist.content ?? '').map((item) => ({ item }));
    return playlist.items.flatMap((entry) => {
      const item = this.#catalog.byRatingKey.get(entry.ratingKey);
      return item ? [{ item, playlistItemID: entry.playlistItemID }] : [];
    });
  }

  /** POST /playlists. `uri` is required; a smart playlist's must be a section query. */
  create(args: { title: string; type: string; smart: boolean; uri: string | undefined }): SimPlaylist {
    if (!args.title.trim()) throw new BadRequestError('title is required');
    if (args.type !== 'video' && args.type !== 'audio' && args.type !== 'photo')
      throw new BadRequestError('type must be video, audio or photo');
    if (!args.uri) throw new BadRequestError('uri is required');
    const now = this.#now();
    if (args.smart) {
      this.#evaluate(args.uri); // validates it
      return this.#insertSmart(args.title, args.type, args.uri, now);
    }
    const items = this.#itemsOfUri(args.uri, args.type);
    return this.#insert(args.title, args.type, items, now);
  }

  /** PUT /playlists/{id}/items: appends to a dumb playlist, replaces a smart playlist's rules. */
  add(playlist: SimPlaylist, uri: string): void {
    if (playlist.smart) {
      this.#evaluate(uri);
      playlist.content = uri;
    } else {
      for (const item of this.#itemsOfUri(uri, playlist.playlistType))
        playlist.items.push({ playlistItemID: this.#nextItemId++, ratingKey: item.ratingKey });
    }
    playlist.updatedAt = this.#now();
  }

  /** DELETE /playlists/{id}/items/{playlistItemID}; false when the playlist has no such entry. */
  removeItem(playlist: SimPlaylist, playlistItemID: number): boolean {
    if (playlist.smart) throw new BadRequestError('smart playlists have no removable items');
    const before = playlist.items.length;
    playlist.items = playlist.items.filter((i) => i.playlistItemID !== playlistItemID);
    if (playlist.items.length === before) return false;
    playlist.updatedAt = this.#now();
    return true;
  }

  delete(ratingKey: string): boolean {
    const before = this.#playlists.length;
    this.#playlists = this.#playlists.filter((p) => p.ratingKey !== ratingKey);
    return this.#playlists.length < before;
  }

  sectionUri(section: SimSection, query: string): string {
    return `server://${this.#catalog.server.machineIdentifier}/${LIBRARY_IDENTIFIER}/library/sections/${section.key}/all?${query}`;
  }

  #now(): number {
    return Math.floor(this.#clock() / 1000);
  }

  #insert(title: string, type: PlaylistType, items: SimItem[], at: number): SimPlaylist {
    const playlist = this.#base(title, type, false, at);
    playlist.items = items.map((item) => ({ playlistItemID: this.#nextItemId++, ratingKey: item.ratingKey }));
    this.#playlists.push(playlist);
    return playlist;
  }

  #insertSmart(title: string, type: PlaylistType, content: string, at: number): SimPlaylist {
    const playlist = { ...this.#base(title, type, true, at), content };
    this.#playlists.push(playlist);
    return playlist;
  }

  #base(title: string, playlistType: PlaylistType, smart: boolean, at: number): SimPlaylist {
    const ratingKey = String(this.#nextKey++);
    return {
      ratingKey,
      guid: `com.plexapp.agents.none://${this.#catalog.server.machineIdentifier.slice(0, 8)}-${ratingKey}`,
      title,
      summary: '',
      playlistType,
      smart,
      items: [],
      addedAt: at,
      updatedAt: at,
    };
  }

  /** The path of a `server://<machineId>/com.plexapp.plugins.library/<path>` URI of this server; else 400. */
  #pathOf(uri: string): URL {
    const prefix = `server://${this.#catalog.server.machineIdentifier}/${LIBRARY_IDENTIFIER}/`;
    if (!uri.startsWith(prefix)) throw new BadRequestError(`uri must start with ${prefix}`);
    return new URL(`/${uri.slice(prefix.length)}`, 'http://pms.invalid');
  }

  /** `…/library/metadata/<k1,k2,…>`: the items (containers expanded to leaves) of the playlist's type. */
  #itemsOfUri(uri: string, type: PlaylistType): SimItem[] {
    const url = this.#pathOf(uri);
    const match = /^\/library\/metadata\/([\d,]+)$/.exec(url.pathname);
    if (!match?.[1]) throw new BadRequestError('uri must name /library/metadata/<ids>');
    const items = match[1]
      .split(',')
      .filter((k) => k !== '')
      .map((key) => {
        const item = this.#catalog.byRatingKey.get(key);
        if (!item) throw new BadRequestError(`no item ${key}`);
        return item;
      });
    const leaves = items.flatMap((item) =>
      CONTAINER_TYPES.has(item.type) ? leavesOf(this.#catalog, item) : [item],
    );
    if (leaves.length === 0 || leaves.some((item) => playlistTypeOf(item) !== type))
      throw new BadRequestError(`a ${type} playlist takes only ${type} items`);
    return leaves;
  }

  #evaluate(uri: string): SimItem[] {
    const url = this.#pathOf(uri);
    const match = /^\/library\/sections\/(\d+)\/all$/.exec(url.pathname);
    const section = match ? this.#catalog.sections.find((s) => s.key === match[1]) : undefined;
    if (!section) throw new BadRequestError('a smart playlist uri must query /library/sections/<id>/all');
    return sectionItems(this.#catalog, section, url.searchParams);
  }
}
