import { z } from 'zod';

export const LibrarySchema = z.object({
  id: z.string().describe('Section id; tools accept it or the name wherever they take `library`'),
  name: z.string(),
  type: z.string().describe('movie, show, artist (music) or photo'),
  agent: z.string().optional(),
  language: z.string().optional(),
  locations: z.array(z.string()).describe('Folders on the Plex server'),
  refreshing: z.boolean().optional(),
  updated_at: z.string().optional(),
  scanned_at: z.string().optional(),
});
export type Library = z.infer<typeof LibrarySchema>;
