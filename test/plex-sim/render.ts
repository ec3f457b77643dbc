// Turns catalog records into the JSON shapes PMS sends. PMS trims items differently per endpoint:
// list endpoints cut tags down to a few `{tag}` entries and drop Stream/Chapter/Marker; the details call
// (/library/metadata/{id}) sends everything, with Chapter[]/Marker[] only when includeChapters/includeMarkers=1.

import type { SimItem, SimMedia, SimPlayer, SimSection, SimTag } from './catalog.ts';
import type { SimSession } from './sessions.ts';

export type Json = Record<string, unknown>;

export const LIBRARY_IDENTIFIER = 'com.plexapp.plugins.library';
export const MEDIA_TAG_PREFIX = '/system/bundle/media/flags/';
export const MEDIA_TAG_VERSION = 1_739_271_614;

export interface DetailOptions {
  chapters: boolean;
  markers: boolean;
}

/** Full item, as /library/metadata/{id} sends it. */
export function detailMetadata(item: SimItem, options: DetailOptions): Json {
  const { Chapter, Marker, ...rest } = item;
  const out: Json = { ...rest };
  if (options.chapters && Chapter && Chapter.length > 0) out.Chapter = Chapter;
  if (options.markers && Marker && Marker.length > 0) out.Marker = Marker;
  return dropEmptyArrays(out);
}

const LIST_TAG_LIMITS = { Genre: 2, Country: 2, Director: 1, Writer: 1, Role: 3 } as const;

/** Trimmed item, as list endpoints (sections/all, children, hubs, on deck...) send it. */
export function listMetadata(item: SimItem, options: { guids?: boolean } = {}): Json {
  const { Chapter: _c, Marker: _m, Producer: _p, Guid, Media, ...rest } = item;
  const out: Json = { ...rest };
  for (const [field, limit] of Object.entries(LIST_TAG_LIMITS)) {
    const tags = item[field as keyof typeof LIST_TAG_LIMITS] as SimTag[] | undefined;
    if (tags) out[field] = tags.slice(0, limit).map((t) => ({ tag: t.tag }));
  }
  if (options.guids && Guid) out.Guid = Guid;
  if (Media) out.Media = Media.map(listMedia);
  return dropEmptyArrays(out);
}

function listMedia(media: SimMedia): Json {
  return { ...media, Part: media.Part.map(({ Stream: _s, ...part }) => part) };
}

/** Plex omits empty arrays rather than sending `[]`; clients must treat a missing array as empty. */
function dropEmptyArrays(out: Json): Json {
  for (const [key, value] of Object.entries(out)) {
    if (Array.isArray(value) && value.length === 0) delete out[key];
  }
  return out;
}

export function sectionDirectory(section: SimSection): Json {
  return { ...section };
}

export function playerServerEntry(player: SimPlayer): Json {
  const { platform: _p, platformVersion: _pv, device: _d, model: _m, ...rest } = player;
  return rest;
}

/** One /status/sessions entry: the item plus sessionKey, viewOffset, User, Player, Session (and TranscodeSession). */
export function sessionMetadata(session: SimSession, item: SimItem): Json {
  const out = listMetadata(item);
  const decision = session.transcoding ? 'transcode' : 'directplay';
  out.sessionKey = session.sessionKey;
  out.viewOffset = session.viewOffset;
  out.Media = (item.Media ?? []).map((media) => ({
    ...media,
    selected: true,
    Part: media.Part.map((part) => ({
      ...part,
      decision,
      selected: true,
      Stream: part.Stream.map((stream) => ({
        ...stream,
        decision: session.transcoding && stream.streamType === 1 ? 'transcode' : 'copy',
        location: session.transcoding ? 'segments-av' : 'direct',
      })),
    })),
  }));
  out.User = { id: String(session.userId), title: session.userTitle, thumb: session.userThumb };
  const p = session.player;
  out.Player = {
    address: p.address,
    device: p.device,
    machineIdentifier: p.machineIdentifier,
    model: p.model,
    platform: p.platform,
    platformVersion: p.platformVersion,
    product: p.product,
    profile: p.product,
    remotePublicAddress: session.location === 'wan' ? '203.0.113.24' : p.address,
    state: session.state,
    title: p.name,
    version: p.version,
    local: session.location === 'lan',
    relayed: false,
    secure: true,
    userID: session.userId,
  };
  out.Session = { id: session.sessionId, bandwidth: session.bandwidth, location: session.location };
  if (session.transcoding) {
    out.TranscodeSession = {
      key: `/transcode/sessions/${session.sessionId}`,
      throttled: true,
      complete: false,
      progress: 12.5,
      size: -22,
      speed: 1.9,
      error: false,
      duration: item.duration,
      context: 'streaming',
      sourceVideoCodec: item.Media?.[0]?.videoCodec,
      sourceAudioCodec: item.Media?.[0]?.audioCodec,
      videoDecision: 'transcode',
      audioDecision: 'copy',
      protocol: 'hls',
      container: 'mpegts',
      videoCodec: 'h264',
      audioCodec: item.Media?.[0]?.audioCodec,
      audioChannels: item.Media?.[0]?.audioChannels,
      transcodeHwRequested: true,
      timeStamp: 1_767_225_600.5,
      maxOffsetAvailable: session.viewOffset / 1000 + 60,
      minOffsetAvailable: session.viewOffset / 1000 - 30,
    };
  }
  return out;
}
