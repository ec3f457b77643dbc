import { z } from 'zod';
import { freshnessFields } from '../domain/freshness.ts';
import { MEDIA_TYPES, MediaItemSchema } from '../domain/media.ts';
import { libraryArg, limitArg } from './arguments.ts';
import { defineTool } from './define-tool.ts';
import { describeItem, withWarning } from './format-text.ts';
import { freshnessOf, stalestOf } from './freshness.ts';
import { resolveLibrary, withinAllowedLibraries } from './library-resolver.ts';

/** What the cache holds for a search: checked when read back (a bad shared-Redis entry is a miss). */
const CACHED_ITEMS = z.array(MediaItemSchema);

export const searchMediaTool = defineTool({
  name: 'search_media',
  title: 'Search media',
  description:
    'Search titles in every library (movies, shows, episodes, music, photos); items come with ids for ' +
    'get_media_details. Narrow with media_type or library.',
  input: z.strictObject({
    query: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .describe('Words to search for'),
    media_type: z.enum(MEDIA_TYPES).optional().describe('Only this type'),
    library: libraryArg().optional(),
    limit: limitArg(100, 10),
  }),
  output: z.object({
    query: z.string(),
    media_type: z.string().optional(),
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
      'search',
      {
        query: args.query.toLowerCase(),
        media_type: args.media_type ?? null,
        library: sectionId ?? null,
        limit: args.limit,
      },
      async () => {
        // /hubs/search limits per hub; ask each hub for `limit`, then filter and cap the union ourselves.
        const hits = await deps.plex.search(args.query, { limitPerHub: args.limit, sectionId });
        return (
          hits
            .filter((item) => args.media_type === undefined || item.type === args.media_type)
            // Plex already scopes by sectionId; drop only items that say they are elsewhere (some servers omit the id).
            .filter(
              (item) =>
                sectionId === undefined || item.library_id === undefined || item.library_id === sectionId,
            )
            .slice(0, args.limit)
        );
      },
      CACHED_ITEMS,
    );
    const { fields, warning } = freshnessOf(stalestOf(lookup, resolved?.lookup));
    const items = await withinAllowedLibraries(lookup.value, (i) => i.library_id, deps);
    const lines =
      items.length === 0
        ? [`No results for "${args.query}".`]
        : [`${items.length} result(s) for "${args.query}":`, ...items.map((i) => `- ${describeItem(i)}`)];
    return {
      structured: {
        query: args.query,
        ...(args.media_type ? { media_type: args.media_type } : {}),
        ...(resolved ? { library: { id: resolved.library.id, name: resolved.library.name } } : {}),
        count: items.length,
        items,
        ...fields,
      },
      text: withWarning(lines.join('\n'), warning),
      source: lookup.source,
    };
  },
});
