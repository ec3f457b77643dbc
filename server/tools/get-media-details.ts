import { z } from 'zod';
import { entryScope } from '../cache/cache-key.ts';
import { freshnessFields } from '../domain/freshness.ts';
import { type ChildItem, ChildItemSchema, type MediaDetails, MediaDetailsSchema } from '../domain/media.ts';
import { mediaIdArg } from './arguments.ts';
import { defineTool } from './define-tool.ts';
import { describeItem, formatDate, formatDuration, withWarning } from './format-text.ts';
import { freshnessOf, stalestOf } from './freshness.ts';
import { assertLibraryAllowed } from './library-resolver.ts';

/** "3 seasons, 24 episodes (10 unwatched)" for shows, seasons, artists and albums. */
function containerCounts(item: MediaDetails): string | undefined {
  if (item.leaf_count === undefined) return undefined;
  const leaves = item.type === 'show' || item.type === 'season' ? 'episodes' : 'tracks';
  const groups =
    item.child_count === undefined || item.type === 'season' || item.type === 'album'
      ? ''
      : `${item.child_count} ${item.type === 'show' ? 'seasons' : 'albums'}, `;
  const unwatched = item.leaf_count - (item.viewed_leaf_count ?? 0);
  return `${groups}${item.leaf_count} ${leaves} (${unwatched} unwatched)`;
}

function childNoun(type: string): string {
  return { show: 'seasons', season: 'episodes', artist: 'albums', album: 'tracks' }[type] ?? 'children';
}

function describeChild(c: ChildItem): string {
  const counts =
    c.leaf_count === undefined ? '' : `, ${c.leaf_count} items, ${c.unwatched_count ?? 0} unwatched`;
  return `${describeItem(c)}${counts}`;
}

export const getMediaDetailsTool = defineTool({
  name: 'get_media_details',
  title: 'Media details',
  description:
    'One item by id: summary, genres, people, cast, chapters, files (resolution, codecs), watch state; with ' +
    'include_children its seasons, episodes or tracks.',
  input: z.strictObject({
    media_id: mediaIdArg(),
    include_cast: z.boolean().default(true).describe('Cast with character names'),
    include_chapters: z.boolean().default(false).describe('Chapter titles and times'),
    include_children: z
      .boolean()
      .default(false)
      .describe("A show's seasons, a season's episodes, an album's tracks"),
  }),
  output: z.object({
    item: MediaDetailsSchema,
    children: z
      .array(ChildItemSchema)
      .optional()
      .describe('With include_children: seasons (with episode counts), episodes or tracks'),
    ...freshnessFields,
  }),
  category: 'read',
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, deps) {
    const mediaId = args.media_id;
    const options = { includeCast: args.include_cast, includeChapters: args.include_chapters };
    const lookup = await deps.cache.getOrLoad(
      'mediaDetails',
      { media_id: mediaId, include_cast: args.include_cast, include_chapters: args.include_chapters },
      () => deps.plex.getMediaDetails(mediaId, options),
      MediaDetailsSchema,
      entryScope('item', mediaId),
    );
    const item = lookup.value;
    await assertLibraryAllowed(item.library_id, deps);
    const childLookup = args.include_children
      ? await deps.cache.getOrLoad(
          'mediaDetails',
          { children: mediaId },
          () => deps.plex.getChildren(mediaId),
          z.array(ChildItemSchema),
          entryScope('item', mediaId),
        )
      : undefined;
    const children = childLookup?.value;
    const { fields, warning } = freshnessOf(stalestOf(lookup, childLookup));
    const lines = [describeItem(item)];
    const counts = containerCounts(item);
    if (counts) lines.push(counts);
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
    const version = item.media[0];
    if (version) {
      const parts = [
        version.resolution && `${version.resolution}${/^\d+$/.test(version.resolution) ? 'p' : ''}`,
        version.video_codec,
        version.audio_codec &&
          `${version.audio_codec}${version.audio_channels ? ` ${version.audio_channels}ch` : ''}`,
        version.container,
        version.bitrate_kbps && `${version.bitrate_kbps} kbps`,
      ].filter(Boolean);
      if (parts.length > 0)
        lines.push(
          `File: ${parts.join(', ')}${item.media.length > 1 ? ` (+${item.media.length - 1} more versions)` : ''}`,
        );
    }
    if (item.user_rating !== undefined) lines.push(`Your rating: ${item.user_rating}/10`);
    if (item.view_count)
      lines.push(
        `Watched ${item.view_count} time(s)${item.last_viewed_at ? `, last ${formatDate(item.last_viewed_at)}` : ''}`,
      );
    if (item.chapters && item.chapters.length > 0) {
      lines.push(
        `Chapters: ${item.chapters.map((c) => `${c.index}. ${c.title ?? ''} ${formatDuration(c.start_ms)}`.replace('  ', ' ')).join('; ')}`,
      );
    }
    if (children) {
      lines.push(
        `${children.length} ${childNoun(item.type)}:`,
        ...children.map((c) => `- ${describeChild(c)}`),
      );
    }
    if (item.summary) lines.push(item.summary);
    return {
      structured: { item, ...(children ? { children } : {}), ...fields },
      text: withWarning(lines.join('\n'), warning),
      source: lookup.source,
    };
  },
});
