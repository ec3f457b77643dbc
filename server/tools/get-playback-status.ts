import { z } from 'zod';
import type { CacheLookup } from '../cache/tool-cache.ts';
import { freshnessFields } from '../domain/freshness.ts';
import { type PlaybackSession, PlaybackSessionSchema } from '../domain/session.ts';
import { isPlexUnavailable } from '../plex/errors.ts';
import { currentCacheScope } from '../plex/plex-identity.ts';
import { looseName, nameMatchScore, userArg } from './arguments.ts';
import { defineTool } from './define-tool.ts';
import { describeItem, describeSession, withWarning } from './format-text.ts';
import { freshnessOf } from './freshness.ts';
import { withinAllowedLibraries } from './library-resolver.ts';
import { isNameOf, type Person, resolvePerson } from './people.ts';
import type { ToolDeps } from './tool-deps.ts';
import { ToolError } from './tool-error.ts';

/** The person a `user` filter names; an unknown name still filters by the name itself (guests, old servers). */
async function findPerson(name: string, deps: ToolDeps): Promise<Person | undefined> {
  try {
    return await resolvePerson(name, deps);
  } catch (error) {
    if (error instanceof ToolError && error.code === 'not_found') return undefined;
    throw error;
  }
}

/** What the cache holds: checked when read back (a bad shared-Redis entry is a miss). */
const CACHED_SESSIONS = z.array(PlaybackSessionSchema);

/**
 * The sessions now: from the live table while Plex's event stream is connected (exact within a second of Plex's
 * event, no stopped stream lingering), else Plex's session list behind the cache, as without the stream. A call
 * running as a signed-in person always asks Plex with their token: the table is the server's own view.
 */
export async function currentSessions(deps: ToolDeps): Promise<CacheLookup<PlaybackSession[]>> {
  const live = currentCacheScope() === undefined ? await deps.live?.sessions() : undefined;
  if (live !== undefined) {
    // A copy for the day Plex and its stream go away together (written when there is none, as a miss would).
    deps.cache.getOrLoad('sessions', LIVE_COPY, async () => live, CACHED_SESSIONS).catch(() => undefined);
    return { value: live, source: 'plex', cachedAt: new Date() };
  }
  try {
    return await deps.cache.getOrLoad('sessions', {}, () => deps.plex.getSessions(), CACHED_SESSIONS);
  } catch (error) {
    // Plex unreachable and nothing cached: the last live answer, said to be stale, as a cached list would be.
    if (!isPlexUnavailable(error)) throw error;
    const copy = await deps.cache
      .getOrLoad('sessions', LIVE_COPY, () => Promise.reject(error), CACHED_SESSIONS)
      .catch(() => undefined);
    if (!copy) throw error;
    return { ...copy, source: 'stale' };
  }
}

/** The cache arguments of the live table's copy (never what a Plex read is cached under). */
const LIVE_COPY = { live_copy: true } as const;

/** A player named, forgivingly, by `wanted` (case, spaces, hyphens, partial words) or by its id. */
export function playerMatches(
  player: { name: string; id: string; product?: string | undefined },
  wanted: string,
): boolean {
  return (
    player.id === wanted ||
    nameMatchScore(player.name, wanted) > 0 ||
    (player.product !== undefined && nameMatchScore(player.product, wanted) > 0)
  );
}

export const getPlaybackStatusTool = defineTool({
  name: 'get_playback_status',
  title: 'Playback status',
  description:
    'What is playing now: user, player, item, state, position, transcoding, bandwidth, LAN/WAN. Filter by user ' +
    'or client (player name, loosely matched). session_id goes to control_playback.',
  input: z.strictObject({
    user: userArg().optional(),
    client: z.string().trim().min(1).max(200).optional().describe('Player name, product or id'),
  }),
  output: z.object({
    count: z.number().int().nonnegative(),
    sessions: z.array(PlaybackSessionSchema),
    playing_now: z
      .array(z.object({ session_id: z.string(), user: z.string(), player: z.string(), title: z.string() }))
      .optional()
      .describe('When the filter matched nothing: what is playing'),
    ...freshnessFields,
  }),
  category: 'read',
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, deps) {
    // The whole list once, filtered per call, so different filters share one Plex request. `user` is a filter,
    // not "as this person": the owner's token sees every account's sessions, so no Home switch (home-profile.ts).
    const lookup = await currentSessions(deps);
    const person = args.user === undefined ? undefined : await findPerson(args.user, deps);
    const visible = await withinAllowedLibraries(lookup.value, (s) => s.media.library_id, deps);
    const sessions = visible.filter(
      (s) =>
        (args.user === undefined ||
          (person ? isNameOf(person, s.user) : looseName(s.user) === looseName(args.user))) &&
        (args.client === undefined || playerMatches(s.player, args.client)),
    );
    const { fields, warning } = freshnessOf(lookup);
    const all = visible.map((s) => `- ${describeSession(s)}`);
    const text =
      sessions.length > 0
        ? [`${sessions.length} active session(s):`, ...sessions.map((s) => `- ${describeSession(s)}`)].join(
            '\n',
          )
        : visible.length === 0
          ? 'Nothing is playing right now.'
          : // An empty match still says what IS playing, so the assistant can correct the filter.
            [`Nothing matches that filter. Playing now (${visible.length}):`, ...all].join('\n');
    return {
      structured: {
        count: sessions.length,
        sessions,
        ...(sessions.length === 0 && visible.length > 0
          ? {
              playing_now: visible.map((s) => ({
                session_id: s.session_id,
                user: s.user,
                player: s.player.name,
                title: describeItem(s.media),
              })),
            }
          : {}),
        ...fields,
      },
      text: withWarning(text, warning),
      source: lookup.source,
    };
  },
});
