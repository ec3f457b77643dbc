import type { CacheableKind } from '../cache/tool-cache.ts';
import type { MediaDetails } from '../domain/media.ts';
import type { MediaKind } from '../plex/plex-client.ts';
import { assertLibraryAllowed } from './library-resolver.ts';
import type { ToolDeps } from './tool-deps.ts';

/** Cached answers a change to watch state makes wrong (items carry view counts and resume points). */
export const WATCH_STATE_KINDS: readonly CacheableKind[] = [
  'mediaDetails',
  'onDeck',
  'browse',
  'search',
  'recentlyAdded',
];

/**
 * Drops the cached answers a write made wrong and tells resource subscribers (on every replica); a failure is
 * logged, never fails the write that succeeded.
 */
export async function invalidateAfterWrite(deps: ToolDeps, kinds: readonly CacheableKind[]): Promise<void> {
  deps.notifyChanged?.(kinds);
  await Promise.all(
    kinds.map((kind) =>
      deps.cache.invalidate(kind).catch((error: unknown) => {
        deps.logger.warn({ err: error, kind }, 'could not invalidate cached answers after a write');
      }),
    ),
  );
}

/** The current item (never a cached copy: a write acts on what is there now), refused outside PLEX_LIBRARIES. */
export async function currentItem(mediaId: string, deps: ToolDeps): Promise<MediaDetails> {
  const item = await deps.plex.getMediaDetails(mediaId, { includeCast: false, includeChapters: false });
  await assertLibraryAllowed(item.library_id, deps);
  return item;
}

export function mediaKindOf(type: string): MediaKind {
  if (type === 'track' || type === 'album' || type === 'artist') return 'music';
  if (type === 'photo' || type === 'photoalbum') return 'photo';
  return 'video';
}

/** The playlist kind an item belongs in (Plex keeps video, audio and photo playlists apart). */
export function playlistKindOf(type: string): 'video' | 'audio' | 'photo' {
  const kind = mediaKindOf(type);
  return kind === 'music' ? 'audio' : kind;
}
