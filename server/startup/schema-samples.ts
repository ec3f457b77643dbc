/**
 * Sample values built from a zod 4 schema's own definition, for the idle warm-up (idle-warm-up.ts): parsing one
 * compiles what zod compiles on a schema's first parse (each object schema's generated fast path, its memoizer's
 * walk), which otherwise lands on the first tool call. A sample has every key of every object (optional ones
 * too, so nested objects are reached), one member per array, a union's first option; leaves are made to pass
 * their common checks (lengths, bounds, patterns) but need not: an object's fast path is compiled for any object
 * input, valid or not.
 *
 * Structural, not `import { z } from 'zod'`: server/startup/ imports no package (test/unit/architecture/
 * import-graph.test.ts), and the walk reads only `_zod.def`, which zod 4 documents for library authors.
 */

/** What the walk reads of a zod 4 schema. */
export interface ZodSchemaLike {
  _zod: { def: ZodDefLike };
}

interface CheckLike {
  _zod: {
    def: {
      check: string;
      minimum?: number;
      maximum?: number;
      value?: unknown;
      inclusive?: boolean;
      format?: string;
      pattern?: RegExp;
    };
  };
}

interface ZodDefLike {
  type: string;
  shape?: Record<string, ZodSchemaLike>;
  element?: ZodSchemaLike;
  innerType?: ZodSchemaLike;
  in?: ZodSchemaLike;
  out?: ZodSchemaLike;
  options?: readonly ZodSchemaLike[];
  items?: readonly ZodSchemaLike[];
  keyType?: ZodSchemaLike;
  valueType?: ZodSchemaLike;
  entries?: Record<string, unknown>;
  values?: readonly unknown[];
  format?: string;
  checks?: readonly CheckLike[];
  getter?: () => ZodSchemaLike;
}

/**
 * A schema whose members the definition does not show (e.g. an array parsed member by member in a transform):
 * returns the member schema, and samples of it become one-member arrays.
 */
export type HiddenMembers = (schema: ZodSchemaLike) => ZodSchemaLike | undefined;

const noHiddenMembers: HiddenMembers = () => undefined;
/** Deep enough for every schema we have; a recursive (lazy) schema stops here. */
const MAX_DEPTH = 12;

function checkOf(def: ZodDefLike, name: string): CheckLike['_zod']['def'] | undefined {
  return def.checks?.find((c) => c._zod.def.check === name)?._zod.def;
}

/**
 * Strings tried against a pattern; the first is the default, and passes more than any other would: an id of
 * digits, a PIN, a year Date.parse reads.
 */
const STRING_CANDIDATES = ['1234', '1', 'a', '7d', '2026-01-31'];

function sampleString(def: ZodDefLike): string {
  const format = def.format ?? checkOf(def, 'string_format')?.format;
  if (format === 'url') return 'http://plex.invalid/';
  if (format === 'email') return 'someone@plex.invalid';
  if (format === 'uuid' || format === 'guid') return '00000000-0000-4000-8000-000000000000';
  if (format === 'datetime') return new Date(0).toISOString();
  const pattern = def.checks?.map((c) => c._zod.def.pattern).find((p) => p instanceof RegExp);
  let value = (pattern && STRING_CANDIDATES.find((c) => new RegExp(pattern).test(c))) || '1234';
  const min = checkOf(def, 'min_length')?.minimum ?? checkOf(def, 'length_equals')?.value;
  const max = checkOf(def, 'max_length')?.maximum;
  if (typeof min === 'number' && value.length < min) value = value.padEnd(min, '1');
  if (typeof max === 'number' && value.length > max) value = value.slice(0, max);
  return value;
}

function sampleNumber(def: ZodDefLike): number {
  const low = checkOf(def, 'greater_than');
  if (typeof low?.value === 'number') return low.inclusive ? low.value : Math.floor(low.value) + 1;
  const high = checkOf(def, 'less_than');
  if (typeof high?.value === 'number' && high.value <= 0) return high.inclusive ? high.value : high.value - 1;
  return 0;
}

/** A value shaped as `schema` expects. */
export function sampleOf(schema: ZodSchemaLike, hidden: HiddenMembers = noHiddenMembers, depth = 0): unknown {
  if (depth > MAX_DEPTH) return undefined;
  const member = hidden(schema);
  if (member) return [sampleOf(member, hidden, depth + 1)];
  const def = schema._zod.def;
  const next = (s: ZodSchemaLike | undefined) => (s ? sampleOf(s, hidden, depth + 1) : undefined);
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(def.shape ?? {})) out[key] = next(value);
      return out;
    }
    case 'array':
      return [next(def.element)];
    case 'tuple':
      return (def.items ?? []).map(next);
    case 'record':
    case 'map':
      return { [String(next(def.keyType) ?? 'a')]: next(def.valueType) };
    case 'union':
      return next(def.options?.[0]);
    case 'intersection':
      return undefined;
    case 'pipe':
      // A preprocess pipe starts with its transform: what it is fed looks like what comes out of it.
      return def.in?._zod.def.type === 'transform' ? next(def.out) : next(def.in);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return next(def.innerType);
    case 'lazy':
      return next(def.getter?.());
    case 'string':
      return sampleString(def);
    case 'number':
    case 'int':
      return sampleNumber(def);
    case 'boolean':
      return false;
    case 'enum':
      return Object.values(def.entries ?? {})[0];
    case 'literal':
      return def.values?.[0];
    case 'null':
      return null;
    default:
      return undefined;
  }
}

/**
 * The object schemas inside `schema`, innermost first (each before any object that holds it), `schema` itself
 * last: parsing them in this order keeps each parse's cold work to one object's own.
 */
export function objectSchemasOf(
  schema: ZodSchemaLike,
  hidden: HiddenMembers = noHiddenMembers,
  into: Set<ZodSchemaLike> = new Set(),
): Set<ZodSchemaLike> {
  const seen = new Set<ZodSchemaLike>();
  const visit = (s: ZodSchemaLike | undefined, depth: number) => {
    if (!s || seen.has(s) || depth > MAX_DEPTH) return;
    seen.add(s);
    const def = s._zod.def;
    visit(hidden(s), depth + 1);
    for (const child of Object.values(def.shape ?? {})) visit(child, depth + 1);
    for (const child of [...(def.options ?? []), ...(def.items ?? [])]) visit(child, depth + 1);
    for (const child of [def.element, def.innerType, def.in, def.out, def.keyType, def.valueType])
      visit(child, depth + 1);
    if (def.type === 'lazy') visit(def.getter?.(), depth + 1);
    if (def.type === 'object') into.add(s);
  };
  visit(schema, 0);
  into.add(schema);
  return into;
}
