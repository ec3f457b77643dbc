import { z } from 'zod';
import { freshnessFields } from '../domain/freshness.ts';
import { PLAYLIST_TYPES, PlaylistSchema } from '../domain/playlist.ts';
import { defineTool } from './define-tool.ts';
import { withWarning } from './format-text.ts';
import { freshnessOf } from './freshness.ts';
import { describePlaylist } from './playlist-support.ts';

export const listPlaylistsTool = defineTool({
  name: 'list_playlists',
  title: 'List playlists',
  description: "The server owner's playlists (video, audio or photo; smart ones are rule-based).",
  input: z.strictObject({ type: z.enum(PLAYLIST_TYPES).optional().describe('Only this kind') }),
  output: z.object({
    count: z.number().int().nonnegative(),
    playlists: z.array(PlaylistSchema),
    ...freshnessFields,
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  category: 'read',
  async run(args, deps) {
    const lookup = await deps.cache.getOrLoad(
      'playlists',
      { list: args.type ?? null },
      () => deps.plex.listPlaylists(args.type),
      z.array(PlaylistSchema),
    );
    const playlists = lookup.value;
    const { fields, warning } = freshnessOf(lookup);
    const text =
      playlists.length === 0
        ? `No ${args.type ?? ''} playlists.`.replace('  ', ' ')
        : [`${playlists.length} playlist(s):`, ...playlists.map((p) => `- ${describePlaylist(p)}`)].join(
            '\n',
          );
    return {
      structured: { count: playlists.length, playlists, ...fields },
      text: withWarning(text, warning),
      source: lookup.source,
    };
  },
});
