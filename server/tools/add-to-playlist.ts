import { z } from 'zod';
import { PlaylistSchema } from '../domain/playlist.ts';
import { mediaIdArg } from './arguments.ts';
import { defineTool } from './define-tool.ts';
import { describePlaylist, playlistIdArg, refuseSmartPlaylist } from './playlist-support.ts';
import { ToolError } from './tool-error.ts';
import { currentItem, invalidateAfterWrite, playlistKindOf } from './write-support.ts';

export const addToPlaylistTool = defineTool({
  name: 'add_to_playlist',
  title: 'Add to a playlist',
  description: 'Append items to a playlist (shows and albums add all their episodes or tracks).',
  input: z.strictObject({
    playlist_id: playlistIdArg(),
    media_ids: z.array(mediaIdArg()).min(1).max(500),
  }),
  output: z.object({ playlist: PlaylistSchema, added: z.number().int(), message: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  category: 'library',
  async run(args, deps) {
    const before = await deps.plex.getPlaylist(args.playlist_id);
    refuseSmartPlaylist(before, 'added');
    const items = await Promise.all(args.media_ids.map((id) => currentItem(id, deps)));
    const wrong = items.filter((i) => playlistKindOf(i.type) !== before.type);
    if (wrong.length > 0) {
      throw new ToolError(
        'invalid_request',
        `media_ids: "${before.title}" is a ${before.type} playlist; ${wrong.map((i) => `${i.title} (${i.type})`).join(', ')} cannot go in it.`,
        { field: 'media_ids' },
      );
    }
    const playlist = await deps.plex.addToPlaylist(before.id, args.media_ids);
    await invalidateAfterWrite(deps, ['playlists']);
    const added = playlist.item_count - before.item_count;
    const message = `Added ${added} item(s) to ${describePlaylist(playlist)}.`;
    return { structured: { playlist, added, message }, text: message, source: 'plex' };
  },
});
