import type { z } from 'zod';
import type { Library } from '../domain/library.ts';
import type { MediaDetails, MediaItem } from '../domain/media.ts';
import type { OnDeckItem } from '../domain/on-deck.ts';
import type { PlaybackSession } from '../domain/session.ts';
import { PlexBadResponseError, PlexNotFoundError } from './errors.ts';
import { toLibrary, toMediaDetails, toMediaItem, toOnDeckItem, toPlaybackSession } from './mappers.ts';
import type { PlexBytes, PlexHttp } from './plex-http.ts';
import {
  HubsContainer,
  IdentityContainer,
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

export interface SearchOptions {
  /** Results per hub; Plex's `/hubs/search` caps each hub, not the total. */
  limitPerHub: number;
  sectionId?: string | undefined;
}

/** What the tools need from Plex, in our domain types. One implementation: `HttpPlexClient`. */
export interface PlexClient {
  getIdentity(): Promise<PlexIdentity>;
  getServerInfo(): Promise<PlexServerInfo>;
  listLibraries(): Promise<Library[]>;
  search(query: string, options: SearchOptions): Promise<MediaItem[]>;
  getMediaDetails(
    id: string,
    options: { includeCast: boolean; includeChapters: boolean },
  ): Promise<MediaDetails>;
  getSessions(): Promise<PlaybackSession[]>;
  sendPlaybackCommand(
    playerId: string,
    command: PlaybackCommand,
    options: { offsetMs?: number | undefined; mediaKind: 'video' | 'music' | 'photo' },
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
  close(): Promise<void>;
}

/** Plex Media Server over HTTP; endpoint choices follow REFERENCE.md §3. */
export class HttpPlexClient implements PlexClient {
  readonly #http: PlexHttp;
  /** Plex players expect an increasing commandID per controller (REFERENCE.md §3.8). */
  #commandId = 0;

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
    // Item hubs carry Metadata[]; tag hubs (actor, genre...) carry Directory[] and are skipped (REFERENCE.md §9.4).
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
    const endpoint = '/status/sessions';
    const body = await this.#http.get({ path: endpoint, endpoint, idempotent: true });
    return parse(MetadataContainer, body, endpoint).MediaContainer.Metadata.map(toPlaybackSession);
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
    const c = parse(MetadataContainer, body, endpoint).MediaContainer;
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
