import { z } from 'zod';

export const PlexServerStatusSchema = z.object({
  reachable: z.boolean(),
  name: z.string().optional(),
  version: z.string().optional(),
  platform: z.string().optional(),
  platform_version: z.string().optional(),
  machine_identifier: z.string().optional(),
  owner: z.string().optional().describe('plex.tv account the server is signed in with'),
  active_sessions: z.number().int().nonnegative().optional(),
  error: z.string().optional().describe('Why the server is not reachable'),
  events: z
    .enum(['live', 'fallback', 'off'])
    .optional()
    .describe('Event stream: live, or fallback to cache TTLs'),
});
export type PlexServerStatus = z.infer<typeof PlexServerStatusSchema>;
