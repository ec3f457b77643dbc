import type { z } from 'zod';
import type { WatchHistoryEntry } from '../domain/history.ts';
import type { Library } from '../domain/library.ts';
import type { ChildItem, MediaDetails, MediaItem } from '../domain/media.ts';
import type { OnDeckItem } from '../domain/on-deck.ts';
import type { ControllablePlayer } from '../domain/player.ts';
import type { Playlist, PlaylistEntry, PlaylistType } from '../domain/playlist.ts';
import type { PlaybackSession } from '../domain/session.ts';
import { PlexBadResponseError, PlexNotFoundError } from './errors.ts';
import {
  toChildItem,
  toControllablePlayer,
  toHistoryEntry,
  toLibrary,
  toMediaDetails,
  toMediaItem,
  toOnDeckItem,
  toPlaybackSession,
  toPlaylist,
} from './mappers.ts';
import type { PlexBytes, PlexHttp } from './plex-http.ts';
import {
  AccountsContainer,
  ClientsContainer,
  DevicesContainer,
  FilterDirectoryContainer,
  HubsContainer,
  IdentityContainer,
  MediaItemContainer,
  MetadataContainer,
  SectionsContainer,
  ServerInfoContainer,
} from './response-schemas.ts';

export interface PlexIdentity {
  machineIdentifier: string;
  version: string | undefined;
}

export interface PlexServerInfo {
  name: string | undefined;
  version: string | undefined;
  platform: string | undefined;
  platformVersion: string | undefined;
  machineIdentifier: string | undefined;
  owner: string | undefined;
}

export type PlaybackCommand = 'play' | 'pause' | 'stop' | 'seekTo';
export type MediaKind = 'video' | 'music' | 'photo';

/** Plex's library provider; scrobble, rate and playlist URIs name it (REFERENCE.md §3.10-3.11). */
export const LIBRARY_PROVIDER = 'com.plexapp.plugins.library';

export interface HistoryQuery {
  accountId?: string | undefined;
  sectionId?: string | undefined;
  /** Unix seconds: entries viewed at or after. */
  since?: number | undefined;
  limit: number;
}

/** A section query (`/library/sections/{id}/all` filters), also the rule of a smart playlist. */
export interface SectionFilter {
  /** Plex type number (REFERENCE.md §2); the section's primary type when omitted. */
  type?: number | undefined;
  unwatched?: boolean | undefined;
  genreId?: string | undefined;
  yearFrom?: number | undefined;
  yearTo?: number | undefined;
}

export interface BrowseQuery extends SectionFilter {
  /** Plex sort, e.g. `addedAt:desc`. */
  sort?: string | undefined;
  limit: number;
}

/** The media-query parameters of a filter; `year>=1990` travels as the key `year>` and the value `=1990`. */
function filterParams(filter: SectionFilter): Record<string, string | number | undefined> {
  return {
    type: filter.type,
    unwatched: filter.unwatched ? 1 : undefined,
    genre: filter.genreId,
    'year>': filter.yearFrom === undefined ? undefined : `=${filter.yearFrom}`,
    'year<': filter.yearTo === undefined ? undefined : `=${filter.yearTo}`,
  };
}

function queryString(params: Record<string, string | number | undefined>): string {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) out.set(key, String(value));
  return out.toString();
}

export interface Account {
  id: string;
  name: string;
}

export interface SearchOptions {
  /** Results per hub; Plex's `/hubs/search` caps each hub, not the total. */
  limitPerHub: number;
  sectionId?: string | undefined;
}

/** What the tools need from Plex, in our domain types. One implementation: `HttpPlexClient`. */
export interface PlexClient {
  getIdentity(): Promise<PlexIdentity>;
  /** The server's machineIdentifier, asked of Plex once (a failure is retried on the next call). */
  machineIdentifier(): Promise<string>;
  getServerInfo(): Promise<PlexServerInfo>;
  listLibraries(): Promise<Library[]>;
  search(query: string, options: SearchOptions): Promise<MediaItem[]>;
  getMediaDetails(
    id: string,
    options: { includeCast: boolean; includeChapters: boolean },
  ): Promise<MediaDetails>;
  getSessions(): Promise<PlaybackSession[]>;
  /** The sessions with Plex's sessionKey, the key the event stream names them by. */
  getKeyedSessions(): Promise<KeyedSession[]>;
  /** Opens Plex's event stream (`/:/eventsource/notifications`, SSE) with the configured token. */
  openEventStream(filters: readonly string[], signal: AbortSignal): Promise<NodeJS.ReadableStream>;
  /** Starts a scan of a library section (GET /library/sections/{id}/refresh). */
  refreshSection(sectionId: string): Promise<void>;
  sendPlaybackCommand(
    playerId: string,
    command: PlaybackCommand,
    options: { offsetMs?: number | undefined; mediaKind: MediaKind },
  ): Promise<void>;
  getRecentlyAdded(options: { sectionId?: string | undefined; limit: number }): Promise<MediaItem[]>;
  getOnDeck(options: { sectionId?: string | undefined; limit: number }): Promise<OnDeckItem[]>;
  /**
   * A library image (a `thumb` server path) resized by Plex's photo transcoder to fit width x height, as JPEG.
   * Undefined when the answer is larger than `maxBytes`.
   */
  getPhotoThumbnail(
    imagePath: string,
    options: { width: number; height: number; maxBytes: number },
  ): Promise<PlexBytes | undefined>;
  listAccounts(): Promise<Account[]>;
  getHistory(query: HistoryQuery): Promise<{ entries: Omit<WatchHistoryEntry, 'ago'>[]; total: number }>;
  browseSection(sectionId: string, query: BrowseQuery): Promise<{ items: MediaItem[]; total: number }>;
  listGenres(sectionId: string): Promise<{ id: string; name: string }[]>;
  getChildren(id: string): Promise<ChildItem[]>;
  markWatched(id: string): Promise<void>;
  markUnwatched(id: string): Promise<void>;
  /** 0-10; -1 clears the rating. */
  rate(id: string, rating: number): Promise<void>;
  listPlaylists(type?: PlaylistType): Promise<Playlist[]>;
  getPlaylist(id: string): Promise<Playlist>;
  getPlaylistItems(id: string, limit: number): Promise<{ entries: PlaylistEntry[]; total: number }>;
  /** `source` is a list of ratingKeys, or a section query for a smart playlist. */
  createPlaylist(options: {
    title: string;
    type: PlaylistType;
    source: { mediaIds: string[] } | { sectionId: string; filter: SectionFilter };
  }): Promise<Playlist>;
  addToPlaylist(id: string, mediaIds: string[]): Promise<Playlist>;
  removePlaylistEntry(id: string, entryId: string): Promise<void>;
  deletePlaylist(id: string): Promise<void>;
  listPlayers(): Promise<ControllablePlayer[]>;
  playMedia(
    playerId: string,
    options: { mediaId: string; offsetMs: number; mediaKind: MediaKind },
  ): Promise<void>;
  close(): Promise<void>;
}

/** Plex Media Server over HTTP: one method per endpoint, JSON answers (`Accept: application/json`). */
export interface KeyedSession {
  sessionKey: string;
  session: PlaybackSession;
}

export class HttpPlexClient implements PlexClient {
  readonly #http: PlexHttp;
  /** Plex players expect a commandID that increases by one per command for each controller (starting at 0). */
  #commandId = 0;
  #machineId: Promise<string> | undefined;

  constructor(http: PlexHttp) {
    this.#http = http;
  }

  async getIdentity(): Promise<PlexIdentity> {
    const body = await this.#http.get({ path: '/identity', endpoint: '/identity', idempotent: true });
    const c = parse(IdentityContainer, body, '/identity').MediaContainer;
    if (!c.machineIdentifier)
      throw new PlexBadResponseError('Plex /identity has no machineIdentifier', { endpoint: '/identity' });
    return { machineIdentifier: c.machineIdentifier, version: c.version };
  }

  async getServerInfo(): Promise<PlexServerInfo> {
    const body = await this.#http.get({ path: '/', endpoint: '/', idempotent: true });
    const c = parse(ServerInfoContainer, body, '/').MediaContainer;
    return {
      name: c.friendlyName,
      version: c.version,
      platform: c.platform,
      platformVersion: c.platformVersion,
      machineIdentifier: c.machineIdentifier,
      owner: c.myPlexUsername,
    };
  }

  async listLibraries(): Promise<Library[]> {
    const body = await this.#http.get({
      path: '/library/sections',
      endpoint: '/library/sections',
      idempotent: true,
    });
    return parse(SectionsContainer, body, '/library/sections').MediaContainer.Directory.map(toLibrary);
  }

  async search(query: string, options: SearchOptions): Promise<MediaItem[]> {
    const endpoint = '/hubs/search';
    const body = await this.#http.get({
      path: endpoint,
      endpoint,
      idempotent: true,
      query: { query, limit: options.limitPerHub, sectionId: options.sectionId, includeCollections: 0 },
    });
    const hubs = parse(HubsContainer, body, endpoint).MediaContainer.Hub;
    // Item hubs carry Metadata[]; tag hubs (actor, genre...) carry Directory[] and are skipped.
    return hubs.flatMap((hub) => hub.Metadata.map((m) => toMediaItem({ ...m, type: m.type ?? hub.type })));
  }

  async getMediaDetails(
    id: string,
    options: { includeCast: boolean; includeChapters: boolean },
  ): Promise<MediaDetails> {
    const endpoint = '/library/metadata/:id';
    const body = await this.#http.get({
      path: `/library/metadata/${encodeURIComponent(id)}`,
      endpoint,
      idempotent: true,
      query: { includeChapters: options.includeChapters ? 1 : undefined },
    });
    const c = parse(MetadataContainer, body, endpoint).MediaContainer;
    const item = c.Metadata.find((m) => m.ratingKey === id) ?? c.Metadata[0];
    if (!item) throw new PlexNotFoundError(`Plex has no item with id ${id}`, { status: 404, endpoint });
    return toMediaDetails(item, options, {
      librarySectionID: c.librarySectionID,
      librarySectionTitle: c.librarySectionTitle,
    });
  }

  async getSessions(): Promise<PlaybackSession[]> {
    return (await this.getKeyedSessions()).map((k) => k.session);
  }

  async getKeyedSessions(): Promise<KeyedSession[]> {
    const endpoint = '/status/sessions';
    const body = await this.#http.get({ path: endpoint, endpoint, idempotent: true });
    return parse(MetadataContainer, body, endpoint).MediaContainer.Metadata.map((m) => {
      const session = toPlaybackSession(m);
      return { sessionKey: m.sessionKey ?? session.session_id, session };
    });
  }

  openEventStream(filters: readonly string[], signal: AbortSignal): Promise<NodeJS.ReadableStream> {
    return this.#http.openStream('/:/eventsource/notifications', { filters: filters.join(',') }, signal);
  }

  async refreshSection(sectionId: string): Promise<void> {
    const endpoint = '/library/sections/:id/refresh';
    await this.#http.get({
      path: `/library/sections/${encodeURIComponent(sectionId)}/refresh`,
      endpoint,
      idempotent: false,
      expectBody: false,
    });
  }

  async sendPlaybackCommand(
    playerId: string,
    command: PlaybackCommand,
    options: { offsetMs?: number | undefined; mediaKind: 'video' | 'music' | 'photo' },
  ): Promise<void> {
    this.#commandId += 1;
    // Proxied through the server with X-Plex-Target-Client-Identifier, so the player needs no route from us.
    await this.#http.get({
      path: `/player/playback/${command}`,
      endpoint: `/player/playback/${command}`,
      idempotent: false,
      expectBody: false,
      headers: { 'x-plex-target-client-identifier': playerId },
      query: { type: options.mediaKind, offset: options.offsetMs, commandID: this.#commandId },
    });
  }

  async getRecentlyAdded(options: { sectionId?: string | undefined; limit: number }): Promise<MediaItem[]> {
    const endpoint = options.sectionId ? '/library/sections/:id/recentlyAdded' : '/library/recentlyAdded';
    const path = options.sectionId
      ? `/library/sections/${encodeURIComponent(options.sectionId)}/recentlyAdded`
      : '/library/recentlyAdded';
    const body = await this.#http.get({
      path,
      endpoint,
      idempotent: true,
      query: { 'X-Plex-Container-Start': 0, 'X-Plex-Container-Size': options.limit },
    });
    const c = parse(MediaItemContainer, body, endpoint).MediaContainer;
    const context = { librarySectionID: c.librarySectionID, librarySectionTitle: c.librarySectionTitle };
    return c.Metadata.slice(0, options.limit).map((m) => toMediaItem(m, context));
  }

  async getOnDeck(options: { sectionId?: string | undefined; limit: number }): Promise<OnDeckItem[]> {
    const endpoint = options.sectionId ? '/library/sections/:id/onDeck' : '/library/onDeck';
    const path = options.sectionId
      ? `/library/sections/${encodeURIComponent(options.sectionId)}/onDeck`
      : '/library/onDeck';
    const body = await this.#http.get({
      path,
      endpoint,
      idempotent: true,
      query: { 'X-Plex-Container-Start': 0, 'X-Plex-Container-Size': options.limit },
    });
    return parse(MetadataContainer, body, endpoint)
      .MediaContainer.Metadata.slice(0, options.limit)
      .map(toOnDeckItem);
  }

  async getPhotoThumbnail(
    imagePath: string,
    options: { width: number; height: number; maxBytes: number },
  ): Promise<PlexBytes | undefined> {
    // The transcoder reads the source with this request's own token (sent as a header, never in `url`).
    return this.#http.getBytes(
      {
        path: '/photo/:/transcode',
        endpoint: '/photo/:/transcode',
        idempotent: true,
        query: {
          url: imagePath,
          width: options.width,
          height: options.height,
          minSize: 0,
          upscale: 0,
          format: 'jpg',
        },
      },
      options.maxBytes,
    );
  }

  async listAccounts(): Promise<Account[]> {
    const endpoint = '/accounts';
    const body = await this.#http.get({ path: endpoint, endpoint, idempotent: true });
    return parse(AccountsContainer, body, endpoint).MediaContainer.Account.flatMap((a) =>
      a.id === undefined ? [] : [{ id: a.id, name: a.name || `account ${a.id}` }],
    );
  }

  async getHistory(
    query: HistoryQuery,
  ): Promise<{ entries: Omit<WatchHistoryEntry, 'ago'>[]; total: number }> {
    const endpoint = '/status/sessions/history/all';
    const [body, accounts, devices] = await Promise.all([
      this.#http.get({
        path: endpoint,
        endpoint,
        idempotent: true,
        query: {
          sort: 'viewedAt:desc',
          accountID: query.accountId,
          librarySectionID: query.sectionId,
          // `viewedAt>=N` is sent as the key `viewedAt>` with the value `=N` (REFERENCE.md §3.9).
          'viewedAt>': query.since === undefined ? undefined : `=${query.since}`,
          'X-Plex-Container-Start': 0,
          'X-Plex-Container-Size': query.limit,
        },
      }),
      this.listAccounts(),
      this.#devices(),
    ]);
    const c = parse(MetadataContainer, body, endpoint).MediaContainer;
    const names = { accounts: new Map(accounts.map((a) => [a.id, a.name])), devices };
    const entries = c.Metadata.slice(0, query.limit).map((m) => toHistoryEntry(m, names));
    return { entries, total: c.totalSize ?? entries.length };
  }

  /** Device ids (history's deviceID) → names. Optional: an older server without /devices still lists history. */
  async #devices(): Promise<Map<string, string>> {
    const endpoint = '/devices';
    try {
      const body = await this.#http.get({ path: endpoint, endpoint, idempotent: true });
      const list = parse(DevicesContainer, body, endpoint).MediaContainer.Device;
      return new Map(list.flatMap((d) => (d.id && d.name ? [[d.id, d.name] as const] : [])));
    } catch (error) {
      if (error instanceof PlexNotFoundError || error instanceof PlexBadResponseError) return new Map();
      throw error;
    }
  }

  async browseSection(sectionId: string, query: BrowseQuery): Promise<{ items: MediaItem[]; total: number }> {
    const endpoint = '/library/sections/:id/all';
    const body = await this.#http.get({
      path: `/library/sections/${encodeURIComponent(sectionId)}/all`,
      endpoint,
      idempotent: true,
      query: {
        ...filterParams(query),
        sort: query.sort,
        'X-Plex-Container-Start': 0,
        'X-Plex-Container-Size': query.limit,
      },
    });
    const c = parse(MediaItemContainer, body, endpoint).MediaContainer;
    const context = { librarySectionID: c.librarySectionID, librarySectionTitle: c.librarySectionTitle };
    const items = c.Metadata.slice(0, query.limit).map((m) => toMediaItem(m, context));
    return { items, total: c.totalSize ?? items.length };
  }

  async listGenres(sectionId: string): Promise<{ id: string; name: string }[]> {
    const endpoint = '/library/sections/:id/genre';
    const body = await this.#http.get({
      path: `/library/sections/${encodeURIComponent(sectionId)}/genre`,
      endpoint,
      idempotent: true,
    });
    return parse(FilterDirectoryContainer, body, endpoint).MediaContainer.Directory.flatMap((d) =>
      d.key && d.title ? [{ id: d.key, name: d.title }] : [],
    );
  }

  async getChildren(id: string): Promise<ChildItem[]> {
    const endpoint = '/library/metadata/:id/children';
    const body = await this.#http.get({
      path: `/library/metadata/${encodeURIComponent(id)}/children`,
      endpoint,
      idempotent: true,
    });
    const c = parse(MetadataContainer, body, endpoint).MediaContainer;
    const context = { librarySectionID: c.librarySectionID, librarySectionTitle: c.librarySectionTitle };
    return c.Metadata.map((m) => toChildItem(m, context));
  }

  async markWatched(id: string): Promise<void> {
    await this.#libraryAction('/:/scrobble', { key: id });
  }

  async markUnwatched(id: string): Promise<void> {
    await this.#libraryAction('/:/unscrobble', { key: id });
  }

  async rate(id: string, rating: number): Promise<void> {
    await this.#libraryAction('/:/rate', { key: id, rating });
  }

  /** PUT with the library provider; safe to repeat (the same state results), so it may be retried. */
  async #libraryAction(endpoint: string, query: Record<string, string | number>): Promise<void> {
    await this.#http.get({
      method: 'PUT',
      path: endpoint,
      endpoint,
      idempotent: true,
      expectBody: false,
      query: { identifier: LIBRARY_PROVIDER, ...query },
    });
  }

  async listPlaylists(type?: PlaylistType): Promise<Playlist[]> {
    const endpoint = '/playlists';
    const body = await this.#http.get({
      path: endpoint,
      endpoint,
      idempotent: true,
      query: { playlistType: type, type: 15 },
    });
    return parse(MetadataContainer, body, endpoint).MediaContainer.Metadata.map(toPlaylist);
  }

  async getPlaylist(id: string): Promise<Playlist> {
    const endpoint = '/playlists/:id';
    const body = await this.#http.get({
      path: `/playlists/${encodeURIComponent(id)}`,
      endpoint,
      idempotent: true,
    });
    const found = parse(MetadataContainer, body, endpoint).MediaContainer.Metadata[0];
    if (!found) throw new PlexNotFoundError(`Plex has no playlist ${id}`, { status: 404, endpoint });
    return toPlaylist(found);
  }

  async getPlaylistItems(id: string, limit: number): Promise<{ entries: PlaylistEntry[]; total: number }> {
    const endpoint = '/playlists/:id/items';
    const body = await this.#http.get({
      path: `/playlists/${encodeURIComponent(id)}/items`,
      endpoint,
      idempotent: true,
      query: { 'X-Plex-Container-Start': 0, 'X-Plex-Container-Size': limit },
    });
    const c = parse(MetadataContainer, body, endpoint).MediaContainer;
    const entries = c.Metadata.slice(0, limit).map((m) => ({
      entryId: m.playlistItemID,
      item: toMediaItem(m),
    }));
    return { entries, total: c.totalSize ?? entries.length };
  }

  async createPlaylist(options: {
    title: string;
    type: PlaylistType;
    source: { mediaIds: string[] } | { sectionId: string; filter: SectionFilter };
  }): Promise<Playlist> {
    const endpoint = '/playlists';
    const smart = 'sectionId' in options.source;
    const uri =
      'sectionId' in options.source
        ? await this.#libraryUri(
            `library/sections/${options.source.sectionId}/all?${queryString(filterParams(options.source.filter))}`,
          )
        : await this.#libraryUri(`library/metadata/${options.source.mediaIds.join(',')}`);
    // Not idempotent: a retried POST could create the playlist twice.
    const body = await this.#http.get({
      method: 'POST',
      path: endpoint,
      endpoint,
      idempotent: false,
      query: { type: options.type, title: options.title, smart: smart ? 1 : 0, uri },
    });
    const created = parse(MetadataContainer, body, endpoint).MediaContainer.Metadata[0];
    if (!created) throw new PlexBadResponseError('Plex created no playlist', { endpoint });
    return toPlaylist(created);
  }

  async addToPlaylist(id: string, mediaIds: string[]): Promise<Playlist> {
    const endpoint = '/playlists/:id/items';
    const uri = await this.#libraryUri(`library/metadata/${mediaIds.join(',')}`);
    const body = await this.#http.get({
      method: 'PUT',
      path: `/playlists/${encodeURIComponent(id)}/items`,
      endpoint,
      idempotent: false,
      query: { uri },
    });
    const playlist = parse(MetadataContainer, body, endpoint).MediaContainer.Metadata[0];
    return playlist ? toPlaylist(playlist) : this.getPlaylist(id);
  }

  async removePlaylistEntry(id: string, entryId: string): Promise<void> {
    const endpoint = '/playlists/:id/items/:itemId';
    await this.#http.get({
      method: 'DELETE',
      path: `/playlists/${encodeURIComponent(id)}/items/${encodeURIComponent(entryId)}`,
      endpoint,
      idempotent: false,
      expectBody: false,
    });
  }

  async deletePlaylist(id: string): Promise<void> {
    const endpoint = '/playlists/:id';
    await this.#http.get({
      method: 'DELETE',
      path: `/playlists/${encodeURIComponent(id)}`,
      endpoint,
      idempotent: false,
      expectBody: false,
    });
  }

  async listPlayers(): Promise<ControllablePlayer[]> {
    const endpoint = '/clients';
    const body = await this.#http.get({ path: endpoint, endpoint, idempotent: true });
    return parse(ClientsContainer, body, endpoint).MediaContainer.Server.flatMap((c) => {
      const player = toControllablePlayer(c);
      return player ? [player] : [];
    });
  }

  async playMedia(
    playerId: string,
    options: { mediaId: string; offsetMs: number; mediaKind: MediaKind },
  ): Promise<void> {
    const machineIdentifier = await this.machineIdentifier();
    this.#commandId += 1;
    await this.#http.get({
      path: '/player/playback/playMedia',
      endpoint: '/player/playback/playMedia',
      idempotent: false,
      expectBody: false,
      headers: { 'x-plex-target-client-identifier': playerId },
      query: {
        providerIdentifier: LIBRARY_PROVIDER,
        machineIdentifier,
        key: `/library/metadata/${options.mediaId}`,
        offset: options.offsetMs,
        type: options.mediaKind,
        commandID: this.#commandId,
      },
    });
  }

  /** `server://<machineId>/com.plexapp.plugins.library/<path>`, the URI form playlists take. */
  async #libraryUri(path: string): Promise<string> {
    return `server://${await this.machineIdentifier()}/${LIBRARY_PROVIDER}/${path}`;
  }

  /** The server's machineIdentifier, asked once: it names the server in URIs and playMedia. */
  async machineIdentifier(): Promise<string> {
    this.#machineId ??= this.getIdentity().then(
      (identity) => identity.machineIdentifier,
      (error: unknown) => {
        this.#machineId = undefined;
        throw error;
      },
    );
    return this.#machineId;
  }

  async close(): Promise<void> {
    await this.#http.close();
  }
}

function parse<T extends z.ZodType>(schema: T, body: unknown, endpoint: string): z.output<T> {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new PlexBadResponseError(`Plex answered ${endpoint} with an unexpected JSON shape`, { endpoint });
  }
  return result.data;
}
