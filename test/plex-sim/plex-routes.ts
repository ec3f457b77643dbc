// The Plex endpoints the simulator serves (REFERENCE §3), as a route table of pure handlers:
// (context, path params) → JSON body. The HTTP plumbing (token, faults, counting, JSON/XML) is in simulator.ts.

import type { SimItem, SimSection } from './catalog.ts';
import { leavesOf } from './catalog.ts';
import { devicesOf } from './history.ts';
import { PhotoNotFoundError, transcodePhoto } from './photo-transcode.ts';
import { BadRequestError, hubSearch, onDeck, recentlyAdded, sectionItems } from './queries.ts';
import {
  detailMetadata,
  type Json,
  LIBRARY_IDENTIFIER,
  listMetadata,
  playerServerEntry,
  sectionDirectory,
  sessionMetadata,
} from './render.ts';
import {
  container,
  findItem,
  findSection,
  type Handler,
  HttpError,
  libraryFields,
  listContainer,
  parseNonNegativeInt,
  READ,
  type Route,
} from './route-kit.ts';
import { HISTORY_ROUTES } from './routes-history.ts';
import { LIVE_ROUTES } from './routes-live.ts';
import { PLAYBACK_ROUTES } from './routes-playback.ts';
import { PLAYLIST_ROUTES } from './routes-playlists.ts';
import { WATCH_ROUTES } from './routes-watch.ts';

export { HttpError, type RouteContext } from './route-kit.ts';

/** Default number of items /library/recentlyAdded returns when the client does not page (PMS bounds it too). */
export const RECENTLY_ADDED_DEFAULT_SIZE = 50;

// ---- server -----------------------------------------------------------------------------------------------

const serverInfo: Handler = (ctx) => {
  const s = ctx.catalog.server;
  const directories = [
    'activities',
    'butler',
    'channels',
    'clients',
    'diagnostics',
    'hubs',
    'library',
    'livetv',
    'media',
    'player',
    'playlists',
    'playQueues',
    'search',
    'server',
    'servers',
    'statistics',
    'system',
    'transcode',
    'updater',
    'user',
  ];
  return container({
    size: directories.length,
    allowCameraUpload: true,
    allowChannelAccess: true,
    allowMediaDeletion: true,
    allowSharing: true,
    allowSync: true,
    allowTuners: false,
    backgroundProcessing: true,
    certificate: true,
    companionProxy: true,
    countryCode: 'usa',
    diagnostics: 'logs,databases,streaminglogs',
    eventStream: true,
    friendlyName: s.friendlyName,
    hubSearch: true,
    itemClusters: true,
    livetv: 7,
    machineIdentifier: s.machineIdentifier,
    mediaProviders: true,
    multiuser: true,
    musicAnalysis: 2,
    myPlex: true,
    myPlexMappingState: 'mapped',
    myPlexSigninState: 'ok',
    myPlexSubscription: true,
    myPlexUsername: s.myPlexUsername,
    offlineTranscode: 1,
    ownerFeatures: 'hardware_transcoding,session_kick,sync,webhooks',
    platform: s.platform,
    platformVersion: s.platformVersion,
    pluginHost: true,
    pushNotifications: false,
    readOnlyLibraries: false,
    streamingBrainABRVersion: 3,
    streamingBrainVersion: 2,
    sync: true,
    transcoderActiveVideoSessions: ctx.sessions.list().filter((x) => x.transcoding).length,
    transcoderAudio: true,
    transcoderLyrics: true,
    transcoderPhoto: true,
    transcoderSubtitles: true,
    transcoderVideo: true,
    transcoderVideoBitrates: '64,96,208,320,720,1500,2000,3000,4000,8000,10000,12000,20000',
    transcoderVideoQualities: '0,1,2,3,4,5,6,7,8,9,10,11,12',
    transcoderVideoResolutions: '128,128,160,240,320,480,768,720,720,1080,1080,1080,1080',
    updatedAt: s.updatedAt,
    updater: true,
    version: s.version,
    voiceSearch: true,
    Directory: directories.map((key) => ({ count: 1, key, title: key })),
  });
};

const identity: Handler = (ctx) =>
  container({
    size: 0,
    apiVersion: '1.1.1',
    claimed: true,
    machineIdentifier: ctx.catalog.server.machineIdentifier,
    version: ctx.catalog.server.version,
  });

const accounts: Handler = (ctx) =>
  container({
    size: ctx.catalog.accounts.length,
    identifier: 'com.plexapp.system.accounts',
    Account: ctx.catalog.accounts.map((a) => ({ ...a })),
  });

/** PMS's device registry: history entries name the player by these ids (deviceID). */
const devices: Handler = (ctx) => {
  const list = devicesOf(ctx.catalog);
  return container({ size: list.length, identifier: 'com.plexapp.system.devices', Device: list });
};

const clients: Handler = (ctx) =>
  container({ size: ctx.catalog.players.length, Server: ctx.catalog.players.map(playerServerEntry) });

// ---- library ----------------------------------------------------------------------------------------------

const sections: Handler = (ctx) =>
  container({
    size: ctx.catalog.sections.length,
    allowSync: false,
    title1: 'Plex Library',
    Directory: ctx.catalog.sections.map(sectionDirectory),
  });

const SECTION_VIEWS: Record<SimSection['type'], [string, string][]> = {
  movie: [
    ['all', 'All Movies'],
    ['unwatched', 'Unwatched'],
    ['newest', 'Recently Released'],
    ['recentlyAdded', 'Recently Added'],
    ['recentlyViewed', 'Recently Viewed'],
    ['onDeck', 'On Deck'],
    ['collection', 'By Collection'],
    ['genre', 'By Genre'],
    ['year', 'By Year'],
    ['search?type=1', 'Search...'],
  ],
  show: [
    ['all', 'All Shows'],
    ['unwatched', 'Unwatched'],
    ['newest', 'Recently Aired'],
    ['recentlyAdded', 'Recently Added'],
    ['recentlyViewed', 'Recently Viewed Episodes'],
    ['onDeck', 'On Deck'],
    ['genre', 'By Genre'],
    ['search?type=2', 'Search Shows...'],
    ['search?type=4', 'Search Episodes...'],
  ],
  artist: [
    ['all', 'All Artists'],
    ['albums', 'By Album'],
    ['genre', 'By Genre'],
    ['recentlyAdded', 'Recently Added'],
    ['search?type=8', 'Search Artists...'],
    ['search?type=9', 'Search Albums...'],
    ['search?type=10', 'Search Tracks...'],
  ],
  photo: [
    ['all', 'All Photos'],
    ['recentlyAdded', 'Recently Added'],
    ['year', 'By Year'],
  ],
};

const sectionDetails: Handler = (ctx, [id = '']) => {
  const section = findSection(ctx, id);
  const views = SECTION_VIEWS[section.type];
  return container({
    size: views.length,
    ...libraryFields(section),
    art: section.art,
    content: 'secondary',
    thumb: section.thumb,
    title1: section.title,
    viewGroup: 'secondary',
    viewMode: 65592,
    Directory: views.map(([key, title]) => {
      // PMS marks "By ..." entries secondary and the old search entries with search/prompt.
      if (key.startsWith('search?')) return { key, title, search: true, prompt: title.replace('...', '') };
      if (title.startsWith('By ')) return { key, title, secondary: true };
      return { key, title };
    }),
  });
};

const sectionAll: Handler = (ctx, [id = '']) => {
  const section = findSection(ctx, id);
  return listContainer(ctx, sectionItems(ctx.catalog, section, ctx.query), {
    ...libraryFields(section),
    art: section.art,
    thumb: section.thumb,
    title1: section.title,
    title2: SECTION_VIEWS[section.type][0]?.[1],
    viewGroup: sectionViewGroup(section, ctx.query.get('type')),
  });
};

/** The item type a section listing shows (viewGroup), from `type=` or the section's primary type. */
function sectionViewGroup(section: SimSection, type: string | null): string {
  const names: Record<string, string> = {
    '1': 'movie',
    '2': 'show',
    '3': 'season',
    '4': 'episode',
    '8': 'artist',
    '9': 'album',
    '10': 'track',
    '13': 'photo',
    '14': 'photo',
  };
  return (type !== null ? names[type] : undefined) ?? (section.type === 'photo' ? 'photo' : section.type);
}

/**
 * `/library/sections/{id}/genre`: the genres used in a section, as filter entries (key = the id `genre=` takes).
 * Show sections list show genres, music sections artist genres (type= may pick another level), like PMS.
 */
const sectionGenres: Handler = (ctx, [id = '']) => {
  const section = findSection(ctx, id);
  const query = new URLSearchParams();
  const type = ctx.query.get('type');
  if (type !== null) query.set('type', type);
  const seen = new Map<number, string>();
  for (const item of sectionItems(ctx.catalog, section, query))
    for (const g of item.Genre ?? []) if (!seen.has(g.id)) seen.set(g.id, g.tag);
  const genres = [...seen].sort((a, b) => a[1].localeCompare(b[1]));
  return container({
    size: genres.length,
    ...libraryFields(section),
    title1: section.title,
    title2: 'By Genre',
    viewGroup: 'secondary',
    Directory: genres.map(([gid, tag]) => ({
      fastKey: `/library/sections/${section.key}/all?genre=${gid}`,
      key: String(gid),
      title: tag,
      type: 'genre',
    })),
  });
};

const sectionRecentlyAdded: Handler = (ctx, [id = '']) => {
  const section = findSection(ctx, id);
  return listContainer(
    ctx,
    recentlyAdded(ctx.catalog, section.key),
    { ...libraryFields(section), mixedParents: true, title1: section.title, title2: 'Recently Added' },
    RECENTLY_ADDED_DEFAULT_SIZE,
  );
};

const globalRecentlyAdded: Handler = (ctx) =>
  listContainer(
    ctx,
    recentlyAdded(ctx.catalog),
    { ...libraryFields(), mixedParents: true },
    RECENTLY_ADDED_DEFAULT_SIZE,
  );

const sectionOnDeck: Handler = (ctx, [id = '']) => {
  const section = findSection(ctx, id);
  return listContainer(ctx, onDeck(ctx.catalog, section.key), {
    ...libraryFields(section),
    mixedParents: true,
    title1: section.title,
    title2: 'On Deck',
  });
};

const globalOnDeck: Handler = (ctx) =>
  listContainer(ctx, onDeck(ctx.catalog), { ...libraryFields(), mixedParents: true });

const continueWatchingHub: Handler = (ctx) => {
  const items = onDeck(ctx.catalog);
  const count = parseNonNegativeInt(ctx.query.get('count') ?? undefined, 'count') ?? 10;
  const shown = items.slice(0, count);
  const hub: Json = {
    hubKey: `/library/metadata/${shown.map((i) => i.ratingKey).join(',')}`,
    key: '/hubs/continueWatching/items',
    title: 'Continue Watching',
    type: 'mixed',
    hubIdentifier: 'home.continue',
    context: 'hub.home.continue',
    size: shown.length,
    more: items.length > shown.length,
    style: 'hero',
    promoted: true,
  };
  if (shown.length > 0) hub.Metadata = shown.map((item) => listMetadata(item));
  return container({ size: 1, allowSync: true, identifier: LIBRARY_IDENTIFIER, Hub: [hub] });
};

const metadata: Handler = (ctx, [ids = '']) => {
  const keys = ids.split(',').filter((k) => k.length > 0);
  const items = keys.map((k) => ctx.catalog.byRatingKey.get(k)).filter((i): i is SimItem => i !== undefined);
  if (items.length === 0) throw new HttpError(404, `no item ${ids}`);
  const options = {
    chapters: ctx.query.get('includeChapters') === '1',
    markers: ctx.query.get('includeMarkers') === '1',
  };
  const sectionKeys = new Set(items.map((i) => String(i.librarySectionID)));
  const section =
    sectionKeys.size === 1 ? ctx.catalog.sections.find((s) => sectionKeys.has(s.key)) : undefined;
  return container({
    size: items.length,
    ...libraryFields(section),
    Metadata: items.map((item) => detailMetadata(item, options)),
  });
};

function containerTitles(item: SimItem): Json {
  return {
    key: item.ratingKey,
    parentIndex: item.index,
    parentTitle: item.title,
    parentYear: item.year,
    thumb: item.thumb,
    art: item.art,
    title1: item.parentTitle ?? item.librarySectionTitle,
    title2: item.title,
    viewGroup: childType(item.type),
  };
}

function childType(type: SimItem['type']): string {
  return (
    { show: 'season', season: 'episode', artist: 'album', album: 'track', photoalbum: 'photo' }[
      type as 'show'
    ] ?? type
  );
}

const children: Handler = (ctx, [id = '']) => {
  const item = findItem(ctx, id);
  const section = ctx.catalog.sections.find((s) => s.key === String(item.librarySectionID));
  return listContainer(ctx, ctx.catalog.childrenOf.get(item.ratingKey) ?? [], {
    ...libraryFields(section),
    ...containerTitles(item),
  });
};

const allLeaves: Handler = (ctx, [id = '']) => {
  const item = findItem(ctx, id);
  const section = ctx.catalog.sections.find((s) => s.key === String(item.librarySectionID));
  return listContainer(ctx, leavesOf(ctx.catalog, item), {
    ...libraryFields(section),
    ...containerTitles(item),
    viewGroup: item.type === 'artist' ? 'track' : item.type === 'photoalbum' ? 'photo' : 'episode',
  });
};

// ---- search ----------------------------------------------------------------------------------------------

const searchHubs: Handler = (ctx) => {
  const query = ctx.query.get('query');
  if (query === null || query.trim() === '') throw new BadRequestError('query is required');
  const limit = parseNonNegativeInt(ctx.query.get('limit') ?? undefined, 'limit') ?? 3;
  const sectionId = ctx.query.get('sectionId') ?? undefined;
  const hubs = hubSearch(ctx.catalog, query, sectionId).map(({ hub, items, tags }) => {
    const out: Json = {
      title: hub.title,
      type: hub.type,
      hubIdentifier: hub.hubIdentifier,
      context: `hub.${hub.hubIdentifier}`,
      size: 0,
      more: false,
      style: 'shelf',
    };
    if (items.length > 0) {
      const shown = items.slice(0, limit);
      out.size = shown.length;
      out.more = items.length > shown.length;
      out.hubKey = `/library/metadata/${shown.map((h) => h.item.ratingKey).join(',')}`;
      out.Metadata = shown.map((hit) => ({ ...listMetadata(hit.item), score: hit.score, ...hit.reason }));
    } else if (tags.length > 0) {
      const shown = tags.slice(0, limit);
      out.size = shown.length;
      out.more = tags.length > shown.length;
      out.Directory = shown.map((t) => ({
        key: `/library/sections/${t.section.key}/all?${t.filter}`,
        librarySectionID: Number(t.section.key),
        librarySectionKey: `/library/sections/${t.section.key}`,
        librarySectionTitle: t.section.title,
        librarySectionType: { movie: 1, show: 2, artist: 8, photo: 13 }[t.section.type],
        reason: 'section',
        reasonID: Number(t.section.key),
        reasonTitle: t.section.title,
        score: t.score,
        type: 'tag',
        id: t.id,
        filter: t.filter,
        tag: t.tag,
        tagType: t.tagType,
        ...(t.tagKey ? { tagKey: t.tagKey } : {}),
        ...(t.thumb ? { thumb: t.thumb } : {}),
        count: t.count,
      }));
    }
    return out;
  });
  return container({ size: hubs.length, Hub: hubs });
};

// ---- sessions and players ---------------------------------------------------------------------------------

const statusSessions: Handler = (ctx) => {
  // reported(), not list(): in the lagging mode a stopped stream stays here for a while, as on real PMS.
  const list = ctx.sessions.reported();
  const body: Json = { size: list.length };
  if (list.length > 0) body.Metadata = list.map((s) => sessionMetadata(s, ctx.sessions.item(s)));
  return container(body);
};

const photoTranscode: Handler = (ctx) => {
  try {
    const photo = transcodePhoto(ctx.catalog, ctx.query);
    return { body: {}, binary: { contentType: photo.contentType, data: photo.data } };
  } catch (error) {
    if (error instanceof PhotoNotFoundError) throw new HttpError(404, error.message);
    throw error;
  }
};

export const ROUTES: readonly Route[] = [
  { pattern: /^\/$/, methods: READ, handler: serverInfo },
  { pattern: /^\/identity$/, methods: READ, handler: identity },
  { pattern: /^\/accounts$/, methods: READ, handler: accounts },
  { pattern: /^\/clients$/, methods: READ, handler: clients },
  { pattern: /^\/library\/sections(?:\/all)?$/, methods: READ, handler: sections },
  { pattern: /^\/library\/sections\/(\d+)$/, methods: READ, handler: sectionDetails },
  { pattern: /^\/library\/sections\/(\d+)\/all$/, methods: READ, handler: sectionAll },
  { pattern: /^\/library\/sections\/(\d+)\/recentlyAdded$/, methods: READ, handler: sectionRecentlyAdded },
  { pattern: /^\/library\/sections\/(\d+)\/onDeck$/, methods: READ, handler: sectionOnDeck },
  { pattern: /^\/library\/recentlyAdded$/, methods: READ, handler: globalRecentlyAdded },
  { pattern: /^\/library\/onDeck$/, methods: READ, handler: globalOnDeck },
  { pattern: /^\/hubs\/continueWatching$/, methods: READ, handler: continueWatchingHub },
  { pattern: /^\/hubs\/continueWatching\/items$/, methods: READ, handler: globalOnDeck },
  { pattern: /^\/hubs\/search$/, methods: READ, handler: searchHubs },
  { pattern: /^\/library\/metadata\/([\d,]+)$/, methods: READ, handler: metadata },
  { pattern: /^\/library\/metadata\/(\d+)\/children$/, methods: READ, handler: children },
  { pattern: /^\/library\/metadata\/(\d+)\/allLeaves$/, methods: READ, handler: allLeaves },
  { pattern: /^\/status\/sessions$/, methods: READ, handler: statusSessions },
  { pattern: /^\/photo\/:\/transcode$/, methods: READ, handler: photoTranscode },
  { pattern: /^\/devices$/, methods: READ, handler: devices },
  { pattern: /^\/library\/sections\/(\d+)\/genre$/, methods: READ, handler: sectionGenres },
  ...HISTORY_ROUTES,
  ...WATCH_ROUTES,
  ...PLAYLIST_ROUTES,
  ...PLAYBACK_ROUTES,
  ...LIVE_ROUTES,
];

/** Paths PMS serves without a token. /identity is widely used as an unauthenticated health check. */
export const UNAUTHENTICATED_PATHS: ReadonlySet<string> = new Set(['/identity']);
