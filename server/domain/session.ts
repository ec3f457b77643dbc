import { z } from 'zod';
import { MediaItemSchema } from './media.ts';

export const PLAYER_STATES = ['playing', 'paused', 'buffering', 'stopped', 'unknown'] as const;

export const PlayerSchema = z.object({
  name: z.string(),
  id: z.string().describe('Player machineIdentifier'),
  product: z.string().optional(),
  platform: z.string().optional(),
  device: z.string().optional(),
  address: z.string().optional(),
  local: z.boolean().optional(),
});

/** One active stream on the Plex server. */
export const PlaybackSessionSchema = z.object({
  session_id: z.string().describe('Pass to control_playback as session_id'),
  user: z.string(),
  player: PlayerSchema,
  state: z.enum(PLAYER_STATES),
  media: MediaItemSchema,
  position_ms: z.number().int().nonnegative(),
  duration_ms: z.number().int().nonnegative().optional(),
  progress_percent: z.number().min(0).max(100).optional(),
  transcoding: z.boolean(),
  location: z.string().optional().describe('lan or wan'),
  bandwidth_kbps: z.number().optional(),
});
export type PlaybackSession = z.infer<typeof PlaybackSessionSchema>;
export type Player = z.infer<typeof PlayerSchema>;
