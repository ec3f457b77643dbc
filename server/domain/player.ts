import { z } from 'zod';

/** A player (client app) Plex knows on the network, from /clients. */
export const ControllablePlayerSchema = z.object({
  name: z.string(),
  id: z.string().describe('machineIdentifier; play_media and control_playback also take the name'),
  product: z.string().optional(),
  platform: z.string().optional(),
  address: z.string().optional(),
  controllable: z.boolean().describe('Accepts remote playback commands'),
});
export type ControllablePlayer = z.infer<typeof ControllablePlayerSchema>;
