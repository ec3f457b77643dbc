import type { ControllablePlayer } from '../domain/player.ts';
import { nameMatchScore } from './arguments.ts';
import type { ToolDeps } from './tool-deps.ts';
import { ToolError } from './tool-error.ts';

/**
 * The player a name means, matched forgivingly (case, spaces, hyphens, partial words) or by id, among those Plex
 * sees now. No match → not_found listing the players; two equally good matches → invalid_request listing both.
 */
export async function resolvePlayer(reference: string, deps: ToolDeps): Promise<ControllablePlayer> {
  const players = await deps.plex.listPlayers();
  const exact = players.find((p) => p.id === reference);
  if (exact) return exact;
  const scored = players
    .map((player) => ({ player, score: nameMatchScore(player.name, reference) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
  const names = players.map((p) => p.name);
  const [best, second] = scored;
  if (!best) {
    throw new ToolError(
      'not_found',
      `player: no player "${reference}". Players Plex sees now: ${names.join(', ') || 'none'}.`,
      { field: 'player', players: names },
    );
  }
  if (second && second.score === best.score) {
    const tied = scored.filter((s) => s.score === best.score).map((s) => s.player.name);
    throw new ToolError(
      'invalid_request',
      `player: "${reference}" could be ${tied.join(' or ')}; say which.`,
      {
        field: 'player',
        players: tied,
      },
    );
  }
  return best.player;
}
