/**
 * The tools/list compaction (server/tools/compact-schema.ts, shared-shapes.ts) must not change what an output
 * schema accepts for results of the right shape: the same values pass and the same values fail as under zod's own
 * JSON Schema opened the way outputs always were (no `additionalProperties: false`), with a 2020-12 validator (MCP's
 * default dialect) and a draft-07 one (older clients).
 *
 * The one thing it gives up on purpose: with `type` implied by `properties`/`items`, a string where an object or an
 * array belongs is no longer refused by the client's check. Our server never sends one: the SDK checks every
 * structuredContent against the zod schema first (test/integration/server/sdk-adapter-pins.test.ts).
 */
import Ajv from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChildItemSchema, MediaDetailsSchema } from '../../../../server/domain/media.ts';
import { compactJsonSchema } from '../../../../server/tools/compact-schema.ts';
import { factorSharedShapes } from '../../../../server/tools/shared-shapes.ts';

const DetailsResult = z.object({
  item: MediaDetailsSchema,
  children: z.array(ChildItemSchema).optional(),
  state: z.enum(['playing', 'paused']).optional(),
});
const raw = z.toJSONSchema(DetailsResult, { target: 'draft-2020-12', io: 'output' }) as Record<
  string,
  unknown
>;
const compact = compactJsonSchema(raw, 'output');

/** zod's schema without `$schema` and `additionalProperties: false`, the reference the compact one must match. */
function opened(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(opened);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => k !== '$schema' && !(k === 'additionalProperties' && v === false))
      .map(([k, v]) => [k, opened(v)]),
  );
}

const movie = {
  id: '1',
  type: 'movie',
  title: 'Alien',
  year: 1979,
  genres: ['Horror'],
  directors: ['Ridley Scott'],
  writers: [],
  countries: [],
  media: [{ resolution: '1080', video_codec: 'h264' }],
  leaf_count: 0,
};
const season = { id: '2', type: 'season', title: 'Season 1', leaf_count: 8, unwatched_count: 3 };

const values: [string, unknown][] = [
  ['a details item with children', { item: movie, children: [season], state: 'playing' }],
  ['an item alone', { item: movie }],
  ['an item missing a required field of its own (genres)', { item: { ...movie, genres: undefined } }],
  ['an item missing a shared required field (title)', { item: { ...movie, title: undefined } }],
  ['a child missing a shared required field (id)', { item: movie, children: [{ ...season, id: undefined }] }],
  ['a shared field of the wrong type (year)', { item: { ...movie, year: '1979' } }],
  [
    'an own field of the wrong type (unwatched_count)',
    { item: movie, children: [{ ...season, unwatched_count: 'x' }] },
  ],
  ['a value outside the enum', { item: movie, state: 'stopped' }],
  ['a field added later', { item: { ...movie, new_field: 1 } }],
].map(([label, v]) => [label as string, JSON.parse(JSON.stringify(v))]);

describe('output schema compaction', () => {
  it('writes the media item fields a details item and its children share once, under $defs', () => {
    const json = JSON.stringify(compact);
    expect(Object.keys(compact.$defs as object)).toEqual(['item']);
    expect(json.match(/"library_name"/g)).toHaveLength(1);
    expect(json).not.toContain('"description"');
    expect(compact.type).toBe('object');
    expect(json.length).toBeLessThan(JSON.stringify(raw).length * 0.6);
  });

  for (const [dialect, ajv] of [
    ['2020-12', new Ajv2020({ strict: false, allErrors: true })],
    ['draft-07', new Ajv.default({ strict: false, allErrors: true })],
  ] as const) {
    it(`accepts and refuses exactly what the uncompacted schema does (${dialect} validator)`, () => {
      const before = ajv.compile(opened(raw) as Record<string, unknown>);
      const after = ajv.compile(compact);
      const verdicts = values.map(([label, v]) => [label, before(v), after(v)]);
      expect(verdicts.map(([label, , now]) => [label, now])).toEqual(
        verdicts.map(([label, was]) => [label, was]),
      );
      // Both kinds of verdict occur, or the comparison proves nothing.
      expect(new Set(verdicts.map(([, was]) => was))).toEqual(new Set([true, false]));
    });
  }

  it('keeps a required name of one holder on that holder only', () => {
    // Two objects with the same fields (over the size worth sharing) but different required names.
    const fields = () => ({ x: { type: 'string' }, y: { type: 'string' }, pad: { enum: ['p'.repeat(200)] } });
    const schema = {
      type: 'object',
      properties: {
        a: { properties: fields(), required: ['x', 'pad'] },
        b: { items: { properties: fields(), required: ['y', 'pad'] } },
      },
    };
    const factored = factorSharedShapes(schema);
    expect(factored.$defs).toEqual({ a: { properties: fields(), required: ['pad'] } });
    expect(factored.properties).toEqual({
      a: { allOf: [{ $ref: '#/$defs/a' }, { required: ['x'] }] },
      b: { items: { allOf: [{ $ref: '#/$defs/a' }, { required: ['y'] }] } },
    });
  });

  it('leaves a schema without a repeated shape as it was', () => {
    const schema = { type: 'object', properties: { a: { properties: { x: { type: 'string' } } } } };
    expect(factorSharedShapes(schema)).toBe(schema);
  });
});
