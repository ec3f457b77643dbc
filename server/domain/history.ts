import { z } from 'zod';

/** One view in Plex's playback history. */
export const WatchHistoryEntrySchema = z.object({
  history_id: z.string(),
  media_id: z.string().describe('Plex ratingKey of what was watched'),
  type: z.string(),
  title: z.string().describe('Display title, e.g. "Show S01E02 \\"Episode\\""'),
  library_id: z.string().optional(),
  user: z.string().describe('Account that watched'),
  viewed_at: z.string().describe('ISO 8601 time'),
  ago: z.string().describe('How long ago, e.g. "3 days ago"'),
  player: z.string().optional().describe('Device it played on'),
});
export type WatchHistoryEntry = z.infer<typeof WatchHistoryEntrySchema>;
