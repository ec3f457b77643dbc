import type { Playlist } from '../domain/playlist.ts';
import { mediaIdArg } from './arguments.ts';
import { formatDuration } from './format-text.ts';
import { ToolError } from './tool-error.ts';

/** A playlist id (ratingKey), string or number. */
export const playlistIdArg = () => mediaIdArg();

export function describePlaylist(p: Playlist): string {
  const length = p.duration_ms ? `, ${formatDuration(p.duration_ms)}` : '';
  return `"${p.title}" [${p.type}${p.smart ? ', smart' : ''} playlist, id ${p.id}], ${p.item_count} item(s)${length}`;
}

/**
 * The one smart-playlist check of the item-changing tools: a smart playlist's items come from its rules, so adding or
 * removing items is refused (invalid_request on playlist_id), saying what to do instead.
 */
export function refuseSmartPlaylist(playlist: Playlist, change: 'added' | 'removed'): void {
  if (!playlist.smart) return;
  throw new ToolError(
    'invalid_request',
    `playlist_id: "${playlist.title}" is a smart playlist; its items come from its rules, so items cannot be ${change} (change its rules instead).`,
    { field: 'playlist_id' },
  );
}
