import { z } from 'zod';
import { PlaylistSchema } from '../domain/playlist.ts';
import { libraryArg, mediaIdArg } from './arguments.ts';
import { genreId } from './browse-library.ts';
import { defineTool } from './define-tool.ts';
import { resolveLibrary } from './library-resolver.ts';
import { describePlaylist } from './playlist-support.ts';
import { ToolError } from './tool-error.ts';
import { currentItem, invalidateAfterWrite, playlistKindOf } from './write-support.ts';

/** What a smart playlist of a library plays (REFERENCE.md §2 type numbers): movies, episodes, tracks, photos. */
const LEAF_TYPE: Record<string, { type: number; kind: 'video' | 'audio' | 'photo' }> = {
  movie: { type: 1, kind: 'video' },
  show: { type: 4, kind: 'video' },
  artist: { type: 10, kind: 'audio' },
  photo: { type: 13, kind: 'photo' },
};

export const createPlaylistTool = defineTool({
  name: 'create_playlist',
  title: 'Create a playlist',
  description:
    'Create a playlist from media_ids (a show or album adds its episodes or tracks) or smart library rules; ' +
    'Plex has no empty playlists.',
  input: z.strictObject({
    title: z.string().trim().min(1).max(200),
    media_ids: z.array(mediaIdArg()).min(1).max(500).optional(),
    smart: z
      .strictObject({
        library: libraryArg(),
        unwatched: z.boolean().optional(),
        genre: z.string().trim().min(1).max(100).optional(),
        year_from: z.number().int().min(1800).max(2200).optional(),
        year_to: z.number().int().min(1800).max(2200).optional(),
      })
      .optional()
      .describe('Rules instead of media_ids'),
  }),
  output: z.object({ playlist: PlaylistSchema, message: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  category: 'library',
  async run(args, deps) {
    if ((args.media_ids === undefined) === (args.smart === undefined)) {
      throw new ToolError(
        'invalid_request',
        'Invalid arguments: give media_ids or smart (not both): Plex cannot create an empty playlist.',
        { fields: ['media_ids', 'smart'] },
      );
    }
    let playlist: z.infer<typeof PlaylistSchema>;
    if (args.smart) {
      const { library } = await resolveLibrary(args.smart.library, deps);
      const leaf = LEAF_TYPE[library.type];
      if (!leaf)
        throw new ToolError('invalid_request', `smart.library: ${library.name} cannot hold a playlist.`);
      const genre =
        args.smart.genre === undefined ? undefined : await genreId(library.id, args.smart.genre, deps);
      playlist = await deps.plex.createPlaylist({
        title: args.title,
        type: leaf.kind,
        source: {
          sectionId: library.id,
          filter: {
            type: leaf.type,
            unwatched: args.smart.unwatched,
            genreId: genre,
            yearFrom: args.smart.year_from,
            yearTo: args.smart.year_to,
          },
        },
      });
    } else {
      const ids = [...new Set(args.media_ids)];
      const items = await Promise.all(ids.map((id) => currentItem(id, deps)));
      const kinds = new Set(items.map((i) => playlistKindOf(i.type)));
      const [kind] = kinds;
      if (kinds.size > 1 || !kind) {
        throw new ToolError(
          'invalid_request',
          'media_ids: a playlist holds one kind of media (video, audio or photo); these mix kinds.',
          { field: 'media_ids' },
        );
      }
      playlist = await deps.plex.createPlaylist({ title: args.title, type: kind, source: { mediaIds: ids } });
    }
    await invalidateAfterWrite(deps, ['playlists']);
    const message = `Created ${describePlaylist(playlist)}.`;
    return { structured: { playlist, message }, text: message, source: 'plex' };
  },
});
