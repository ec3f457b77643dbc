import { z } from 'zod';
import { entryScope } from '../cache/cache-key.ts';
import { freshnessFields } from '../domain/freshness.ts';
import { MediaItemSchema } from '../domain/media.ts';
import { libraryArg, limitArg } from './arguments.ts';
import { defineTool } from './define-tool.ts';
import { describeItem, withWarning } from './format-text.ts';
import { freshnessOf, stalestOf } from './freshness.ts';
import { resolveLibrary } from './library-resolver.ts';
import type { ToolDeps } from './tool-deps.ts';
import { ToolError } from './tool-error.ts';

const SORTS = {
  title: 'titleSort',
  added: 'addedAt:desc',
  year: 'year:desc',
  year_asc: 'year',
  rating: 'rating:desc',
  last_viewed: 'lastViewedAt:desc',
} as const;
type SortName = keyof typeof SORTS;

/** What the cache holds: checked when read back (a bad shared-Redis entry is a miss). */
const CACHED_GENRES = z.array(z.object({ id: z.string(), name: z.string() }));
const CACHED_PAGE = z.object({ items: z.array(MediaItemSchema), total: z.number() });

const YEAR = z.number().int().min(1800).max(2200);

/** A library's genres (the cached list), by id and name. */
export async function loadGenres(sectionId: string, deps: ToolDeps): Promise<{ id: string; name: string }[]> {
  const lookup = await deps.cache.getOrLoad(
    'browse',
    { genres: sectionId },
    () => deps.plex.listGenres(sectionId),
    CACHED_GENRES,
    entryScope('section', sectionId),
  );
  return lookup.value;
}

/** The genre id Plex filters by, from its name (any case) in this library; not_found lists the genres. */
export async function genreId(sectionId: string, name: string, deps: ToolDeps): Promise<string> {
  const genres = await loadGenres(sectionId, deps);
  const found = genres.find((g) => g.name.toLowerCase() === name.trim().toLowerCase());
  if (!found) {
    throw new ToolError(
      'not_found',
      `genre: no genre "${name}" in this library. Genres: ${genres.map((g) => g.name).join(', ') || 'none'}.`,
      { field: 'genre', genres: genres.map((g) => g.name) },
    );
  }
  return found.id;
}

export const browseLibraryTool = defineTool({
  name: 'browse_library',
  title: 'Browse a library',
  description:
    'List one library with filters: unwatched, genre, year range, sort. `total` counts all matches ' +
    '("how many movies do I have?").',
  input: z.strictObject({
    library: libraryArg(),
    unwatched: z.boolean().optional().describe('Only unwatched items'),
    genre: z.string().trim().min(1).max(100).optional().describe('Genre name, e.g. Thriller'),
    year_from: YEAR.optional(),
    year_to: YEAR.optional(),
    sort: z.enum(Object.keys(SORTS) as [SortName, ...SortName[]]).default('title'),
    limit: limitArg(100, 20),
  }),
  output: z.object({
    library: z.object({ id: z.string(), name: z.string() }),
    total: z.number().int().nonnegative().describe('All matching items'),
    count: z.number().int().nonnegative(),
    items: z.array(MediaItemSchema),
    ...freshnessFields,
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  category: 'read',
  async run(args, deps) {
    // Checked here rather than with .refine(): the poster wrapper extends this schema, which zod refuses for refined objects.
    if (args.year_from !== undefined && args.year_to !== undefined && args.year_from > args.year_to) {
      throw new ToolError('invalid_request', 'Invalid arguments: year_to: must not be before year_from', {
        fields: ['year_to'],
      });
    }
    const { library, lookup: libraries } = await resolveLibrary(args.library, deps);
    const genre = args.genre === undefined ? undefined : await genreId(library.id, args.genre, deps);
    const query = {
      unwatched: args.unwatched,
      genreId: genre,
      yearFrom: args.year_from,
      yearTo: args.year_to,
      sort: SORTS[args.sort],
      limit: args.limit,
    };
    const lookup = await deps.cache.getOrLoad(
      'browse',
      { section: library.id, ...query },
      () => deps.plex.browseSection(library.id, query),
      CACHED_PAGE,
      entryScope('section', library.id),
    );
    const { items, total } = lookup.value;
    const { fields, warning } = freshnessOf(stalestOf(lookup, libraries));
    const filters = [
      args.unwatched ? 'unwatched' : undefined,
      args.genre,
      args.year_from !== undefined || args.year_to !== undefined
        ? `${args.year_from ?? '…'}-${args.year_to ?? '…'}`
        : undefined,
    ].filter(Boolean);
    const what = `${library.name}${filters.length > 0 ? ` (${filters.join(', ')})` : ''}`;
    const text =
      total === 0
        ? `${what}: nothing matches.`
        : [
            `${what}: ${total} item(s), showing ${items.length} by ${args.sort}:`,
            ...items.map((i) => `- ${describeItem(i)}`),
          ].join('\n');
    return {
      structured: {
        library: { id: library.id, name: library.name },
        total,
        count: items.length,
        items,
        ...fields,
      },
      text: withWarning(text, warning),
      source: lookup.source,
    };
  },
});
