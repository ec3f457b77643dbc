import { z } from 'zod';
import { askBeforeActing, confirmArg, confirmationFields } from './confirmation.ts';
import { defineTool } from './define-tool.ts';
import { describePlaylist, playlistIdArg } from './playlist-support.ts';
import { invalidateAfterWrite } from './write-support.ts';

export const deletePlaylistTool = defineTool({
  name: 'delete_playlist',
  title: 'Delete a playlist',
  description:
    'Delete a playlist (its media stay). Asks the user first: a form, or a preview and a confirm token to pass back.',
  input: z.strictObject({ playlist_id: playlistIdArg(), confirm: confirmArg() }),
  output: z.object({ ...confirmationFields, playlist_id: z.string(), title: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  category: 'library',
  async run(args, deps) {
    const playlist = await deps.plex.getPlaylist(args.playlist_id);
    const facts = { playlist_id: playlist.id, title: playlist.title };
    const preview = await askBeforeActing('delete_playlist', args, deps, {
      message: `This deletes ${describePlaylist(playlist)}. It cannot be undone.`,
      structured: facts,
    });
    if (preview) return preview;
    await deps.plex.deletePlaylist(playlist.id);
    await invalidateAfterWrite(deps, ['playlists']);
    const message = `Deleted the playlist "${playlist.title}" (id ${playlist.id}).`;
    return { structured: { status: 'done' as const, message, ...facts }, text: message, source: 'plex' };
  },
});
