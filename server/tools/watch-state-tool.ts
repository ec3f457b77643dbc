import { z } from 'zod';
import { mediaIdArg } from './arguments.ts';
import { defineTool } from './define-tool.ts';
import { describeItem } from './format-text.ts';
import { currentItem, invalidateAfterWrite, WATCH_STATE_KINDS } from './write-support.ts';

const CONTAINERS = new Set(['show', 'season', 'artist', 'album']);

/** mark_watched and mark_unwatched: the same shape, one Plex call each (scrobble / unscrobble). */
export function watchStateTool(watched: boolean) {
  const name = watched ? 'mark_watched' : 'mark_unwatched';
  return defineTool({
    name,
    title: watched ? 'Mark as watched' : 'Mark as unwatched',
    description: watched
      ? 'Mark an item watched; a show or season marks all its episodes. Adds no history entry. Safe to repeat.'
      : 'Mark an item unwatched and clear its resume point; a show or season applies to all episodes. Safe to repeat.',
    input: z.strictObject({ media_id: mediaIdArg() }),
    output: z.object({
      media: z.object({ id: z.string(), title: z.string(), type: z.string() }),
      watched: z.boolean(),
      episodes: z
        .number()
        .int()
        .optional()
        .describe('Episodes or tracks affected, for a show, season or album'),
      message: z.string(),
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    category: 'library',
    async run(args, deps) {
      const item = await currentItem(args.media_id, deps);
      if (watched) await deps.plex.markWatched(item.id);
      else await deps.plex.markUnwatched(item.id);
      await invalidateAfterWrite(deps, WATCH_STATE_KINDS);
      const leaves = CONTAINERS.has(item.type) ? item.leaf_count : undefined;
      const all =
        leaves === undefined
          ? ''
          : ` (all ${leaves} ${item.type === 'album' || item.type === 'artist' ? 'tracks' : 'episodes'})`;
      const message = `Marked ${describeItem(item)} as ${watched ? 'watched' : 'unwatched'}${all}.`;
      return {
        structured: {
          media: { id: item.id, title: item.title, type: item.type },
          watched,
          ...(leaves === undefined ? {} : { episodes: leaves }),
          message,
        },
        text: message,
        source: 'plex',
      };
    },
  });
}

export const markWatchedTool = watchStateTool(true);
export const markUnwatchedTool = watchStateTool(false);
