import { z } from 'zod';
import type { ToolDefinition } from '../tools/define-tool.ts';
import {
  describePosterReport,
  fetchPosters,
  PosterReportSchema,
  type PosterSubject,
} from './poster-fetch.ts';

export interface PosterOption<O> {
  /** `include_poster` for one item, `include_posters` for lists. */
  param: 'include_poster' | 'include_posters';
  /** On by default only where one small image is worth its tokens (a single item's details). */
  defaultOn: boolean;
  /** The items of a result whose posters to attach, in display order. */
  subjectsOf(structured: O): PosterSubject[];
}

type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/**
 * The tool with an opt-in poster argument: when it is true the answer also carries the items' thumbnails as image
 * content blocks (after the text) and `posters` (which ids are attached, which were left out and why) in both the
 * structured result and one text line. The tool's own logic and cache entry are untouched.
 */
export function withPosters<I extends ObjectSchema, O extends ObjectSchema>(
  tool: ToolDefinition<I, O>,
  option: PosterOption<z.input<O>>,
): ToolDefinition<ObjectSchema, ObjectSchema> {
  const described = option.defaultOn
    ? 'Attach a small poster image'
    : 'Attach small poster images (costs tokens)';
  const input = tool.input.extend({
    [option.param]: z.boolean().default(option.defaultOn).describe(described),
  });
  const output = tool.output.extend({ posters: PosterReportSchema.optional() });
  return {
    ...tool,
    input,
    output,
    async run(args, deps) {
      const { [option.param]: wanted, ...own } = args as Record<string, unknown>;
      const outcome = await tool.run(own as z.output<I>, deps);
      if (wanted !== true) return outcome;
      const { blocks, report } = await fetchPosters(option.subjectsOf(outcome.structured), deps);
      return {
        ...outcome,
        structured: { ...(outcome.structured as Record<string, unknown>), posters: report },
        text: `${outcome.text}\n${describePosterReport(report)}`,
        images: blocks,
      };
    },
  };
}

type WithId = { id: string; thumb?: string | undefined };
const subject = (item: WithId): PosterSubject => ({ media_id: item.id, thumb: item.thumb });

/** Lists (`items[]`): posters on request. */
export const LIST_POSTERS = {
  param: 'include_posters',
  defaultOn: false,
  subjectsOf: (s: { items: WithId[] }) => s.items.map(subject),
} as const;

/** One item's details (`item`): the poster by default. */
export const DETAILS_POSTER = {
  param: 'include_poster',
  defaultOn: true,
  subjectsOf: (s: { item: WithId }) => [subject(s.item)],
} as const;

/** Playback sessions (`sessions[].media`): posters on request. */
export const SESSION_POSTERS = {
  param: 'include_posters',
  defaultOn: false,
  subjectsOf: (s: { sessions: { media: WithId }[] }) => s.sessions.map((x) => subject(x.media)),
} as const;
