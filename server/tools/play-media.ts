import { z } from 'zod';
import { PlexNotFoundError } from '../plex/errors.ts';
import { mediaIdArg } from './arguments.ts';
import { defineTool } from './define-tool.ts';
import { describeItem, formatDuration } from './format-text.ts';
import { resolvePlayer } from './player-resolver.ts';
import { ToolError } from './tool-error.ts';
import { currentItem, invalidateAfterWrite, mediaKindOf } from './write-support.ts';

const PLAYABLE = new Set(['movie', 'episode', 'track', 'photo', 'clip']);

export const playMediaTool = defineTool({
  name: 'play_media',
  title: 'Play on a player',
  description:
    'Start an item on a player (name from list_players, matched loosely: "living room" finds "Living Room SHIELD"), ' +
    'optionally at offset_ms.',
  input: z.strictObject({
    media_id: mediaIdArg(),
    player: z.string().trim().min(1).max(200).describe('Player name or id'),
    offset_ms: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3_600_000)
      .default(0),
  }),
  output: z.object({
    media: z.object({ id: z.string(), title: z.string(), type: z.string() }),
    player: z.object({ name: z.string(), id: z.string() }),
    offset_ms: z.number().int(),
    message: z.string(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  category: 'playback',
  async run(args, deps) {
    const [item, player] = await Promise.all([
      currentItem(args.media_id, deps),
      resolvePlayer(args.player, deps),
    ]);
    if (!PLAYABLE.has(item.type)) {
      throw new ToolError(
        'invalid_request',
        `media_id: ${describeItem(item)} is a ${item.type}; play one of its episodes or tracks (get_media_details with include_children lists them).`,
        { field: 'media_id' },
      );
    }
    if (!player.controllable) {
      throw new ToolError(
        'invalid_request',
        `player: ${player.name} does not accept remote playback commands.`,
        {
          field: 'player',
        },
      );
    }
    if (item.duration_ms !== undefined && args.offset_ms >= item.duration_ms) {
      throw new ToolError(
        'invalid_request',
        `offset_ms: ${formatDuration(args.offset_ms)} is past the end of ${describeItem(item)}, which lasts ${formatDuration(item.duration_ms)} (${item.duration_ms} ms).`,
        { field: 'offset_ms', duration_ms: item.duration_ms },
      );
    }
    try {
      await deps.plex.playMedia(player.id, {
        mediaId: item.id,
        offsetMs: args.offset_ms,
        mediaKind: mediaKindOf(item.type),
      });
    } catch (error) {
      // A 404 here is about the player (Plex could not reach it), not the item (REFERENCE.md §3.8).
      if (error instanceof PlexNotFoundError) {
        throw new ToolError(
          'not_found',
          `Plex could not reach the player "${player.name}"; it may be offline.`,
          {
            player: player.name,
          },
        );
      }
      throw error;
    }
    await invalidateAfterWrite(deps, ['sessions']);
    const at = args.offset_ms > 0 ? ` at ${formatDuration(args.offset_ms)}` : '';
    const message = `Asked ${player.name} to play ${describeItem(item)}${at}.`;
    return {
      structured: {
        media: { id: item.id, title: item.title, type: item.type },
        player: { name: player.name, id: player.id },
        offset_ms: args.offset_ms,
        message,
      },
      text: message,
      source: 'plex',
    };
  },
});
