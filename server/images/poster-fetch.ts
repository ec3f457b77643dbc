import type { ImageContent } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { ToolDeps } from '../tools/tool-deps.ts';
import { DEFAULT_POSTER_SETTINGS, type PosterSettings, posterBox } from './poster-settings.ts';

/** An item whose poster a result may attach: its id and its `thumb` server path (if Plex has one). */
export interface PosterSubject {
  media_id: string;
  thumb: string | undefined;
}

export const POSTER_OMISSION_REASONS = ['no_image', 'too_large', 'over_budget', 'unavailable'] as const;

/** What a result says about the posters it was asked for (structuredContent `posters`). */
export const PosterReportSchema = z.object({
  attached: z.array(z.string()).describe('Ids whose poster follows as an image block, in this order'),
  omitted: z
    .array(z.object({ media_id: z.string(), reason: z.enum(POSTER_OMISSION_REASONS) }))
    .describe('no_image: Plex has none; too_large / over_budget: byte bounds; unavailable: Plex failed'),
});
export type PosterReport = z.infer<typeof PosterReportSchema>;

/** The `_meta` key on each image block naming the item it shows (apps match posters to items with it). */
export const POSTER_MEDIA_ID_META = 'plexmcp.dev/media_id';

/** Cached per image path and size: the JPEG as base64, or the fact that it was over the per-image bound. */
const CachedPosterSchema = z.union([
  z.object({ mimeType: z.string(), data: z.string(), bytes: z.number().int().nonnegative() }),
  z.object({ tooLarge: z.literal(true) }),
]);
type CachedPoster = z.infer<typeof CachedPosterSchema>;

/** Thumbnails fetched at once: enough to hide latency, few enough to leave Plex connections for other calls. */
const CONCURRENCY = 4;

/**
 * Only server paths go to the transcoder: an absolute URL (some agents store remote artwork) would make Plex fetch a
 * third-party address for us, and a path is all Plex's own thumbs ever are.
 */
const SERVER_PATH = /^\/[A-Za-z0-9/_.:-]{1,500}$/;

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png']);

async function loadPoster(thumb: string, deps: ToolDeps, settings: PosterSettings): Promise<CachedPoster> {
  const box = posterBox(settings);
  const lookup = await deps.cache.getOrLoad(
    'poster',
    { thumb, width: box.width, height: box.height, max_bytes: settings.maxBytesPerImage },
    async (): Promise<CachedPoster> => {
      const image = await deps.plex.getPhotoThumbnail(thumb, { ...box, maxBytes: settings.maxBytesPerImage });
      if (!image) return { tooLarge: true };
      const mimeType = sniffImageType(image.data) ?? image.contentType;
      if (!IMAGE_TYPES.has(mimeType))
        throw new Error(`the photo transcoder answered ${mimeType || 'no type'}`);
      return { mimeType, data: image.data.toString('base64'), bytes: image.data.length };
    },
    CachedPosterSchema,
  );
  return lookup.value;
}

/** The type the bytes really are (JPEG or PNG signature), whatever the Content-Type header says. */
function sniffImageType(data: Buffer): string | undefined {
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  return undefined;
}

/**
 * Thumbnails for `subjects`, in order, as image content blocks, within the per-image and per-result byte bounds.
 * A poster that cannot be had is reported, never an error: the answer itself does not depend on images.
 */
export async function fetchPosters(
  subjects: readonly PosterSubject[],
  deps: ToolDeps,
): Promise<{ blocks: ImageContent[]; report: PosterReport }> {
  const settings = deps.posters ?? DEFAULT_POSTER_SETTINGS;
  const blocks: ImageContent[] = [];
  const report: PosterReport = { attached: [], omitted: [] };
  let budget = settings.maxBytesPerResult;
  const omit = (media_id: string, reason: PosterReport['omitted'][number]['reason']) =>
    report.omitted.push({ media_id, reason });

  for (let start = 0; start < subjects.length; start += CONCURRENCY) {
    const batch = subjects.slice(start, start + CONCURRENCY);
    if (budget <= 0) {
      for (const s of batch)
        omit(s.media_id, s.thumb && SERVER_PATH.test(s.thumb) ? 'over_budget' : 'no_image');
      continue;
    }
    const results = await Promise.allSettled(
      batch.map((s) =>
        s.thumb && SERVER_PATH.test(s.thumb)
          ? loadPoster(s.thumb, deps, settings)
          : Promise.resolve(undefined),
      ),
    );
    batch.forEach((subject, i) => {
      const result = results[i];
      if (!result || result.status === 'rejected') {
        deps.logger.debug({ media_id: subject.media_id, err: result?.reason }, 'poster unavailable');
        omit(subject.media_id, 'unavailable');
        return;
      }
      const poster = result.value;
      if (!poster) omit(subject.media_id, 'no_image');
      else if ('tooLarge' in poster) omit(subject.media_id, 'too_large');
      else if (poster.bytes > budget) omit(subject.media_id, 'over_budget');
      else {
        budget -= poster.bytes;
        report.attached.push(subject.media_id);
        blocks.push({
          type: 'image',
          data: poster.data,
          mimeType: poster.mimeType,
          _meta: { [POSTER_MEDIA_ID_META]: subject.media_id },
        });
      }
    });
  }
  return { blocks, report };
}

/** One text line saying the same as the report. */
export function describePosterReport(report: PosterReport): string {
  const parts = [`Posters: ${report.attached.length} attached`];
  if (report.omitted.length > 0) {
    const byReason = new Map<string, number>();
    for (const o of report.omitted) byReason.set(o.reason, (byReason.get(o.reason) ?? 0) + 1);
    parts.push(
      `${report.omitted.length} left out (${[...byReason].map(([reason, n]) => `${n} ${reason}`).join(', ')})`,
    );
  }
  return `${parts.join(', ')}.`;
}
