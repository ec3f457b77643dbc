/**
 * One output schema can carry the same object shape more than once: get_media_details' item and its children are
 * both media items with a few fields of their own. Written out twice, that shape is ~600 B of tools/list; here the
 * fields two or more objects share (same name, same schema) go once under `$defs` and each object becomes
 * `allOf: [{$ref}, {its own fields}]`.
 *
 * It validates exactly what the original did: output schemas are open (no `additionalProperties: false`, see
 * compact-schema.ts), so "the shared fields, and my own fields" accepts the same values as "all my fields", and
 * each object keeps every `required` name (those common to all holders on the shared shape, the rest on its own).
 * `allOf` rather than `$ref` beside siblings, because draft-07 validators ignore a `$ref`'s siblings.
 */

/** Below this, a `$ref` and `allOf` cost about what they save. */
const MIN_SHARED_BYTES = 200;
const MAX_SHARED_SHAPES = 4;

type JsonObject = Record<string, unknown>;

interface Candidate {
  node: JsonObject;
  /** The property the object sits under (or whose array items it is): names the shared shape. */
  label: string;
  properties: JsonObject;
}

export function factorSharedShapes(schema: JsonObject): JsonObject {
  const root = structuredClone(schema);
  const defs: JsonObject = {};
  for (let round = 0; round < MAX_SHARED_SHAPES; round++) {
    const candidates = collect(root);
    const shared = largestSharedShape(candidates);
    if (!shared) break;
    const name = uniqueName(shared.label, defs);
    const holders = candidates.filter((c) => holdsAll(c, shared.keys, shared.properties));
    const required = shared.keys.filter((k) => holders.every((h) => requiredOf(h.node).includes(k)));
    // No `type: object`: `properties` implies it (compact-schema.ts).
    defs[name] = {
      properties: shared.properties,
      ...(required.length > 0 ? { required } : {}),
    };
    for (const holder of holders) replaceWithRef(holder, shared.keys, required, name);
  }
  if (Object.keys(defs).length === 0) return schema;
  return { ...root, $defs: { ...(root.$defs as JsonObject | undefined), ...defs } };
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every object schema with `properties` below the root, in document order. */
function collect(root: JsonObject): Candidate[] {
  const found: Candidate[] = [];
  const visit = (node: unknown, label: string, isRoot: boolean) => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n, label, false);
      return;
    }
    if (!isObject(node)) return;
    if (!isRoot && isObject(node.properties)) found.push({ node, label, properties: node.properties });
    for (const [key, value] of Object.entries(node)) {
      if (key === '$defs') continue;
      if (key === 'properties' && isObject(value)) {
        for (const [name, sub] of Object.entries(value)) visit(sub, name, false);
      } else {
        visit(value, label, false);
      }
    }
  };
  visit(root, 'shape', true);
  return found;
}

function largestSharedShape(
  candidates: Candidate[],
): { keys: string[]; properties: JsonObject; label: string } | undefined {
  let best: { keys: string[]; properties: JsonObject; label: string; bytes: number } | undefined;
  for (let i = 0; i < candidates.length; i++) {
    for (let j = i + 1; j < candidates.length; j++) {
      const a = candidates[i] as Candidate;
      const b = candidates[j] as Candidate;
      const keys = Object.keys(a.properties).filter(
        (k) => k in b.properties && same(a.properties[k], b.properties[k]),
      );
      const properties = Object.fromEntries(keys.map((k) => [k, a.properties[k]]));
      const bytes = JSON.stringify(properties).length;
      if (bytes >= MIN_SHARED_BYTES && (!best || bytes > best.bytes))
        best = { keys, properties, label: a.label, bytes };
    }
  }
  return best;
}

function holdsAll(candidate: Candidate, keys: string[], properties: JsonObject): boolean {
  return keys.every((k) => k in candidate.properties && same(candidate.properties[k], properties[k]));
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function requiredOf(node: JsonObject): string[] {
  return Array.isArray(node.required) ? (node.required as string[]) : [];
}

function replaceWithRef(holder: Candidate, keys: string[], sharedRequired: string[], name: string): void {
  const { node } = holder;
  const ownProperties = Object.fromEntries(
    Object.entries(holder.properties).filter(([k]) => !keys.includes(k)),
  );
  const ownRequired = requiredOf(node).filter((k) => !sharedRequired.includes(k));
  const { type: _type, properties: _properties, required: _required, ...otherKeywords } = node;
  const own: JsonObject = {
    ...otherKeywords,
    ...(Object.keys(ownProperties).length > 0 ? { properties: ownProperties } : {}),
    ...(ownRequired.length > 0 ? { required: ownRequired } : {}),
  };
  const ref = { $ref: `#/$defs/${name}` };
  for (const key of Object.keys(node)) delete node[key];
  if (Object.keys(own).length === 0) Object.assign(node, ref);
  else Object.assign(node, { allOf: [ref, own] });
}

function uniqueName(label: string, taken: JsonObject): string {
  const base = label.replace(/[^A-Za-z0-9_]/g, '_') || 'shape';
  let name = base;
  for (let n = 2; name in taken; n++) name = `${base}${n}`;
  return name;
}
