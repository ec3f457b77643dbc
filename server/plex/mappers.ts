import type { z } from 'zod';
import type { WatchHistoryEntry } from '../domain/history.ts';
import type { Library } from '../domain/library.ts';
import { type ChildItem, displayTitle, type MediaDetails, type MediaItem } from '../domain/media.ts';
import type { OnDeckItem } from '../domain/on-deck.ts';
import type { ControllablePlayer } from '../domain/player.ts';
import { PLAYLIST_TYPES, type Playlist } from '../domain/playlist.ts';
import { PLAYER_STATES, type PlaybackSession } from '../domain/session.ts';
import type {
  ClientsContainer,
  PlexDirectorySection,
  PlexMediaItem,
  PlexMetadata,
} from './response-schemas.ts';

/** Plex `*At` timestamps are Unix seconds; we hand out ISO strings. */
export function unixSecondsToIso(seconds: number | undefined): string | undefined {
  if (seconds === undefined || seconds <= 0) return undefined;
  return new Date(seconds * 1000).toISOString();
}

function int(n: number | undefined): number | undefined {
  return n === undefined ? undefined : Math.max(0, Math.round(n));
}

/**
 * A copy of `value` without its undefined properties, in the same order. A copy and not `delete`: deleting a property
 * turns an object into a slow dictionary-mode one, and every later read of it (the SDK's output-schema check,
 * JSON.stringify, the text) pays for that; building 50 list items this way took half the time of mapping them.
 */
function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out as T;
}

export function toMediaItem(
  m: PlexMediaItem,
  context: { librarySectionID?: string; librarySectionTitle?: string } = {},
): MediaItem {
  const type = m.type ?? 'unknown';
  return withoutUndefined({
    id: m.ratingKey,
    type,
    title: m.title ?? '(untitled)',
    year: int(m.year),
    summary: m.summary || undefined,
    library_id: m.librarySectionID ?? context.librarySectionID,
    library_name: m.librarySectionTitle ?? context.librarySectionTitle,
    show_title: type === 'episode' ? m.grandparentTitle : type === 'season' ? m.parentTitle : undefined,
    season_number: type === 'episode' ? int(m.parentIndex) : type === 'season' ? int(m.index) : undefined,
    episode_number: type === 'episode' ? int(m.index) : undefined,
    artist: type === 'track' ? m.grandparentTitle : type === 'album' ? m.parentTitle : undefined,
    album: type === 'track' ? m.parentTitle : undefined,
    duration_ms: int(m.duration),
    added_at: unixSecondsToIso(m.addedAt),
    rating: m.rating,
    content_rating: m.contentRating || undefined,
    view_count: int(m.viewCount),
    view_offset_ms: int(m.viewOffset),
    thumb: m.thumb,
  });
}

export function toMediaDetails(
  m: PlexMetadata,
  options: { includeCast: boolean; includeChapters: boolean },
  context: { librarySectionID?: string; librarySectionTitle?: string } = {},
): MediaDetails {
  const tags = (list: { tag?: string }[]) => list.map((t) => t.tag).filter((t): t is string => !!t);
  const details: MediaDetails = withoutUndefined({
    ...toMediaItem(m, context),
    genres: tags(m.Genre),
    directors: tags(m.Director),
    writers: tags(m.Writer),
    countries: tags(m.Country),
    media: m.Media.map((media) => {
      const part = media.Part[0];
      return withoutUndefined({
        resolution: media.videoResolution,
        video_codec: media.videoCodec,
        audio_codec: media.audioCodec,
        audio_channels: int(media.audioChannels),
        container: media.container ?? part?.container,
        bitrate_kbps: int(media.bitrate),
        duration_ms: int(media.duration),
        file: part?.file,
        size_bytes: part?.size,
      });
    }),
    tagline: m.tagline || undefined,
    studio: m.studio || undefined,
    originally_available_at: m.originallyAvailableAt,
    audience_rating: m.audienceRating,
    child_count: int(m.childCount),
    leaf_count: int(m.leafCount),
    viewed_leaf_count: int(m.viewedLeafCount),
    last_viewed_at: unixSecondsToIso(m.lastViewedAt),
    user_rating: m.userRating,
  });
  if (options.includeCast) {
    details.cast = m.Role.filter((r) => !!r.tag).map((r) =>
      withoutUndefined({ name: r.tag as string, role: r.role }),
    );
  }
  if (options.includeChapters) {
    details.chapters = m.Chapter.map((c, i) =>
      withoutUndefined({
        index: int(c.index) ?? i + 1,
        title: c.tag,
        start_ms: int(c.startTimeOffset) ?? 0,
        end_ms: int(c.endTimeOffset) ?? 0,
      }),
    );
  }
  return details;
}

export function toLibrary(d: PlexDirectorySection): Library {
  return withoutUndefined({
    id: d.key,
    name: d.title ?? `Library ${d.key}`,
    type: d.type ?? 'unknown',
    agent: d.agent,
    language: d.language,
    locations: d.Location.map((l) => l.path).filter((p): p is string => !!p),
    refreshing: d.refreshing,
    updated_at: unixSecondsToIso(d.updatedAt),
    scanned_at: unixSecondsToIso(d.scannedAt),
  });
}

function percent(position: number | undefined, duration: number | undefined): number | undefined {
  if (position === undefined || !duration || duration <= 0) return undefined;
  return Math.min(100, Math.round((position / duration) * 1000) / 10);
}

export function toPlaybackSession(m: PlexMetadata): PlaybackSession {
  const rawState = m.Player?.state;
  const state = (PLAYER_STATES as readonly string[]).includes(rawState ?? '')
    ? (rawState as PlaybackSession['state'])
    : 'unknown';
  const position = int(m.viewOffset) ?? 0;
  const duration = int(m.duration);
  const decisions = m.Media.flatMap((media) => media.Part.map((p) => p.decision));
  return withoutUndefined({
    // Session.id identifies the stream (and terminates it); sessionKey is the fallback older servers send.
    session_id: m.Session?.id ?? m.sessionKey ?? m.ratingKey,
    user: m.User?.title ?? 'unknown',
    player: withoutUndefined({
      name: m.Player?.title ?? m.Player?.product ?? 'unknown player',
      id: m.Player?.machineIdentifier ?? '',
      product: m.Player?.product,
      platform: m.Player?.platform,
      device: m.Player?.device,
      address: m.Player?.address,
      local: m.Player?.local,
    }),
    state,
    media: toMediaItem(m),
    position_ms: position,
    duration_ms: duration,
    progress_percent: percent(position, duration),
    transcoding: m.TranscodeSession !== undefined || decisions.includes('transcode'),
    location: m.Session?.location,
    bandwidth_kbps: m.Session?.bandwidth,
  });
}

export function toOnDeckItem(m: PlexMetadata): OnDeckItem {
  const item = toMediaItem(m);
  const position = int(m.viewOffset) ?? 0;
  return withoutUndefined({
    ...item,
    position_ms: position,
    progress_percent: percent(position, item.duration_ms),
  });
}

/** A history entry without its relative age (the tool adds that when it answers, so a cached list stays right). */
export function toHistoryEntry(
  m: PlexMetadata,
  names: { accounts: Map<string, string>; devices: Map<string, string> },
): Omit<WatchHistoryEntry, 'ago'> {
  const item = toMediaItem(m);
  return withoutUndefined({
    history_id: m.historyKey?.split('/').at(-1) ?? `${m.ratingKey}@${m.viewedAt ?? 0}`,
    media_id: m.ratingKey,
    type: item.type,
    title: displayTitle(item),
    library_id: item.library_id,
    user: (m.accountID && names.accounts.get(m.accountID)) || `account ${m.accountID ?? '?'}`,
    viewed_at: unixSecondsToIso(m.viewedAt) ?? new Date(0).toISOString(),
    player: m.deviceID ? names.devices.get(m.deviceID) : undefined,
  });
}

export function toPlaylist(m: PlexMetadata): Playlist {
  const type = (PLAYLIST_TYPES as readonly string[]).includes(m.playlistType ?? '')
    ? (m.playlistType as Playlist['type'])
    : 'video';
  return withoutUndefined({
    id: m.ratingKey,
    title: m.title ?? '(untitled)',
    type,
    smart: m.smart ?? false,
    item_count: int(m.leafCount) ?? 0,
    duration_ms: int(m.duration),
    updated_at: unixSecondsToIso(m.updatedAt),
  });
}

type PlexClientEntry = z.output<typeof ClientsContainer>['MediaContainer']['Server'][number];

/** A /clients entry; controllable when it advertises the playback capability (REFERENCE.md §3.8). */
export function toControllablePlayer(c: PlexClientEntry): ControllablePlayer | undefined {
  if (!c.machineIdentifier) return undefined;
  const capabilities = (c.protocolCapabilities ?? '').split(',').map((x) => x.trim());
  return withoutUndefined({
    name: c.name ?? c.product ?? c.machineIdentifier,
    id: c.machineIdentifier,
    product: c.product,
    platform: c.platform,
    address: c.address ?? c.host,
    controllable: capabilities.includes('playback'),
  });
}

export function toChildItem(
  m: PlexMetadata,
  context: { librarySectionID?: string; librarySectionTitle?: string } = {},
): ChildItem {
  const leaves = int(m.leafCount);
  return withoutUndefined({
    ...toMediaItem(m, context),
    leaf_count: leaves,
    unwatched_count: leaves === undefined ? undefined : Math.max(0, leaves - (int(m.viewedLeafCount) ?? 0)),
  });
}
