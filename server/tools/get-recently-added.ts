import { z } from 'zod';
import { freshnessFields } from '../domain/freshness.ts';
import { MediaItemSchema } from '../domain/media.ts';
import { defineTool } from './define-tool.ts';
import { describeItem, withWarning } from './format-text.ts';
import { freshnessOf, stalestOf } from './freshness.ts';
import { resolveLibrary } from './library-resolver.ts';

/** What the cache holds: checked when read back (a bad shared-Redis entry is a miss). */
const CACHED_ITEMS = z.array(MediaItemSchema);

export const getRecentlyAddedTool = defineTool({
  name: 'get_recently_added',
  title: 'Get recently added media',
  description:
    'The newest items added to Plex, newest first, optionally from one library (name like "TV Shows" or id). ' +
    'Use it to answer "what is new?".',
  input: z.strictObject({
    library: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('Library name or id; all libraries when omitted'),
    limit: z
      .number()
      .int()
      .min(1, 'must be at least 1')
      .max(50, 'must be at most 50')
      .default(10)
      .describe('Maximum number of items (1-50, default 10)'),
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
    const items = lookup.value;
    const where = resolved ? ` to ${resolved.library.name}` : '';
    const text =
      items.length === 0
        ? `Nothing was added${where} recently.`
        : [
            `${items.length} recently added${where}:`,
            ...items.map(
              (i) => `- ${describeItem(i)}${i.added_at ? ` added ${i.added_at.slice(0, 10)}` : ''}`,
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
