/**
 * tools/list is paid for in every conversation's context, so the JSON Schemas it carries drop what zod emits but
 * no client needs: `$schema` (MCP's default dialect is 2020-12), the ±2^53-1 bounds of every `int()`, and in
 * output schemas descriptions, `additionalProperties: false` (results are data, described by the tool's text;
 * a closed output schema would also make clients reject any field added later) and a `type` another keyword
 * already implies: beside a string `enum`, `object` beside `properties` and `array` beside `items` below the root
 * (the results are checked against the zod schema before they are sent; the root keeps `type: object`, which MCP
 * requires). An object shape repeated inside one output schema (a details item and its children
 * share the media item's fields) is written once under `$defs` (server/tools/shared-shapes.ts).
 * Input schemas keep `type` everywhere: several model APIs reject a property without one.
 */
import { factorSharedShapes } from './shared-shapes.ts';

const SAFE = Number.MAX_SAFE_INTEGER;

export function compactJsonSchema(
  schema: Record<string, unknown>,
  kind: 'input' | 'output',
): Record<string, unknown> {
  const compact = compactNode(schema, kind, true) as Record<string, unknown>;
  return kind === 'output' ? factorSharedShapes(compact) : compact;
}

function compactNode(node: unknown, kind: 'input' | 'output', root: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => compactNode(n, kind, false));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === '$schema') continue;
    if (key === 'minimum' && value === -SAFE) continue;
    if (key === 'maximum' && value === SAFE) continue;
    if (kind === 'output' && !root && key === 'description' && typeof value === 'string') continue;
    if (kind === 'output' && key === 'additionalProperties' && value === false) continue;
    if (kind === 'output' && (key === 'minimum' || key === 'maximum') && typeof value === 'number') continue;
    // `properties` maps names to schemas: compact the schemas, never drop a property named like a keyword.
    if (key === 'properties' && value !== null && typeof value === 'object') {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, s]) => [
          name,
          compactNode(s, kind, false),
        ]),
      );
      continue;
    }
    out[key] = compactNode(value, kind, false);
  }
  if (kind === 'output' && !root && typeImplied(out)) delete out.type;
  return mergeTypeUnion(out);
}

function typeImplied(node: Record<string, unknown>): boolean {
  if (node.type === 'object') return node.properties !== null && typeof node.properties === 'object';
  if (node.type === 'array') return node.items !== null && typeof node.items === 'object';
  return isStringEnum(node);
}

function isStringEnum(node: Record<string, unknown>): boolean {
  return (
    node.type === 'string' &&
    Array.isArray(node.enum) &&
    node.enum.length > 0 &&
    node.enum.every((v) => typeof v === 'string')
  );
}

/**
 * `anyOf: [{type: string, pattern}, {type: integer, minimum}]` → `{type: [string, integer], pattern, minimum}`:
 * the same schema (pattern and length apply only to strings, bounds only to numbers), written once.
 */
function mergeTypeUnion(node: Record<string, unknown>): Record<string, unknown> {
  const options = node.anyOf;
  if (!Array.isArray(options) || options.length < 2) return node;
  const branches = options as Record<string, unknown>[];
  const forString = new Set(['type', 'pattern', 'minLength', 'maxLength', 'format']);
  const forNumber = new Set([
    'type',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'multipleOf',
  ]);
  const types = branches.map((b) => b.type);
  const simple = branches.every((b) => {
    const allowed =
      b.type === 'string' ? forString : b.type === 'integer' || b.type === 'number' ? forNumber : undefined;
    return allowed !== undefined && Object.keys(b).every((k) => allowed.has(k));
  });
  if (
    !simple ||
    new Set(types).size !== types.length ||
    (types.includes('integer') === types.includes('number') && types.includes('number'))
  )
    return node;
  const { anyOf: _anyOf, ...rest } = node;
  const merged: Record<string, unknown> = { ...rest, type: types };
  for (const b of branches) for (const [k, v] of Object.entries(b)) if (k !== 'type') merged[k] = v;
  return merged;
}
