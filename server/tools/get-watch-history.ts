import { z } from 'zod';
import { freshnessFields } from '../domain/freshness.ts';
import { WatchHistoryEntrySchema } from '../domain/history.ts';
import { MEDIA_TYPES } from '../domain/media.ts';
import { libraryArg, limitArg, sinceArg, sinceToUnixSeconds, userArg } from './arguments.ts';
import { defineTool } from './define-tool.ts';
import { formatAgo, withWarning } from './format-text.ts';
import { freshnessOf, stalestOf } from './freshness.ts';
import { resolveLibrary, withinAllowedLibraries } from './library-resolver.ts';
import { resolvePerson } from './people.ts';

/** What the cache holds: checked when read back (a bad shared-Redis entry is a miss). */
const CACHED_HISTORY = z.object({
  entries: z.array(WatchHistoryEntrySchema.omit({ ago: true })),
  total: z.number(),
});

export const getWatchHistoryTool = defineTool({
  name: 'get_watch_history',
  title: 'Watch history',
  description:
    'What was watched, newest first: who, when and on which player. Answers "what have I watched this week?".',
  input: z.strictObject({
    user: userArg().optional(),
    since: sinceArg().optional(),
    library: libraryArg().optional(),
    media_type: z.enum(MEDIA_TYPES).optional().describe('Only this type, e.g. episode'),
    limit: limitArg(100, 20),
  }),
  output: z.object({
    count: z.number().int().nonnegative(),
    total: z.number().int().nonnegative().describe('Entries Plex has for user/since/library'),
    entries: z.array(WatchHistoryEntrySchema),
    ...freshnessFields,
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  category: 'read',
  async run(args, deps) {
    const now = Date.now();
    // `user` is a filter here, not "as this person": the owner's token reads every account's history, Home
    // profiles' included (EVENTS-AND-ACCOUNTS.md), so no Home switch (home-profile.ts) is needed or wanted.
    const [person, resolved] = await Promise.all([
      args.user === undefined ? undefined : resolvePerson(args.user, deps),
      args.library === undefined ? undefined : resolveLibrary(args.library, deps),
    ]);
    const since = args.since === undefined ? undefined : sinceToUnixSeconds(args.since, now);
    // A type filter happens here, so ask Plex for more entries than shown (history is small per page).
    const fetch = args.media_type === undefined ? args.limit : Math.min(500, args.limit * 5);
    const query = { accountId: person?.accountId, sectionId: resolved?.library.id, since, limit: fetch };
    const lookup = await deps.cache.getOrLoad(
      'history',
      {
        ...query,
        since: since ?? null,
        accountId: query.accountId ?? null,
        sectionId: query.sectionId ?? null,
      },
      () => deps.plex.getHistory(query),
      CACHED_HISTORY,
    );
    const scoped = await withinAllowedLibraries(lookup.value.entries, (e) => e.library_id, deps);
    const entries = scoped
      .filter((e) => args.media_type === undefined || e.type === args.media_type)
      .slice(0, args.limit)
      .map((e) => ({ ...e, ago: formatAgo(e.viewed_at, now) }));
    const { fields, warning } = freshnessOf(stalestOf(lookup, resolved?.lookup));
    const who = person ? ` by ${person.name}` : '';
    const text =
      entries.length === 0
        ? `Nothing was watched${who}${args.since ? ` since ${args.since}` : ''}.`
        : [
            `${entries.length} of ${lookup.value.total} view(s)${who}, newest first:`,
            ...entries.map(
              (e) =>
                `- ${e.viewed_at.slice(0, 16).replace('T', ' ')} (${e.ago}) ${e.user} watched ${e.title} ` +
                `[${e.type}, id ${e.media_id}]${e.player ? ` on ${e.player}` : ''}`,
            ),
          ].join('\n');
    return {
      structured: { count: entries.length, total: lookup.value.total, entries, ...fields },
      text: withWarning(text, warning),
      source: lookup.source,
    };
  },
});
