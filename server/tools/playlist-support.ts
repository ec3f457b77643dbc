import type { Playlist } from '../domain/playlist.ts';
import { mediaIdArg } from './arguments.ts';
import { formatDuration } from './format-text.ts';

/** A playlist id (ratingKey), string or number. */
export const playlistIdArg = () => mediaIdArg();

export function describePlaylist(p: Playlist): string {
  const length = p.duration_ms ? `, ${formatDuration(p.duration_ms)}` : '';
  return `"${p.title}" [${p.type}${p.smart ? ', smart' : ''} playlist, id ${p.id}], ${p.item_count} item(s)${length}`;
}
