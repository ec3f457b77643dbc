// Turns the zod schemas into the structural OpenAPI v3 schema a CRD needs. zod's own JSON Schema output
// is almost there; this pass removes what Kubernetes forbids or does not need (propertyNames, the
// safe-integer bounds zod adds to every int, the anyOf of int-or-string) and refuses anything that
// would make the schema non-structural, so a mistake fails the generator instead of the API server.
import { z } from 'zod';

export type JSONSchemaProps = Record<string, unknown>;

const SAFE_INTEGER_BOUND = Number.MAX_SAFE_INTEGER;
const FORBIDDEN_KEYWORDS = ['oneOf', 'allOf', 'not', '$ref', '$defs', 'definitions', 'const', 'nullable'];

export function toStructuralSchema(schema: z.ZodType): JSONSchemaProps {
  const json = z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'throw' });
  return structural(json as JSONSchemaProps, '');
}

function structural(node: JSONSchemaProps, path: string): JSONSchemaProps {
  const out: JSONSchemaProps = { ...node };
  delete out.$schema;
  delete out.propertyNames; // not allowed in CRDs; key lengths are bounded by the API server itself
  if (out.minimum === -SAFE_INTEGER_BOUND) delete out.minimum;
  if (out.maximum === SAFE_INTEGER_BOUND) delete out.maximum;

  if (out['x-kubernetes-int-or-string'] === true) {
    // Kubernetes wants the bare marker (it implies integer or string); zod wrote it as an anyOf.
    delete out.anyOf;
    delete out.type;
  }
  if (out['x-kubernetes-preserve-unknown-fields'] === true) {
    // Content validated later by Kubernetes itself (e.g. affinity on the pods); no schema for its keys.
    delete out.additionalProperties;
  }
  for (const keyword of [...FORBIDDEN_KEYWORDS, 'anyOf']) {
    if (keyword in out)
      throw new Error(`CRD schema at ${path || '<root>'} uses "${keyword}", which is not structural`);
  }
  if (
    out.type === undefined &&
    out['x-kubernetes-int-or-string'] !== true &&
    out['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    throw new Error(`CRD schema at ${path || '<root>'} has no type`);
  }

  if (isRecord(out.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([key, child]) => [
        key,
        structural(child as JSONSchemaProps, `${path}.${key}`),
      ]),
    );
  }
  if (isRecord(out.items)) out.items = structural(out.items, `${path}[]`);
  if (isRecord(out.additionalProperties)) {
    out.additionalProperties = structural(out.additionalProperties, `${path}.*`);
  }
  return ordered(out);
}

// Keys in the order a person reads a schema: what it is, what it allows, then what it contains.
const KEY_ORDER = [
  'description',
  'type',
  'format',
  'enum',
  'default',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'required',
  'properties',
  'items',
  'additionalProperties',
];

function ordered(node: JSONSchemaProps): JSONSchemaProps {
  const rank = (key: string) => {
    const index = KEY_ORDER.indexOf(key);
    return index === -1 ? KEY_ORDER.length : index;
  };
  const keys = Object.keys(node).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return Object.fromEntries(keys.map((key) => [key, node[key]]));
}

function isRecord(value: unknown): value is JSONSchemaProps {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
