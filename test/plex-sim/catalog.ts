// The simulator's library: a deterministic, realistic Plex catalog generated from a seeded PRNG.
// Items are stored in their *full* (details-call) Plex JSON shape, with Plex's own field names, so tests can
// compute expectations straight from it (`catalog.movies[0].title`) and the HTTP layer only has to trim them
// down for list endpoints (see render.ts).

import { createPrng, type Prng } from './prng.ts';
import {
  ADJECTIVES,
  CHARACTER_NAMES,
  CONTENT_RATINGS,
  COUNTRIES,
  FIRST_NAMES,
  LAST_NAMES,
  MOVIE_GENRES,
  MUSIC_GENRES,
  NETWORKS,
  NOUNS,
  PLACES,
  STUDIOS,
  TAGLINES,
  TV_CONTENT_RATINGS,
} from './words.ts';

export const DEFAULT_SEED = 20260101;
export const DEFAULT_ITEMS = 200;

/** Plex metadata type numbers (REFERENCE §2; NOT the spec's wrong MediaType enum). */
export const PLEX_TYPE_NUMBERS = {
  movie: 1,
  show: 2,
  season: 3,
  episode: 4,
  artist: 8,
  album: 9,
  track: 10,
  photo: 13,
  photoalbum: 14,
} as const;

export type SimItemType = keyof typeof PLEX_TYPE_NUMBERS;

/** A tag (Genre, Director, Writer, Role, Country...). Roles also carry role/thumb/tagKey. */
export interface SimTag {
  id: number;
  tag: string;
  filter: string;
  tagKey?: string;
  role?: string;
  thumb?: string;
}

export interface SimStream {
  id: number;
  key?: string;
  streamType: 1 | 2 | 3;
  codec: string;
  index: number;
  displayTitle: string;
  extendedDisplayTitle: string;
  default?: boolean;
  selected?: boolean;
  language?: string;
  languageCode?: string;
  languageTag?: string;
  bitrate?: number;
  channels?: number;
  audioChannelLayout?: string;
  samplingRate?: number;
  height?: number;
  width?: number;
  frameRate?: number;
  profile?: string;
}

export interface SimPart {
  id: number;
  key: string;
  file: string;
  size: number;
  duration?: number;
  container: string;
  videoProfile?: string;
  audioProfile?: string;
  Stream: SimStream[];
}

export interface SimMedia {
  id: number;
  duration?: number;
  bitrate?: number;
  width?: number;
  height?: number;
  aspectRatio?: number;
  audioChannels?: number;
  audioCodec?: string;
  videoCodec?: string;
  videoResolution?: string;
  container: string;
  videoFrameRate?: string;
  videoProfile?: string;
  audioProfile?: string;
  Part: SimPart[];
}

export interface SimChapter {
  id: number;
  filter: string;
  index: number;
  tag: string;
  startTimeOffset: number;
  endTimeOffset: number;
  thumb: string;
}

export interface SimMarker {
  id: number;
  type: 'intro' | 'credits';
  startTimeOffset: number;
  endTimeOffset: number;
  final?: boolean;
}

/**
 * One library item in its full Plex JSON shape. Which optional fields are present depends on `type`
 * exactly as in Plex (e.g. grandparent* only on episodes and tracks, leafCount only on containers).
 */
export interface SimItem {
  ratingKey: string;
  key: string;
  guid: string;
  type: SimItemType;
  title: string;
  titleSort?: string;
  originalTitle?: string;
  librarySectionID: number;
  librarySectionTitle: string;
  librarySectionKey: string;
  summary: string;
  tagline?: string;
  studio?: string;
  contentRating?: string;
  rating?: number;
  audienceRating?: number;
  audienceRatingImage?: string;
  year?: number;
  index?: number;
  parentIndex?: number;
  thumb: string;
  art?: string;
  duration?: number;
  originallyAvailableAt?: string;
  addedAt: number;
  updatedAt: number;
  viewCount?: number;
  viewOffset?: number;
  lastViewedAt?: number;
  /** The requesting account's rating, 0-10 (/:/rate). */
  userRating?: number;
  lastRatedAt?: number;
  chapterSource?: string;
  // hierarchy
  parentRatingKey?: string;
  parentKey?: string;
  parentGuid?: string;
  parentTitle?: string;
  parentThumb?: string;
  parentYear?: number;
  grandparentRatingKey?: string;
  grandparentKey?: string;
  grandparentGuid?: string;
  grandparentTitle?: string;
  grandparentThumb?: string;
  grandparentArt?: string;
  leafCount?: number;
  viewedLeafCount?: number;
  childCount?: number;
  // tags and media
  Guid?: { id: string }[];
  Genre?: SimTag[];
  Country?: SimTag[];
  Director?: SimTag[];
  Writer?: SimTag[];
  Producer?: SimTag[];
  Role?: SimTag[];
  Media?: SimMedia[];
  Chapter?: SimChapter[];
  Marker?: SimMarker[];
}

export interface SimSection {
  key: string;
  type: 'movie' | 'show' | 'artist' | 'photo';
  title: string;
  agent: string;
  scanner: string;
  language: string;
  uuid: string;
  art: string;
  thumb: string;
  composite: string;
  refreshing: boolean;
  hidden: boolean;
  filters: boolean;
  allowSync: boolean;
  content: boolean;
  directory: boolean;
  contentChangedAt: number;
  createdAt: number;
  updatedAt: number;
  scannedAt: number;
  Location: { id: number; path: string }[];
}

export interface SimAccount {
  id: number;
  key: string;
  name: string;
  thumb: string;
  defaultAudioLanguage: string;
  autoSelectAudio: boolean;
  defaultSubtitleLanguage: string;
  subtitleMode: number;
}

/** A Plex player (client app). `/clients` lists these; player commands target their machineIdentifier. */
export interface SimPlayer {
  name: string;
  host: string;
  address: string;
  port: number;
  machineIdentifier: string;
  version: string;
  protocol: 'plex';
  product: string;
  platform: string;
  platformVersion: string;
  device: string;
  model: string;
  deviceClass: string;
  protocolVersion: number;
  protocolCapabilities: string;
}

export interface SimServerInfo {
  friendlyName: string;
  machineIdentifier: string;
  version: string;
  platform: string;
  platformVersion: string;
  myPlexUsername: string;
  updatedAt: number;
}

export interface SimCatalog {
  seed: number;
  /** The `items` option: movies + episodes + tracks + photos add up to it. */
  items: number;
  /** "Now" (unix seconds) every timestamp in the catalog is relative to (the simulator's start time). */
  now: number;
  server: SimServerInfo;
  sections: SimSection[];
  movies: SimItem[];
  shows: SimItem[];
  seasons: SimItem[];
  episodes: SimItem[];
  artists: SimItem[];
  albums: SimItem[];
  tracks: SimItem[];
  photoAlbums: SimItem[];
  photos: SimItem[];
  accounts: SimAccount[];
  players: SimPlayer[];
  byRatingKey: Map<string, SimItem>;
  /** Direct children in Plex order (show→seasons, season→episodes, artist→albums, album→tracks, photo album→photos). */
  childrenOf: Map<string, SimItem[]>;
}

export interface CatalogOptions {
  items?: number;
  seed?: number;
  /**
   * "Now" in Unix seconds: every timestamp is an offset from it (the simulator passes its start time, so "this
   * week" has content). The same seed, items and now give a deep-equal catalog; the offsets depend on the seed only.
   */
  now?: number;
}

const DAY = 86_400;
/** 2026-01-01T00:00:00Z: the default "now" when none is given (unit tests, the e2e catalog copy). */
export const DEFAULT_CATALOG_NOW = 1_767_225_600;
/** The library's oldest additions are this long before "now" (7 years, as 2019-01-01 was to 2026-01-01). */
const LIBRARY_AGE = 1_767_225_600 - 1_546_300_800;

const SECTION_DEFS = [
  {
    key: '1',
    type: 'movie',
    title: 'Movies',
    agent: 'tv.plex.agents.movie',
    scanner: 'Plex Movie',
    path: '/data/Movies',
  },
  {
    key: '2',
    type: 'show',
    title: 'TV Shows',
    agent: 'tv.plex.agents.series',
    scanner: 'Plex TV Series',
    path: '/data/TV Shows',
  },
  {
    key: '3',
    type: 'artist',
    title: 'Music',
    agent: 'tv.plex.agents.music',
    scanner: 'Plex Music',
    path: '/data/Music',
  },
  {
    key: '4',
    type: 'photo',
    title: 'Photos',
    agent: 'com.plexapp.agents.none',
    scanner: 'Plex Photo Scanner',
    path: '/data/Photos',
  },
] as const;

/** Generates the catalog. Same options → deep-equal result. */
export function generateCatalog(options: CatalogOptions = {}): SimCatalog {
  const seed = options.seed ?? DEFAULT_SEED;
  const items = Math.max(8, Math.floor(options.items ?? DEFAULT_ITEMS));
  const now = Math.floor(options.now ?? DEFAULT_CATALOG_NOW);
  return new CatalogBuilder(createPrng(seed), seed, items, now).build();
}

/** Splits `total` into `parts` positive integers with some random variation (sum is exact). */
export function splitCount(rng: Prng, total: number, parts: number): number[] {
  if (parts <= 0) return [];
  if (total < parts) throw new Error(`cannot split ${total} into ${parts} positive parts`);
  const weights = Array.from({ length: parts }, () => 0.5 + rng.next());
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const spare = total - parts;
  const counts = weights.map((w) => 1 + Math.floor((spare * w) / weightSum));
  let remainder = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; remainder > 0; i = (i + 1) % parts, remainder--) counts[i] = (counts[i] ?? 0) + 1;
  return counts;
}

function sortTitle(title: string): string {
  return title.replace(/^(The|A|An) /, '');
}

function isoDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}

class CatalogBuilder {
  private readonly rng: Prng;
  private readonly items: number;
  private nextRatingKey = 1001;
  private nextMediaId = 2001;
  private nextPartId = 4001;
  private nextStreamId = 9001;
  private nextSubId = 50_001; // chapters and markers
  private readonly tagIds = new Map<string, number>();
  private nextTagId = 101;
  private readonly usedTitles = new Set<string>();
  private readonly nextSequel = new Map<string, number>();
  private readonly people: string[] = [];
  private readonly catalog: SimCatalog;

  private readonly now: number;

  constructor(rng: Prng, seed: number, items: number, now: number) {
    this.rng = rng;
    this.now = now;
    this.items = items;
    const machineIdentifier = rng.hex(40);
    this.catalog = {
      seed,
      items,
      now,
      server: {
        friendlyName: 'Simulated Plex',
        machineIdentifier,
        version: '1.42.2.10156-f737b826c',
        platform: 'Linux',
        platformVersion: '6.8.0-49-generic',
        myPlexUsername: 'plexadmin@example.com',
        updatedAt: this.now - 3 * DAY,
      },
      sections: [],
      movies: [],
      shows: [],
      seasons: [],
      episodes: [],
      artists: [],
      albums: [],
      tracks: [],
      photoAlbums: [],
      photos: [],
      accounts: [],
      players: [],
      byRatingKey: new Map(),
      childrenOf: new Map(),
    };
  }

  build(): SimCatalog {
    this.buildPeople();
    this.buildSections();
    // Budgets: 40% movies, 35% episodes, 20% tracks, the rest photos; they add up to `items` exactly.
    const movieCount = Math.max(2, Math.round(this.items * 0.4));
    const episodeCount = Math.max(3, Math.round(this.items * 0.35));
    const trackCount = Math.max(2, Math.round(this.items * 0.2));
    const photoCount = Math.max(1, this.items - movieCount - episodeCount - trackCount);
    for (let i = 0; i < movieCount; i++) this.addMovie();
    this.addShows(episodeCount);
    this.addMusic(trackCount);
    this.addPhotos(photoCount);
    this.markWatchState();
    this.buildAccountsAndPlayers();
    return this.catalog;
  }

  // ---- ids, names, tags ------------------------------------------------------------------------------

  private ratingKey(): string {
    // Real ratingKeys grow with insertion order but have gaps (deleted items, extras).
    const key = this.nextRatingKey;
    this.nextRatingKey += this.rng.chance(0.15) ? this.rng.int(2, 6) : 1;
    return String(key);
  }

  private uniqueTitle(make: () => string): string {
    const title = make();
    if (!this.usedTitles.has(title)) {
      this.usedTitles.add(title);
      return title;
    }
    // Sequel numbering; the next number per base title is remembered so big catalogs stay linear.
    for (let n = this.nextSequel.get(title) ?? 2; ; n++) {
      const numbered = `${title} ${n}`;
      if (!this.usedTitles.has(numbered)) {
        this.usedTitles.add(numbered);
        this.nextSequel.set(title, n + 1);
        return numbered;
      }
    }
  }

  private workTitle(): string {
    const r = this.rng;
    return this.uniqueTitle(() => {
      switch (r.int(0, 5)) {
        case 0:
          return `The ${r.pick(ADJECTIVES)} ${r.pick(NOUNS)}`;
        case 1:
          return `${r.pick(NOUNS)} of ${r.pick(PLACES)}`;
        case 2:
          return `${r.pick(ADJECTIVES)} ${r.pick(NOUNS)}`;
        case 3:
          return `${r.pick(NOUNS)} & ${r.pick(NOUNS)}`;
        case 4:
          return `A ${r.pick(NOUNS)} in ${r.pick(PLACES)}`;
        default:
          return `The ${r.pick(NOUNS)}`;
      }
    });
  }

  private buildPeople(): void {
    const seen = new Set<string>();
    const wanted = Math.min(
      FIRST_NAMES.length * LAST_NAMES.length,
      Math.max(120, Math.round(this.items / 3)),
    );
    while (this.people.length < wanted) {
      const name = `${this.rng.pick(FIRST_NAMES)} ${this.rng.pick(LAST_NAMES)}`;
      if (seen.has(name)) continue;
      seen.add(name);
      this.people.push(name);
    }
  }

  private tag(
    kind: 'genre' | 'country' | 'director' | 'writer' | 'producer' | 'actor',
    name: string,
  ): SimTag {
    const mapKey = `${kind}:${name}`;
    let id = this.tagIds.get(mapKey);
    if (id === undefined) {
      id = this.nextTagId++;
      this.tagIds.set(mapKey, id);
    }
    return { id, tag: name, filter: `${kind}=${id}` };
  }

  private people_(kind: 'director' | 'writer' | 'producer', count: number): SimTag[] {
    const names = new Set<string>();
    while (names.size < count) names.add(this.rng.pick(this.people));
    return [...names].map((n) => {
      const t = this.tag(kind, n);
      return {
        ...t,
        tagKey: this.personKey(t.id),
        thumb: `https://metadata-static.plex.tv/people/${this.personHash(t.id)}.jpg`,
      };
    });
  }

  private roles(count: number): SimTag[] {
    const names = new Set<string>();
    while (names.size < count) names.add(this.rng.pick(this.people));
    return [...names].map((n) => {
      const t = this.tag('actor', n);
      return {
        ...t,
        role: this.rng.pick(CHARACTER_NAMES),
        tagKey: this.personKey(t.id),
        thumb: `https://metadata-static.plex.tv/people/${this.personHash(t.id)}.jpg`,
      };
    });
  }

  private personHash(tagId: number): string {
    // Stable per person (tag id), independent of PRNG state, so the same actor has the same thumb everywhere.
    return ((tagId * 2654435761) >>> 0).toString(16).padStart(8, '0').repeat(3);
  }

  private personKey(tagId: number): string {
    return `/library/people/${this.personHash(tagId)}`;
  }

  private distinct<T>(list: readonly T[], count: number): T[] {
    const out = new Set<T>();
    while (out.size < Math.min(count, list.length)) out.add(this.rng.pick(list));
    return [...out];
  }

  private plexGuid(kind: string): string {
    return `plex://${kind}/${this.rng.hex(24)}`;
  }

  private register(item: SimItem, parent?: SimItem): SimItem {
    this.catalog.byRatingKey.set(item.ratingKey, item);
    if (parent) {
      const siblings = this.catalog.childrenOf.get(parent.ratingKey) ?? [];
      siblings.push(item);
      this.catalog.childrenOf.set(parent.ratingKey, siblings);
    }
    return item;
  }

  /**
   * Skewed towards "now" (offset grows with the square of a uniform draw), as real libraries grow: about 5% of the
   * items arrive in the last week, so "what's new this week?" has answers. Monotonic in the draw, so the order of
   * additions for a seed does not depend on `now`.
   */
  private addedAt(): number {
    const span = LIBRARY_AGE - DAY;
    const offset = this.now - DAY - this.rng.int(this.now - LIBRARY_AGE, this.now - DAY);
    return this.now - DAY - Math.floor((offset * offset) / span);
  }

  // ---- sections ------------------------------------------------------------------------------------------

  private buildSections(): void {
    for (const def of SECTION_DEFS) {
      const createdAt = this.now - LIBRARY_AGE - this.rng.int(10, 400) * DAY;
      this.catalog.sections.push({
        key: def.key,
        type: def.type,
        title: def.title,
        agent: def.agent,
        scanner: def.scanner,
        language: def.type === 'photo' ? 'xn' : 'en-US',
        uuid: `${this.rng.hex(8)}-${this.rng.hex(4)}-4${this.rng.hex(3)}-a${this.rng.hex(3)}-${this.rng.hex(12)}`,
        art: `/:/resources/${def.type}-fanart.jpg`,
        thumb: `/:/resources/${def.type}.png`,
        composite: `/library/sections/${def.key}/composite/${this.now - DAY}`,
        refreshing: false,
        hidden: false,
        filters: true,
        allowSync: true,
        content: true,
        directory: true,
        contentChangedAt: this.rng.int(10_000, 99_999),
        createdAt,
        updatedAt: this.now - this.rng.int(1, 30) * DAY,
        scannedAt: this.now - this.rng.int(0, 2) * DAY - this.rng.int(0, DAY),
        Location: [{ id: Number(def.key), path: def.path }],
      });
    }
  }

  private section(key: '1' | '2' | '3' | '4'): SimSection {
    const s = this.catalog.sections.find((x) => x.key === key);
    if (!s) throw new Error(`section ${key} missing`);
    return s;
  }

  // ---- media -----------------------------------------------------------------------------------------------

  private videoMedia(duration: number, file: string): SimMedia[] {
    const r = this.rng;
    const res = r.pick([
      { videoResolution: '1080', width: 1920, height: 1080, bitrate: r.int(6000, 14000) },
      { videoResolution: '1080', width: 1920, height: 800, bitrate: r.int(5000, 11000) },
      { videoResolution: '4k', width: 3840, height: 2160, bitrate: r.int(20000, 60000) },
      { videoResolution: '720', width: 1280, height: 720, bitrate: r.int(2500, 5000) },
      { videoResolution: 'sd', width: 720, height: 480, bitrate: r.int(1200, 2500) },
    ] as const);
    const videoCodec = res.videoResolution === '4k' ? 'hevc' : r.pick(['h264', 'h264', 'hevc']);
    const audio = r.pick([
      { codec: 'aac', channels: 2, layout: 'stereo', name: 'AAC Stereo' },
      { codec: 'ac3', channels: 6, layout: '5.1(side)', name: 'AC3 5.1' },
      { codec: 'eac3', channels: 6, layout: '5.1(side)', name: 'EAC3 5.1' },
      { codec: 'truehd', channels: 8, layout: '7.1', name: 'TrueHD 7.1' },
      { codec: 'dca', channels: 6, layout: '5.1(side)', name: 'DTS 5.1' },
    ] as const);
    const container = r.pick(['mkv', 'mkv', 'mp4']);
    const mediaId = this.nextMediaId++;
    const partId = this.nextPartId++;
    const codecLabel = videoCodec === 'hevc' ? 'HEVC' : 'H.264';
    const resLabel =
      res.videoResolution === 'sd' ? 'SD' : res.videoResolution === '4k' ? '4K' : `${res.videoResolution}p`;
    const streams: SimStream[] = [
      {
        id: this.nextStreamId,
        key: `/library/streams/${this.nextStreamId++}`,
        streamType: 1,
        codec: videoCodec,
        index: 0,
        bitrate: res.bitrate - 640,
        height: res.height,
        width: res.width,
        frameRate: 23.976,
        profile: videoCodec === 'hevc' ? 'main 10' : 'high',
        default: true,
        displayTitle: `${resLabel} (${codecLabel})`,
        extendedDisplayTitle: `${resLabel} (${codecLabel})`,
      },
      {
        id: this.nextStreamId,
        key: `/library/streams/${this.nextStreamId++}`,
        streamType: 2,
        codec: audio.codec,
        index: 1,
        channels: audio.channels,
        audioChannelLayout: audio.layout,
        bitrate: audio.channels * 107,
        samplingRate: 48000,
        language: 'English',
        languageCode: 'eng',
        languageTag: 'en',
        default: true,
        selected: true,
        displayTitle: `English (${audio.name})`,
        extendedDisplayTitle: `English (${audio.name})`,
      },
    ];
    if (r.chance(0.6)) {
      streams.push({
        id: this.nextStreamId,
        key: `/library/streams/${this.nextStreamId++}`,
        streamType: 3,
        codec: 'srt',
        index: 2,
        language: 'English',
        languageCode: 'eng',
        languageTag: 'en',
        displayTitle: 'English (SRT)',
        extendedDisplayTitle: 'English (SRT)',
      });
    }
    const size = Math.round((res.bitrate * 1000 * (duration / 1000)) / 8);
    return [
      {
        id: mediaId,
        duration,
        bitrate: res.bitrate,
        width: res.width,
        height: res.height,
        aspectRatio: Math.round((res.width / res.height) * 100) / 100,
        audioChannels: audio.channels,
        audioCodec: audio.codec,
        videoCodec,
        videoResolution: res.videoResolution,
        container,
        videoFrameRate: '24p',
        videoProfile: videoCodec === 'hevc' ? 'main 10' : 'high',
        Part: [
          {
            id: partId,
            key: `/library/parts/${partId}/${this.now - this.rng.int(DAY, 900 * DAY)}/file.${container}`,
            file: `${file}.${container}`,
            size,
            duration,
            container,
            videoProfile: videoCodec === 'hevc' ? 'main 10' : 'high',
            Stream: streams,
          },
        ],
      },
    ];
  }

  private audioMedia(duration: number, file: string): SimMedia[] {
    const flac = this.rng.chance(0.5);
    const container = flac ? 'flac' : 'mp3';
    const bitrate = flac ? this.rng.int(800, 1100) : 320;
    const mediaId = this.nextMediaId++;
    const partId = this.nextPartId++;
    return [
      {
        id: mediaId,
        duration,
        bitrate,
        audioChannels: 2,
        audioCodec: container,
        container,
        Part: [
          {
            id: partId,
            key: `/library/parts/${partId}/${this.now - this.rng.int(DAY, 900 * DAY)}/file.${container}`,
            file: `${file}.${container}`,
            size: Math.round((bitrate * 1000 * (duration / 1000)) / 8),
            duration,
            container,
            Stream: [
              {
                id: this.nextStreamId,
                key: `/library/streams/${this.nextStreamId++}`,
                streamType: 2,
                codec: container,
                index: 0,
                channels: 2,
                bitrate,
                samplingRate: 44100,
                selected: true,
                displayTitle: `${container.toUpperCase()} (Stereo)`,
                extendedDisplayTitle: `${container.toUpperCase()} (Stereo)`,
              },
            ],
          },
        ],
      },
    ];
  }

  private chapters(duration: number, mediaId: number): SimChapter[] {
    const count = this.rng.int(4, 10);
    const length = Math.floor(duration / count);
    return Array.from({ length: count }, (_, i) => ({
      id: this.nextSubId++,
      filter: `thumb=${i}`,
      index: i + 1,
      tag: `Chapter ${i + 1}`,
      startTimeOffset: i * length,
      endTimeOffset: i === count - 1 ? duration : (i + 1) * length,
      thumb: `/library/media/${mediaId}/chapterImages/${i + 1}`,
    }));
  }

  // ---- movies -----------------------------------------------------------------------------------------------

  private addMovie(): void {
    const r = this.rng;
    const section = this.section('1');
    const rk = this.ratingKey();
    const title = this.workTitle();
    const year = r.int(1972, 2025);
    const released = Date.UTC(year, r.int(0, 11), r.int(1, 28)) / 1000;
    const addedAt = this.addedAt();
    const updatedAt = Math.min(this.now, addedAt + r.int(0, 200) * DAY);
    const duration = r.int(80, 165) * 60_000 + r.int(0, 59_999);
    const media = this.videoMedia(
      duration,
      `${section.Location[0]?.path}/${title} (${year})/${title} (${year})`,
    );
    const creditsStart = duration - r.int(3, 9) * 60_000;
    this.catalog.movies.push(
      this.register({
        ratingKey: rk,
        key: `/library/metadata/${rk}`,
        guid: this.plexGuid('movie'),
        type: 'movie',
        title,
        titleSort: sortTitle(title),
        librarySectionID: Number(section.key),
        librarySectionTitle: section.title,
        librarySectionKey: `/library/sections/${section.key}`,
        studio: r.pick(STUDIOS),
        contentRating: r.pick(CONTENT_RATINGS),
        summary: `In ${r.pick(PLACES)}, a ${r.pick(ADJECTIVES).toLowerCase()} ${r.pick(NOUNS).toLowerCase()} changes everything.`,
        tagline: r.pick(TAGLINES),
        rating: r.int(30, 98) / 10,
        audienceRating: r.int(30, 98) / 10,
        audienceRatingImage: 'rottentomatoes://image.rating.upright',
        year,
        thumb: `/library/metadata/${rk}/thumb/${updatedAt}`,
        art: `/library/metadata/${rk}/art/${updatedAt}`,
        duration,
        originallyAvailableAt: isoDate(released),
        addedAt,
        updatedAt,
        chapterSource: 'media',
        Guid: [
          { id: `imdb://tt${r.int(1_000_000, 9_999_999)}` },
          { id: `tmdb://${r.int(10_000, 999_999)}` },
          { id: `tvdb://${r.int(1000, 99_999)}` },
        ],
        Genre: this.distinct(MOVIE_GENRES, r.int(1, 3)).map((g) => this.tag('genre', g)),
        Country: this.distinct(COUNTRIES, r.int(1, 2)).map((c) => this.tag('country', c)),
        Director: this.people_('director', r.int(1, 2)),
        Writer: this.people_('writer', r.int(1, 3)),
        Producer: this.people_('producer', r.int(1, 3)),
        Role: this.roles(r.int(4, 12)),
        Media: media,
        Chapter: this.chapters(duration, media[0]?.id ?? 0),
        Marker: [
          {
            id: this.nextSubId++,
            type: 'credits',
            startTimeOffset: creditsStart,
            endTimeOffset: duration,
            final: true,
          },
        ],
      }),
    );
  }

  // ---- TV ----------------------------------------------------------------------------------------------------

  private addShows(episodeBudget: number): void {
    const showCount = Math.max(2, Math.min(episodeBudget, Math.round(episodeBudget / 14)));
    for (const episodes of splitCount(this.rng, episodeBudget, showCount)) this.addShow(episodes);
  }

  private addShow(episodeCount: number): void {
    const r = this.rng;
    const section = this.section('2');
    const rk = this.ratingKey();
    const title = this.workTitle();
    const year = r.int(1995, 2024);
    const addedAt = this.addedAt();
    const show: SimItem = this.register({
      ratingKey: rk,
      key: `/library/metadata/${rk}/children`,
      guid: this.plexGuid('show'),
      type: 'show',
      title,
      titleSort: sortTitle(title),
      librarySectionID: Number(section.key),
      librarySectionTitle: section.title,
      librarySectionKey: `/library/sections/${section.key}`,
      studio: r.pick(NETWORKS),
      contentRating: r.pick(TV_CONTENT_RATINGS),
      summary: `A ${r.pick(ADJECTIVES).toLowerCase()} series set in ${r.pick(PLACES)}.`,
      index: 1,
      rating: r.int(50, 95) / 10,
      audienceRating: r.int(50, 95) / 10,
      year,
      thumb: `/library/metadata/${rk}/thumb/${addedAt}`,
      art: `/library/metadata/${rk}/art/${addedAt}`,
      duration: r.int(22, 58) * 60_000,
      originallyAvailableAt: isoDate(Date.UTC(year, r.int(0, 11), r.int(1, 28)) / 1000),
      addedAt,
      updatedAt: addedAt,
      leafCount: episodeCount,
      viewedLeafCount: 0,
      childCount: 0,
      Guid: [{ id: `imdb://tt${r.int(1_000_000, 9_999_999)}` }, { id: `tvdb://${r.int(70_000, 450_000)}` }],
      Genre: this.distinct(MOVIE_GENRES, r.int(1, 3)).map((g) => this.tag('genre', g)),
      Country: [this.tag('country', r.pick(COUNTRIES))],
      Role: this.roles(r.int(4, 10)),
    });
    this.catalog.shows.push(show);
    const seasonCount = Math.max(1, Math.min(episodeCount, Math.round(episodeCount / r.int(6, 10))));
    let episodeAddedAt = addedAt;
    splitCount(r, episodeCount, seasonCount).forEach((count, s) => {
      const seasonIndex = s + 1;
      const srk = this.ratingKey();
      const season = this.register(
        {
          ratingKey: srk,
          key: `/library/metadata/${srk}/children`,
          guid: this.plexGuid('season'),
          type: 'season',
          title: `Season ${seasonIndex}`,
          librarySectionID: show.librarySectionID,
          librarySectionTitle: show.librarySectionTitle,
          librarySectionKey: show.librarySectionKey,
          summary: '',
          index: seasonIndex,
          parentIndex: 1,
          year: year + s,
          thumb: `/library/metadata/${srk}/thumb/${addedAt}`,
          art: show.art,
          addedAt,
          updatedAt: addedAt,
          parentRatingKey: show.ratingKey,
          parentKey: `/library/metadata/${show.ratingKey}`,
          parentGuid: show.guid,
          parentTitle: show.title,
          parentThumb: show.thumb,
          leafCount: count,
          viewedLeafCount: 0,
        },
        show,
      );
      this.catalog.seasons.push(season);
      for (let e = 1; e <= count; e++) {
        episodeAddedAt = Math.min(this.now - 3600, episodeAddedAt + r.int(1, 20) * DAY);
        this.addEpisode(show, season, e, episodeAddedAt);
      }
    });
    show.childCount = seasonCount;
    const last = this.catalog.episodes.at(-1);
    if (last) show.updatedAt = last.addedAt;
  }

  private addEpisode(show: SimItem, season: SimItem, index: number, addedAt: number): void {
    const r = this.rng;
    const rk = this.ratingKey();
    const title = r.chance(0.1) ? `Episode ${index}` : `The ${r.pick(ADJECTIVES)} ${r.pick(NOUNS)}`;
    const duration = (show.duration ?? 2_700_000) + r.int(-180_000, 180_000);
    const seasonNo = season.index ?? 1;
    const media = this.videoMedia(
      duration,
      `/data/TV Shows/${show.title}/Season ${String(seasonNo).padStart(2, '0')}/${show.title} - S${String(seasonNo).padStart(2, '0')}E${String(index).padStart(2, '0')} - ${title}`,
    );
    const introStart = r.int(0, 120_000);
    const creditsStart = duration - r.int(40_000, 120_000);
    const aired =
      (season.year ? Date.UTC(season.year, 0, 10) / 1000 : this.now - LIBRARY_AGE) + index * 7 * DAY;
    const episode = this.register(
      {
        ratingKey: rk,
        key: `/library/metadata/${rk}`,
        guid: this.plexGuid('episode'),
        type: 'episode',
        title,
        librarySectionID: show.librarySectionID,
        librarySectionTitle: show.librarySectionTitle,
        librarySectionKey: show.librarySectionKey,
        contentRating: show.contentRating,
        summary: `${r.pick(FIRST_NAMES)} faces the ${r.pick(NOUNS).toLowerCase()}.`,
        index,
        parentIndex: seasonNo,
        year: season.year,
        thumb: `/library/metadata/${rk}/thumb/${addedAt}`,
        art: show.art,
        duration,
        originallyAvailableAt: isoDate(aired),
        addedAt,
        updatedAt: addedAt,
        chapterSource: 'media',
        parentRatingKey: season.ratingKey,
        parentKey: `/library/metadata/${season.ratingKey}`,
        parentGuid: season.guid,
        parentTitle: season.title,
        parentThumb: season.thumb,
        grandparentRatingKey: show.ratingKey,
        grandparentKey: `/library/metadata/${show.ratingKey}`,
        grandparentGuid: show.guid,
        grandparentTitle: show.title,
        grandparentThumb: show.thumb,
        grandparentArt: show.art,
        Guid: [{ id: `tvdb://${r.int(1_000_000, 9_999_999)}` }],
        Director: this.people_('director', 1),
        Writer: this.people_('writer', r.int(1, 2)),
        Role: this.roles(r.int(0, 3)),
        Media: media,
        Chapter: r.chance(0.5) ? this.chapters(duration, media[0]?.id ?? 0) : [],
        Marker: [
          {
            id: this.nextSubId++,
            type: 'intro',
            startTimeOffset: introStart,
            endTimeOffset: introStart + r.int(30_000, 90_000),
          },
          {
            id: this.nextSubId++,
            type: 'credits',
            startTimeOffset: creditsStart,
            endTimeOffset: duration,
            final: true,
          },
        ],
      },
      season,
    );
    this.catalog.episodes.push(episode);
  }

  // ---- music --------------------------------------------------------------------------------------------------

  private addMusic(trackBudget: number): void {
    const r = this.rng;
    const section = this.section('3');
    const artistCount = Math.max(1, Math.min(trackBudget, Math.round(trackBudget / 20)));
    for (const trackCount of splitCount(r, trackBudget, artistCount)) {
      const rk = this.ratingKey();
      const name = r.chance(0.5) ? `The ${r.pick(ADJECTIVES)} ${r.pick(NOUNS)}s` : r.pick(this.people);
      const title = this.uniqueTitle(() => name);
      const addedAt = this.addedAt();
      const genres = this.distinct(MUSIC_GENRES, r.int(1, 2));
      const artist = this.register({
        ratingKey: rk,
        key: `/library/metadata/${rk}/children`,
        guid: this.plexGuid('artist'),
        type: 'artist',
        title,
        titleSort: sortTitle(title),
        librarySectionID: Number(section.key),
        librarySectionTitle: section.title,
        librarySectionKey: `/library/sections/${section.key}`,
        summary: `${title} formed in ${r.pick(PLACES)}.`,
        index: 1,
        thumb: `/library/metadata/${rk}/thumb/${addedAt}`,
        art: `/library/metadata/${rk}/art/${addedAt}`,
        addedAt,
        updatedAt: addedAt,
        childCount: 0,
        Genre: genres.map((g) => this.tag('genre', g)),
        Country: [this.tag('country', r.pick(COUNTRIES))],
      });
      this.catalog.artists.push(artist);
      const albumCount = Math.max(1, Math.min(trackCount, Math.round(trackCount / r.int(8, 12))));
      artist.childCount = albumCount;
      for (const albumTracks of splitCount(r, trackCount, albumCount))
        this.addAlbum(artist, albumTracks, genres);
    }
  }

  private addAlbum(artist: SimItem, trackCount: number, genres: string[]): void {
    const r = this.rng;
    const rk = this.ratingKey();
    const title = r.chance(0.5) ? `${r.pick(ADJECTIVES)} ${r.pick(NOUNS)}` : `${r.pick(NOUNS)}s`;
    const year = r.int(1975, 2025);
    const addedAt = this.addedAt();
    const album = this.register(
      {
        ratingKey: rk,
        key: `/library/metadata/${rk}/children`,
        guid: this.plexGuid('album'),
        type: 'album',
        title,
        titleSort: sortTitle(title),
        librarySectionID: artist.librarySectionID,
        librarySectionTitle: artist.librarySectionTitle,
        librarySectionKey: artist.librarySectionKey,
        studio: r.pick(STUDIOS),
        summary: '',
        index: 1,
        rating: r.chance(0.3) ? r.int(4, 10) : undefined,
        year,
        thumb: `/library/metadata/${rk}/thumb/${addedAt}`,
        originallyAvailableAt: isoDate(Date.UTC(year, r.int(0, 11), r.int(1, 28)) / 1000),
        addedAt,
        updatedAt: addedAt,
        parentRatingKey: artist.ratingKey,
        parentKey: `/library/metadata/${artist.ratingKey}`,
        parentGuid: artist.guid,
        parentTitle: artist.title,
        parentThumb: artist.thumb,
        leafCount: trackCount,
        viewedLeafCount: 0,
        Genre: genres.map((g) => this.tag('genre', g)),
      },
      artist,
    );
    if (album.rating === undefined) delete album.rating;
    this.catalog.albums.push(album);
    for (let i = 1; i <= trackCount; i++) {
      const trk = this.ratingKey();
      const trackTitle = r.chance(0.5)
        ? `${r.pick(NOUNS)} ${r.pick(['Song', 'Blues', 'Waltz', 'Dance', 'Reprise'])}`
        : `${r.pick(ADJECTIVES)} ${r.pick(NOUNS)}`;
      const duration = r.int(120, 420) * 1000 + r.int(0, 999);
      const track = this.register(
        {
          ratingKey: trk,
          key: `/library/metadata/${trk}`,
          guid: this.plexGuid('track'),
          type: 'track',
          title: trackTitle,
          librarySectionID: album.librarySectionID,
          librarySectionTitle: album.librarySectionTitle,
          librarySectionKey: album.librarySectionKey,
          summary: '',
          index: i,
          parentIndex: 1,
          parentYear: year,
          thumb: album.thumb,
          duration,
          addedAt,
          updatedAt: addedAt,
          parentRatingKey: album.ratingKey,
          parentKey: `/library/metadata/${album.ratingKey}`,
          parentGuid: album.guid,
          parentTitle: album.title,
          parentThumb: album.thumb,
          grandparentRatingKey: artist.ratingKey,
          grandparentKey: `/library/metadata/${artist.ratingKey}`,
          grandparentGuid: artist.guid,
          grandparentTitle: artist.title,
          grandparentThumb: artist.thumb,
          grandparentArt: artist.art,
          Media: this.audioMedia(
            duration,
            `/data/Music/${artist.title}/${album.title} (${year})/${String(i).padStart(2, '0')} - ${trackTitle}`,
          ),
        },
        album,
      );
      this.catalog.tracks.push(track);
    }
  }

  // ---- photos ---------------------------------------------------------------------------------------------------

  private addPhotos(photoBudget: number): void {
    const r = this.rng;
    const section = this.section('4');
    const albumCount = Math.max(1, Math.min(photoBudget, Math.round(photoBudget / 15)));
    for (const count of splitCount(r, photoBudget, albumCount)) {
      const rk = this.ratingKey();
      const year = r.int(2012, 2025);
      const title = this.uniqueTitle(() => `${r.pick(PLACES).replace(/^the /, '')} ${year}`);
      const addedAt = this.addedAt();
      const album = this.register({
        ratingKey: rk,
        key: `/library/metadata/${rk}/children`,
        guid: `local://${rk}`,
        type: 'photoalbum',
        title,
        titleSort: title,
        librarySectionID: Number(section.key),
        librarySectionTitle: section.title,
        librarySectionKey: `/library/sections/${section.key}`,
        summary: '',
        index: 1,
        thumb: `/library/metadata/${rk}/composite/${addedAt}`,
        addedAt,
        updatedAt: addedAt,
        leafCount: count,
        childCount: count,
      });
      this.catalog.photoAlbums.push(album);
      for (let i = 1; i <= count; i++) {
        const prk = this.ratingKey();
        const taken = Date.UTC(year, r.int(0, 11), r.int(1, 28), r.int(0, 23), r.int(0, 59)) / 1000;
        const landscape = r.chance(0.7);
        const mediaId = this.nextMediaId++;
        const partId = this.nextPartId++;
        const file = `IMG_${String(1000 + i).padStart(4, '0')}`;
        const photo = this.register(
          {
            ratingKey: prk,
            key: `/library/metadata/${prk}`,
            guid: `local://${prk}`,
            type: 'photo',
            title: file,
            librarySectionID: album.librarySectionID,
            librarySectionTitle: album.librarySectionTitle,
            librarySectionKey: album.librarySectionKey,
            summary: '',
            index: i,
            year,
            thumb: `/library/metadata/${prk}/thumb/${addedAt}`,
            originallyAvailableAt: isoDate(taken),
            addedAt,
            updatedAt: addedAt,
            parentRatingKey: album.ratingKey,
            parentKey: `/library/metadata/${album.ratingKey}`,
            parentTitle: album.title,
            parentThumb: album.thumb,
            Media: [
              {
                id: mediaId,
                width: landscape ? 4032 : 3024,
                height: landscape ? 3024 : 4032,
                aspectRatio: landscape ? 1.33 : 0.75,
                container: 'jpeg',
                Part: [
                  {
                    id: partId,
                    key: `/library/parts/${partId}/${addedAt}/file.jpg`,
                    file: `/data/Photos/${album.title}/${file}.jpg`,
                    size: r.int(1_500_000, 6_000_000),
                    container: 'jpeg',
                    Stream: [],
                  },
                ],
              },
            ],
          },
          album,
        );
        this.catalog.photos.push(photo);
      }
    }
  }

  // ---- watch state ------------------------------------------------------------------------------------------------

  private markWatchState(): void {
    const r = this.rng;
    const c = this.catalog;
    const watchedAt = () => this.now - r.int(1, 120) * DAY - r.int(0, DAY);
    c.movies.forEach((movie, i) => {
      const roll = r.next();
      // Movie index 1 is always in progress so On Deck is never empty, whatever the seed.
      if (i === 1 || roll < 0.03) {
        movie.viewOffset = Math.floor((movie.duration ?? 0) * (0.1 + r.next() * 0.7));
        movie.lastViewedAt = watchedAt();
      } else if (roll < 0.3) {
        movie.viewCount = r.int(1, 3);
        movie.lastViewedAt = watchedAt();
      }
    });
    c.shows.forEach((show, i) => {
      const episodes = this.leavesOf(show);
      const roll = r.next();
      // Show index 0 is always partially watched (a next-unwatched episode for On Deck); some are finished.
      let watched = 0;
      if (i === 0 || roll < 0.4) watched = episodes.length > 1 ? r.int(1, episodes.length - 1) : 0;
      else if (roll < 0.55) watched = episodes.length;
      let lastViewedAt = this.now - r.int(30, 200) * DAY;
      for (const episode of episodes.slice(0, watched)) {
        lastViewedAt += r.int(0, 2) * DAY + r.int(600, 20_000);
        episode.viewCount = 1;
        episode.lastViewedAt = Math.min(this.now - 3600, lastViewedAt);
      }
      const next = episodes[watched];
      if (next && watched > 0 && r.chance(0.5)) {
        next.viewOffset = Math.floor((next.duration ?? 0) * (0.1 + r.next() * 0.6));
        next.lastViewedAt = Math.min(this.now - 3000, lastViewedAt + 3600);
      }
      if (watched > 0) {
        show.viewedLeafCount = watched;
        show.lastViewedAt = episodes[watched - 1]?.lastViewedAt;
        show.viewCount = watched;
        for (const season of c.childrenOf.get(show.ratingKey) ?? []) {
          const seasonEpisodes = c.childrenOf.get(season.ratingKey) ?? [];
          season.viewedLeafCount = seasonEpisodes.filter((e) => e.viewCount).length;
        }
      }
    });
    for (const track of c.tracks) {
      if (r.chance(0.3)) {
        track.viewCount = r.int(1, 40);
        track.lastViewedAt = watchedAt();
      }
    }
  }

  /** Every leaf below a container, in order (show → all episodes, artist → all tracks, ...). */
  private leavesOf(item: SimItem): SimItem[] {
    return leavesOf(this.catalog, item);
  }

  // ---- accounts and players ---------------------------------------------------------------------------------------

  private buildAccountsAndPlayers(): void {
    const r = this.rng;
    const account = (id: number, name: string): SimAccount => ({
      id,
      key: `/accounts/${id}`,
      name,
      thumb: `https://plex.tv/users/${r.hex(16)}/avatar?c=${this.now - r.int(1, 900) * DAY}`,
      defaultAudioLanguage: 'en',
      autoSelectAudio: true,
      defaultSubtitleLanguage: 'en',
      subtitleMode: 0,
    });
    this.catalog.accounts.push(
      account(1, 'plexadmin'),
      account(20_345_671, 'alice'),
      account(20_345_688, 'bob'),
    );
    this.catalog.players.push(
      {
        name: 'Living Room SHIELD',
        host: '192.168.1.41',
        address: '192.168.1.41',
        port: 32500,
        machineIdentifier: `${r.hex(16)}-com-plexapp-android`,
        version: '9.18.1.3456',
        protocol: 'plex',
        product: 'Plex for Android (TV)',
        platform: 'Android',
        platformVersion: '11',
        device: 'SHIELD Android TV',
        model: 'mdarcy',
        deviceClass: 'stb',
        protocolVersion: 1,
        protocolCapabilities: 'timeline,playback,navigation,mirror,playqueues,provider-playback',
      },
      {
        name: "Alice's iPad",
        host: '192.168.1.57',
        address: '192.168.1.57',
        port: 32500,
        machineIdentifier: `${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`.toUpperCase(),
        version: '8.42',
        protocol: 'plex',
        product: 'Plex for iOS',
        platform: 'iOS',
        platformVersion: '18.2',
        device: 'iPad',
        model: 'iPad13,16',
        deviceClass: 'tablet',
        protocolVersion: 1,
        protocolCapabilities: 'timeline,playback,navigation,playqueues,provider-playback',
      },
      {
        name: 'Bedroom Roku',
        host: '192.168.1.63',
        address: '192.168.1.63',
        port: 8324,
        machineIdentifier: r.hex(32),
        version: '8.1.1.11400',
        protocol: 'plex',
        product: 'Plex for Roku',
        platform: 'Roku',
        platformVersion: '13.0.4',
        device: 'Roku Ultra',
        model: '4802X',
        deviceClass: 'stb',
        protocolVersion: 1,
        protocolCapabilities: 'timeline,playback,navigation,playqueues',
      },
    );
  }
}

/** Every leaf below a container, in Plex order (show → all episodes, artist → all tracks, album → tracks, ...). */
export function leavesOf(catalog: SimCatalog, item: SimItem): SimItem[] {
  const children = catalog.childrenOf.get(item.ratingKey) ?? [];
  if (children.length === 0) return [];
  return children.flatMap((child) => {
    const below = catalog.childrenOf.get(child.ratingKey);
    return below && below.length > 0 ? leavesOf(catalog, child) : [child];
  });
}

/** Items of one section, for `/library/sections/{id}/all` with a given type number. */
export function itemsOfType(catalog: SimCatalog, type: SimItemType): SimItem[] {
  switch (type) {
    case 'movie':
      return catalog.movies;
    case 'show':
      return catalog.shows;
    case 'season':
      return catalog.seasons;
    case 'episode':
      return catalog.episodes;
    case 'artist':
      return catalog.artists;
    case 'album':
      return catalog.albums;
    case 'track':
      return catalog.tracks;
    case 'photoalbum':
      return catalog.photoAlbums;
    case 'photo':
      return catalog.photos;
  }
}
