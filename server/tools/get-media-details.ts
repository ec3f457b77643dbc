import { z } from 'zod';
import { freshnessFields } from '../domain/freshness.ts';
import { MediaDetailsSchema } from '../domain/media.ts';
import { defineTool } from './define-tool.ts';
import { describeItem, formatDuration, withWarning } from './format-text.ts';
import { freshnessOf } from './freshness.ts';

export const getMediaDetailsTool = defineTool({
  name: 'get_media_details',
  title: 'Get media details',
  description:
    'Full details of one Plex item by id (from search_media, get_recently_added, get_on_deck or a playback session): ' +
    'summary, genres, directors, writers, cast with roles, chapters, file versions and resolution.',
  input: z.strictObject({
    // Assistants sometimes send ids as numbers; accept both and normalise in run().
    media_id: z
      .union([
        z
          .string()
          .trim()
          .regex(/^\d{1,12}$/, 'must be a Plex item id (digits), e.g. "1234"'),
        z.number().int().nonnegative(),
      ])
      .describe('The item id (Plex ratingKey), e.g. "1234"'),
    include_cast: z.boolean().default(true).describe('Include the cast with character names (default true)'),
    include_chapters: z.boolean().default(false).describe('Include chapter titles and times (default false)'),
  }),
  output: z.object({ item: MediaDetailsSchema, ...freshnessFields }),
  category: 'read',
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, deps) {
    const mediaId = String(args.media_id);
    const options = { includeCast: args.include_cast, includeChapters: args.include_chapters };
    const lookup = await deps.cache.getOrLoad(
      'mediaDetails',
      { media_id: mediaId, include_cast: args.include_cast, include_chapters: args.include_chapters },
      () => deps.plex.getMediaDetails(mediaId, options),
      MediaDetailsSchema,
    );
    const item = lookup.value;
    const { fields, warning } = freshnessOf(lookup);
    const lines = [describeItem(item)];
    if (item.duration_ms !== undefined) lines.push(`Duration: ${formatDuration(item.duration_ms)}`);
    if (item.genres.length > 0) lines.push(`Genres: ${item.genres.join(', ')}`);
    if (item.directors.length > 0) lines.push(`Directed by: ${item.directors.join(', ')}`);
    if (item.cast && item.cast.length > 0) {
      lines.push(
        `Cast: ${item.cast
          .slice(0, 8)
          .map((c) => (c.role ? `${c.name} as ${c.role}` : c.name))
          .join(', ')}${item.cast.length > 8 ? ', ...' : ''}`,
      );
    }
    if (item.chapters) lines.push(`Chapters: ${item.chapters.length}`);
    if (item.summary) lines.push(item.summary);
    return {
      structured: { item, ...fields },
      text: withWarning(lines.join('\n'), warning),
      source: lookup.source,
    };
  },
});
