import { z } from 'zod';

/**
 * Lenient schemas for the JSON Plex Media Server returns. Real servers send numbers and booleans as strings in some
 * endpoints ("score":"0.73", "1"/"0"), omit empty arrays, and add fields between versions; these schemas coerce,
 * default and ignore instead of failing. Only a missing MediaContainer makes a response unusable.
 */

/** Plex's numbers: a finite number, or a numeric string ("0.73"); anything else is absent. */
function coerceNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** Plex's strings: a string, or a number or boolean written as one; anything else is absent. */
function coerceString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Plex's booleans: true/false, 1/0, "1"/"0", "true"/"false"; anything else is absent. */
function coerceBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === '1' || v === 'true') return true;
  if (v === 0 || v === '0' || v === 'false') return false;
  return undefined;
}

/** Ids (ratingKey, section key): Plex sends numbers or strings; a number becomes its string. */
function coerceId(v: unknown): unknown {
  return typeof v === 'number' ? String(v) : v;
}

const looseNumber = z.preprocess(coerceNumber, z.number().optional());
const looseString = z.preprocess(coerceString, z.string().optional());
const looseBoolean = z.preprocess(coerceBoolean, z.boolean().optional());
const looseId = z.preprocess(coerceId, z.string().min(1));

/**
 * Each looseArray's member schema. Its members are parsed inside a transform, where a walk of the schema does not
 * see them: the idle warm-up (server/startup/idle-warm-up.ts) asks here to build samples that reach them.
 */
const looseArrayMembers = new WeakMap<z.ZodType, z.ZodType>();

/** The member schema of a looseArray, or undefined for any other schema. */
export function looseArrayMember(schema: unknown): z.ZodType | undefined {
  return typeof schema === 'object' && schema !== null
    ? looseArrayMembers.get(schema as z.ZodType)
    : undefined;
}

/** An array that tolerates absence, a single object instead of a list, and malformed members (dropped). */
function looseArray<T extends z.ZodType>(item: T) {
  const schema = z.preprocess(
    (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.unknown()).transform((values) => {
      const out: z.output<T>[] = [];
      for (const value of values) {
        const parsed = item.safeParse(value);
        if (parsed.success) out.push(parsed.data);
      }
      return out;
    }),
  );
  looseArrayMembers.set(schema, item);
  return schema;
}

const Tag = z.looseObject({ tag: looseString, id: looseNumber, role: looseString });

const Stream = z.looseObject({ streamType: looseNumber, codec: looseString, decision: looseString });
const Part = z.looseObject({
  id: looseNumber,
  file: looseString,
  size: looseNumber,
  duration: looseNumber,
  container: looseString,
  decision: looseString,
  Stream: looseArray(Stream),
});
const Media = z.looseObject({
  duration: looseNumber,
  bitrate: looseNumber,
  videoResolution: looseString,
  videoCodec: looseString,
  audioCodec: looseString,
  audioChannels: looseNumber,
  container: looseString,
  Part: looseArray(Part),
});

const Chapter = z.looseObject({
  index: looseNumber,
  tag: looseString,
  startTimeOffset: looseNumber,
  endTimeOffset: looseNumber,
});

export const PlexUser = z.looseObject({ id: looseString, title: looseString });
export const PlexPlayer = z.looseObject({
  title: looseString,
  machineIdentifier: looseString,
  product: looseString,
  platform: looseString,
  device: looseString,
  address: looseString,
  local: looseBoolean,
  state: looseString,
});
export const PlexSession = z.looseObject({ id: looseString, bandwidth: looseNumber, location: looseString });

/**
 * The fields of a Plex item that toMediaItem (mappers.ts) reads, and nothing else. List answers (recently added,
 * search, browse) are parsed with PlexMediaItem: the full PlexMetadata copies every item's Media, Part, Stream and tag
 * arrays and unknown keys (about 2 MB allocated per 50-item answer, three quarters of an uncached call's garbage)
 * only for the mapper to read a dozen scalars. Same leniency: no other PlexMetadata field can make an item fail
 * (arrays drop bad members, objects catch), so both keep and drop the same items.
 */
const mediaItemKinds = {
  type: 'string',
  title: 'string',
  year: 'number',
  summary: 'string',
  contentRating: 'string',
  rating: 'number',
  duration: 'number',
  viewOffset: 'number',
  viewCount: 'number',
  addedAt: 'number',
  thumb: 'string',
  librarySectionID: 'string',
  librarySectionTitle: 'string',
  parentTitle: 'string',
  parentIndex: 'number',
  grandparentTitle: 'string',
  index: 'number',
} as const;
type MediaItemKinds = typeof mediaItemKinds;
const mediaItemKeys = Object.keys(mediaItemKinds) as (keyof MediaItemKinds)[];

/** One schema per field kind, for each key of `mediaItemKinds`. */
function shapeOf<N, S>(schemas: { number: N; string: S }) {
  return Object.fromEntries(mediaItemKeys.map((key) => [key, schemas[mediaItemKinds[key]]])) as {
    [K in keyof MediaItemKinds]: MediaItemKinds[K] extends 'number' ? N : S;
  };
}

/** The list-item fields as lenient per-field schemas (PlexMetadata reads these and more). */
const mediaItemFields = {
  ratingKey: looseId,
  ...shapeOf({ number: looseNumber, string: looseString }),
};

/**
 * A list item's fields coerced in one pass (the same coerce functions as the per-field schemas), then checked by a
 * plain object schema: the same values and the same verdicts as `z.object(mediaItemFields)` (only a missing or
 * empty ratingKey fails an item) without a preprocess pipe per field per item, which made parsing list answers the
 * largest allocation of an uncached call. Unknown keys are dropped: nothing reads them, and copying them is what
 * costs. Not an object: left as is, for the object schema to refuse as before.
 */
function coerceMediaItem(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const raw = v as Record<string, unknown>;
  const out: Record<string, unknown> = { ratingKey: coerceId(raw.ratingKey) };
  for (const key of mediaItemKeys) {
    const value = mediaItemKinds[key] === 'number' ? coerceNumber(raw[key]) : coerceString(raw[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
export const PlexMediaItem = z.preprocess(
  coerceMediaItem,
  z.object({
    ratingKey: z.string().min(1),
    ...shapeOf({ number: z.number().optional(), string: z.string().optional() }),
  }),
);
export type PlexMediaItem = z.output<typeof PlexMediaItem>;

export const PlexMetadata = z.looseObject({
  ...mediaItemFields,
  key: looseString,
  tagline: looseString,
  studio: looseString,
  audienceRating: looseNumber,
  lastViewedAt: looseNumber,
  originallyAvailableAt: looseString,
  childCount: looseNumber,
  leafCount: looseNumber,
  viewedLeafCount: looseNumber,
  sessionKey: looseString,
  userRating: looseNumber,
  playlistItemID: looseString,
  // history entries (/status/sessions/history/all)
  historyKey: looseString,
  viewedAt: looseNumber,
  accountID: looseString,
  deviceID: looseString,
  // playlists (/playlists)
  smart: looseBoolean,
  playlistType: looseString,
  updatedAt: looseNumber,
  Genre: looseArray(Tag),
  Director: looseArray(Tag),
  Writer: looseArray(Tag),
  Country: looseArray(Tag),
  Role: looseArray(Tag),
  Chapter: looseArray(Chapter),
  Media: looseArray(Media),
  User: PlexUser.optional().catch(undefined),
  Player: PlexPlayer.optional().catch(undefined),
  Session: PlexSession.optional().catch(undefined),
  TranscodeSession: z.looseObject({}).optional().catch(undefined),
});
export type PlexMetadata = z.output<typeof PlexMetadata>;

const Location = z.looseObject({ path: looseString });
export const PlexDirectorySection = z.looseObject({
  key: looseId,
  title: looseString,
  type: looseString,
  agent: looseString,
  language: looseString,
  refreshing: looseBoolean,
  updatedAt: looseNumber,
  scannedAt: looseNumber,
  Location: looseArray(Location),
});
export type PlexDirectorySection = z.output<typeof PlexDirectorySection>;

/** Wraps a container schema: `{ MediaContainer: {...} }` is the envelope of every Plex JSON response. */
function container<T extends z.ZodRawShape>(shape: T) {
  return z.object({ MediaContainer: z.looseObject(shape) });
}

const metadataContainerFields = {
  size: looseNumber,
  totalSize: looseNumber,
  librarySectionID: looseString,
  librarySectionTitle: looseString,
};
export const MetadataContainer = container({
  ...metadataContainerFields,
  Metadata: looseArray(PlexMetadata),
});
/** A list answer read only through toMediaItem (see PlexMediaItem). */
export const MediaItemContainer = container({
  ...metadataContainerFields,
  Metadata: looseArray(PlexMediaItem),
});

export const SectionsContainer = container({ Directory: looseArray(PlexDirectorySection) });

/** Search answers (/hubs/search): their items are read only through toMediaItem (see PlexMediaItem). */
export const HubsContainer = container({
  Hub: looseArray(
    z.looseObject({ type: looseString, hubIdentifier: looseString, Metadata: looseArray(PlexMediaItem) }),
  ),
});

export const IdentityContainer = container({
  machineIdentifier: looseString,
  version: looseString,
  claimed: looseBoolean,
});

export const ServerInfoContainer = container({
  friendlyName: looseString,
  machineIdentifier: looseString,
  version: looseString,
  platform: looseString,
  platformVersion: looseString,
  myPlexUsername: looseString,
  transcoderActiveVideoSessions: looseNumber,
});

export const AccountsContainer = container({
  Account: looseArray(z.looseObject({ id: looseString, name: looseString })),
});

export const DevicesContainer = container({
  Device: looseArray(
    z.looseObject({
      id: looseString,
      name: looseString,
      platform: looseString,
      clientIdentifier: looseString,
    }),
  ),
});

/** `/clients`: players PMS found on the network (REFERENCE.md §3.8). */
export const ClientsContainer = container({
  Server: looseArray(
    z.looseObject({
      name: looseString,
      machineIdentifier: looseString,
      product: looseString,
      platform: looseString,
      address: looseString,
      host: looseString,
      protocolCapabilities: looseString,
    }),
  ),
});

/** Filter listings such as `/library/sections/{id}/genre`: `key` is the value the filter takes. */
export const FilterDirectoryContainer = container({
  Directory: looseArray(z.looseObject({ key: looseString, title: looseString })),
});

/** Every answer schema above, for the idle warm-up (server/startup/idle-warm-up.ts). */
export const PLEX_RESPONSE_SCHEMAS: readonly z.ZodType[] = [
  MetadataContainer,
  MediaItemContainer,
  SectionsContainer,
  HubsContainer,
  IdentityContainer,
  ServerInfoContainer,
  AccountsContainer,
  DevicesContainer,
  ClientsContainer,
  FilterDirectoryContainer,
];
