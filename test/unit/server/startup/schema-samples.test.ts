import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { objectSchemasOf, sampleOf } from '../../../../server/startup/schema-samples.ts';

describe('sampleOf', () => {
  it('builds a valid value with every key, optional ones too, and one member per array', () => {
    const schema = z.strictObject({
      query: z.string().trim().min(3).max(200),
      id: z.string().regex(/^\d{1,12}$/),
      pin: z.string().regex(/^\d{4}$/),
      limit: z.number().int().min(1).max(100).default(10),
      count: z.number().int().nonnegative(),
      kind: z.enum(['movie', 'show']).optional(),
      literal: z.literal('x'),
      flag: z.boolean(),
      when: z.iso.datetime().optional(),
      link: z.url().optional(),
      either: z.union([z.string(), z.number()]).transform(String),
      loose: z.preprocess((v) => v, z.number().optional()),
      tags: z.array(z.object({ tag: z.string() })),
      nullable: z.string().nullable(),
      record: z.record(z.string(), z.number()),
    });
    const sample = sampleOf(schema) as Record<string, unknown>;
    expect(schema.safeParse(sample).success).toBe(true);
    expect(Object.keys(sample).sort()).toEqual(Object.keys(schema.shape).sort());
    expect(sample.tags).toEqual([{ tag: '1234' }]);
  });

  it('reaches members only a hidden-member lookup knows of', () => {
    const member = z.object({ name: z.string() });
    const list = z.array(z.unknown());
    const sample = sampleOf(z.object({ list }), (s) => (s === list ? member : undefined));
    expect(sample).toEqual({ list: [{ name: '1234' }] });
  });

  it('stops at a recursive schema instead of looping', () => {
    const node: z.ZodType = z.lazy(() => z.object({ child: node.optional() }));
    expect(() => sampleOf(node)).not.toThrow();
  });
});

describe('objectSchemasOf', () => {
  it('lists each object once, innermost first, the root last', () => {
    const leaf = z.object({ a: z.string() });
    const middle = z.object({ leaf, again: leaf.optional() });
    const option = z.object({ b: z.number() });
    const root = z.object({ middle, list: z.array(leaf), choice: z.union([option, z.string()]) });
    expect([...objectSchemasOf(root)]).toEqual([leaf, middle, option, root]);
  });

  it('ends with a root that is not an object itself', () => {
    const inner = z.object({ a: z.string() });
    const root = z.array(inner).optional();
    expect([...objectSchemasOf(root)]).toEqual([inner, root]);
  });
});
