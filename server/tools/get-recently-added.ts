import { z } from 'zod';
import { freshnessFields } from '../domain/freshness.ts';
import { MediaItemSchema } from '../domain/media.ts';
import { libraryArg, limitArg, sinceArg, sinceToUnixSeconds } from './arguments.ts';
import { defineTool } from './define-tool.ts';
import { describeItem, formatDate, withWarning } from './format-text.ts';
import { freshnessOf, stalestOf } from './freshness.ts';
import { resolveLibrary, withinAllowedLibraries } from './library-resolver.ts';

/** What the cache holds: checked when read back (a bad shared-Redis entry is a miss). */
const CACHED_ITEMS = z.array(MediaItemSchema);

export const getRecentlyAddedTool = defineTool({
  name: 'get_recently_added',
  title: 'Recently added',
  description:
    'The newest items added to Plex, newest first, optionally from one library (name like "TV Shows" or id) ' +
    'and since a date or duration (7d). Use it to answer "what is new?".',
  input: z.strictObject({
    library: libraryArg().optional(),
    since: sinceArg().optional(),
    limit: limitArg(50, 10),
  }),
  output: z.object({
    library: z.object({ id: z.string(), name: z.string() }).optional(),
    count: z.number().int().nonnegative(),
    items: z.array(MediaItemSchema),
    ...freshnessFields,
  }),
  category: 'read',
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, deps) {
    const resolved = args.library === undefined ? undefined : await resolveLibrary(args.library, deps);
    const sectionId = resolved?.library.id;
    const lookup = await deps.cache.getOrLoad(
      'recentlyAdded',
      { library: sectionId ?? null, limit: args.limit },
      () => deps.plex.getRecentlyAdded({ sectionId, limit: args.limit }),
      CACHED_ITEMS,
    );
    const { fields, warning } = freshnessOf(stalestOf(lookup, resolved?.lookup));
    const now = Date.now();
    const since = args.since === undefined ? undefined : sinceToUnixSeconds(args.since, now) * 1000;
    const items = (await withinAllowedLibraries(lookup.value, (i) => i.library_id, deps)).filter(
      (i) => since === undefined || (i.added_at !== undefined && Date.parse(i.added_at) >= since),
    );
    const where = resolved ? ` to ${resolved.library.name}` : '';
    const when = args.since === undefined ? ' recently' : ` since ${args.since}`;
    const text =
      items.length === 0
        ? `Nothing was added${where}${when}.`
        : [
            `${items.length} added${where}${when}, newest first:`,
            ...items.map(
              (i) => `- ${describeItem(i)}${i.added_at ? ` added ${formatDate(i.added_at, now)}` : ''}`,
            ),
          ].join('\n');
    return {
      structured: {
        ...(resolved ? { library: { id: resolved.library.id, name: resolved.library.name } } : {}),
        count: items.length,
        items,
        ...fields,
      },
      text: withWarning(text, warning),
      source: lookup.source,
    };
  },
});
