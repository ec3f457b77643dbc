import { z } from 'zod';
import type { MediaItemSchema } from './media.ts';

export const PLAYLIST_TYPES = ['video', 'audio', 'photo'] as const;
export type PlaylistType = (typeof PLAYLIST_TYPES)[number];

export const PlaylistSchema = z.object({
  id: z.string().describe('Playlist id (ratingKey)'),
  title: z.string(),
  type: z.enum(PLAYLIST_TYPES),
  smart: z.boolean(),
  item_count: z.number().int().nonnegative(),
  duration_ms: z.number().int().nonnegative().optional(),
  updated_at: z.string().optional(),
});
export type Playlist = z.infer<typeof PlaylistSchema>;

/** A playlist entry: the media plus the entry id Plex removes it by (internal; tools take media ids). */
export interface PlaylistEntry {
  entryId: string | undefined;
  item: z.infer<typeof MediaItemSchema>;
}
