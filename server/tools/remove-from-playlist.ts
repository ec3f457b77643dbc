import { z } from 'zod';
import { mediaIdArg } from './arguments.ts';
import { askBeforeActing, confirmArg, confirmationFields } from './confirmation.ts';
import { defineTool } from './define-tool.ts';
import { describeItem } from './format-text.ts';
import { describePlaylist, playlistIdArg, refuseSmartPlaylist } from './playlist-support.ts';
import { ToolError } from './tool-error.ts';
import { invalidateAfterWrite } from './write-support.ts';

/** Plex playlists are small; one page this large holds any real one (entries are matched by media id). */
const MAX_ENTRIES = 10_000;

export const removeFromPlaylistTool = defineTool({
  name: 'remove_from_playlist',
  title: 'Remove from a playlist',
  description:
    'Remove items (media ids, every occurrence) from a playlist. Asks the user first: a form, or a preview and a ' +
    'confirm token to pass back.',
  input: z.strictObject({
    playlist_id: playlistIdArg(),
    items: z.array(mediaIdArg()).min(1).max(500).describe('Media ids to remove'),
    confirm: confirmArg(),
  }),
  output: z.object({
    ...confirmationFields,
    removed: z.array(z.string()).describe('Media ids removed or to remove'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  category: 'library',
  async run(args, deps) {
    const playlist = await deps.plex.getPlaylist(args.playlist_id);
    refuseSmartPlaylist(playlist, 'removed');
    // Plex removes by playlist entry id, not media id: map the ids the assistant knows to the entries.
    const { entries } = await deps.plex.getPlaylistItems(playlist.id, MAX_ENTRIES);
    const wanted = new Set(args.items);
    const matching = entries.filter((e) => wanted.has(e.item.id) && e.entryId !== undefined);
    const missing = args.items.filter((id) => !matching.some((e) => e.item.id === id));
    if (missing.length > 0) {
      throw new ToolError('not_found', `items: ${missing.join(', ')} not in ${describePlaylist(playlist)}.`, {
        field: 'items',
        missing,
      });
    }
    const removed = [...new Set(matching.map((e) => e.item.id))];
    const titles = matching.map((e) => describeItem(e.item));
    const preview = await askBeforeActing('remove_from_playlist', args, deps, {
      message: `This removes ${matching.length} entr${matching.length === 1 ? 'y' : 'ies'} from ${describePlaylist(playlist)}: ${titles.join('; ')}.`,
      structured: { removed },
    });
    if (preview) return preview;
    for (const entry of matching) await deps.plex.removePlaylistEntry(playlist.id, entry.entryId as string);
    await invalidateAfterWrite(deps, ['playlists']);
    const message = `Removed ${matching.length} entr${matching.length === 1 ? 'y' : 'ies'} from "${playlist.title}": ${titles.join('; ')}.`;
    return { structured: { status: 'done' as const, message, removed }, text: message, source: 'plex' };
  },
});
