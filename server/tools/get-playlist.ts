import { z } from 'zod';
import { freshnessFields } from '../domain/freshness.ts';
import { MediaItemSchema } from '../domain/media.ts';
import { PlaylistSchema } from '../domain/playlist.ts';
import { limitArg } from './arguments.ts';
import { defineTool } from './define-tool.ts';
import { describeItem, withWarning } from './format-text.ts';
import { freshnessOf, stalestOf } from './freshness.ts';
import { withinAllowedLibraries } from './library-resolver.ts';
import { describePlaylist, playlistIdArg } from './playlist-support.ts';

/** What the cache holds: checked when read back (a bad shared-Redis entry is a miss). */
const CACHED_ENTRIES = z.object({
  entries: z.array(z.object({ entryId: z.string().optional(), item: MediaItemSchema })),
  total: z.number(),
});

export const getPlaylistTool = defineTool({
  name: 'get_playlist',
  title: 'Get a playlist',
  description: 'One playlist (id from list_playlists) and its items in play order, with their media ids.',
  input: z.strictObject({ playlist_id: playlistIdArg(), limit: limitArg(200, 50) }),
  output: z.object({
    playlist: PlaylistSchema,
    count: z.number().int().nonnegative(),
    items: z.array(MediaItemSchema),
    ...freshnessFields,
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  category: 'read',
  async run(args, deps) {
    const [meta, content] = await Promise.all([
      deps.cache.getOrLoad(
        'playlists',
        { one: args.playlist_id },
        () => deps.plex.getPlaylist(args.playlist_id),
        PlaylistSchema,
      ),
      deps.cache.getOrLoad(
        'playlists',
        { items: args.playlist_id, limit: args.limit },
        () => deps.plex.getPlaylistItems(args.playlist_id, args.limit),
        CACHED_ENTRIES,
      ),
    ]);
    const items = await withinAllowedLibraries(
      content.value.entries.map((e) => e.item),
      (i) => i.library_id,
      deps,
    );
    const playlist = meta.value;
    const { fields, warning } = freshnessOf(stalestOf(meta, content));
    const text = [
      `${describePlaylist(playlist)}${items.length < playlist.item_count ? `; first ${items.length}` : ''}:`,
      ...items.map((i, n) => `${n + 1}. ${describeItem(i)}`),
    ].join('\n');
    return {
      structured: { playlist, count: items.length, items, ...fields },
      text: withWarning(text, warning),
      source: content.source,
    };
  },
});
