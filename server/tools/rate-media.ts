import { z } from 'zod';
import { mediaIdArg } from './arguments.ts';
import { defineTool } from './define-tool.ts';
import { describeItem } from './format-text.ts';
import { currentItem, invalidateAfterWrite } from './write-support.ts';

export const rateMediaTool = defineTool({
  name: 'rate_media',
  title: 'Rate an item',
  description:
    'Set your rating of an item: rating 0-10, or stars 0-5 (half stars allowed). Give exactly one.',
  input: z
    .strictObject({
      media_id: mediaIdArg(),
      rating: z.number().min(0).max(10).optional(),
      stars: z.number().min(0).max(5).multipleOf(0.5).optional().describe('0-5 stars (= rating / 2)'),
    })
    .superRefine((a, ctx) => {
      if ((a.rating === undefined) === (a.stars === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rating'],
          message: 'give exactly one of rating (0-10) or stars (0-5)',
        });
      }
    }),
  output: z.object({
    media: z.object({ id: z.string(), title: z.string(), type: z.string() }),
    rating: z.number().describe('0-10 as Plex stores it'),
    stars: z.number(),
    message: z.string(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  category: 'library',
  async run(args, deps) {
    const rating = args.rating ?? (args.stars ?? 0) * 2;
    const item = await currentItem(args.media_id, deps);
    await deps.plex.rate(item.id, rating);
    await invalidateAfterWrite(deps, ['mediaDetails']);
    const message = `Rated ${describeItem(item)} ${rating}/10 (${rating / 2} stars).`;
    return {
      structured: {
        media: { id: item.id, title: item.title, type: item.type },
        rating,
        stars: rating / 2,
        message,
      },
      text: message,
      source: 'plex',
    };
  },
});
