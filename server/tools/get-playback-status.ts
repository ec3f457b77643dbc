import { z } from 'zod';
import { freshnessFields } from '../domain/freshness.ts';
import { type PlaybackSession, PlaybackSessionSchema } from '../domain/session.ts';
import { defineTool } from './define-tool.ts';
import { describeItem, formatDuration, withWarning } from './format-text.ts';
import { freshnessOf } from './freshness.ts';

/** What the cache holds: checked when read back (a bad shared-Redis entry is a miss). */
const CACHED_SESSIONS = z.array(PlaybackSessionSchema);

export function describeSession(s: PlaybackSession): string {
  const position = `${formatDuration(s.position_ms)} / ${formatDuration(s.duration_ms)}`;
  return `${s.user} is ${s.state} ${describeItem(s.media)} on ${s.player.name} at ${position} (session_id ${s.session_id})`;
}

function matches(text: string | undefined, wanted: string): boolean {
  return text?.toLowerCase().includes(wanted.toLowerCase()) ?? false;
}

export const getPlaybackStatusTool = defineTool({
  name: 'get_playback_status',
  title: 'Get playback status',
  description:
    'What is playing on Plex right now: each active session with user, player, item, state (playing/paused), ' +
    'position and whether it transcodes. Filter by user name or client (player name, product or id). ' +
    'Use a session_id from here with control_playback.',
  input: z.strictObject({
    user: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('Only sessions of this user (name, case-insensitive)'),
    client: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('Only sessions on this player (name, product or id)'),
  }),
  output: z.object({
    count: z.number().int().nonnegative(),
    sessions: z.array(PlaybackSessionSchema),
    ...freshnessFields,
  }),
  category: 'read',
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, deps) {
    // Cache the whole list once and filter per call, so different filters share one Plex request.
    const lookup = await deps.cache.getOrLoad('sessions', {}, () => deps.plex.getSessions(), CACHED_SESSIONS);
    const sessions = lookup.value.filter(
      (s) =>
        (args.user === undefined || s.user.toLowerCase() === args.user.toLowerCase()) &&
        (args.client === undefined ||
          matches(s.player.name, args.client) ||
          matches(s.player.product, args.client) ||
          s.player.id === args.client),
    );
    const { fields, warning } = freshnessOf(lookup);
    const text =
      sessions.length === 0
        ? `Nothing is playing right now${args.user || args.client ? ' for that filter.' : '.'}`
        : [`${sessions.length} active session(s):`, ...sessions.map((s) => `- ${describeSession(s)}`)].join(
            '\n',
          );
    return {
      structured: { count: sessions.length, sessions, ...fields },
      text: withWarning(text, warning),
      source: lookup.source,
    };
  },
});
