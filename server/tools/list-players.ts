import { z } from 'zod';
import { freshnessFields } from '../domain/freshness.ts';
import { ControllablePlayerSchema } from '../domain/player.ts';
import { defineTool } from './define-tool.ts';
import { withWarning } from './format-text.ts';
import { freshnessOf } from './freshness.ts';

export const listPlayersTool = defineTool({
  name: 'list_players',
  title: 'List players',
  description:
    'Players Plex can reach now (TVs, phones, streamers) and whether they accept remote control; use a name with ' +
    'play_media or control_playback.',
  input: z.strictObject({}),
  output: z.object({
    count: z.number().int().nonnegative(),
    players: z.array(ControllablePlayerSchema),
    ...freshnessFields,
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  category: 'read',
  async run(_args, deps) {
    const lookup = await deps.cache.getOrLoad(
      'players',
      {},
      () => deps.plex.listPlayers(),
      z.array(ControllablePlayerSchema),
    );
    const players = lookup.value;
    const { fields, warning } = freshnessOf(lookup);
    const text =
      players.length === 0
        ? 'Plex sees no players on its network right now (players appear while their app is open).'
        : [
            `${players.length} player(s):`,
            ...players.map(
              (p) =>
                `- ${p.name} (${[p.product, p.platform, p.address].filter(Boolean).join(', ')}; id ${p.id})` +
                `${p.controllable ? '' : ' - no remote control'}`,
            ),
          ].join('\n');
    return {
      structured: { count: players.length, players, ...fields },
      text: withWarning(text, warning),
      source: lookup.source,
    };
  },
});
