import { z } from 'zod';

/**
 * Fields every cached tool result may carry. When Plex fails and the cache answers with an expired entry, the
 * result says so (`stale: true`, `cached_at`) so an assistant can tell the user the data may be out of date.
 */
export const freshnessFields = {
  stale: z
    .boolean()
    .optional()
    .describe('True when Plex was unavailable and this answer comes from an expired cache entry'),
  cached_at: z
    .string()
    .optional()
    .describe('ISO 8601 time the data was fetched from Plex (present when stale)'),
};
