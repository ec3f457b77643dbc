import { z } from 'zod';
import { MediaItemSchema } from './media.ts';

/** An item to continue: partly watched, or the next unwatched episode of a show in progress. */
export const OnDeckItemSchema = MediaItemSchema.extend({
  position_ms: z.number().int().nonnegative().describe('0 for a next episode not started yet'),
  progress_percent: z.number().min(0).max(100).optional(),
});
export type OnDeckItem = z.infer<typeof OnDeckItemSchema>;
