// The whole PlexMcpServer object, and the defensive parser the operator reads resources with.
import { z } from 'zod';
import { API_VERSION, KIND, MAX_NAME_LENGTH } from './constants.ts';
import { type CelRule, describe, withCelRules } from './schema-helpers.ts';
import { PlexMcpServerSpecSchema } from './spec.ts';
import { PlexMcpServerStatusSchema } from './status.ts';

/** Child names are derived from the resource name, so it must be a short DNS-1035 label. */
const NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const ObjectMetaSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().min(1),
  uid: z.string().optional(),
  generation: z.int().optional(),
  resourceVersion: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  deletionTimestamp: z.string().optional(),
});

/** Rules on the whole object (CEL may only read metadata.name there). Exported for the CRD root. */
export const resourceRules = [
  {
    rule: `size(self.metadata.name) <= ${MAX_NAME_LENGTH} && self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')`,
    message:
      `metadata.name must be a DNS label of at most ${MAX_NAME_LENGTH} characters starting with a letter ` +
      '(the Services <name> and <name>-redis are named after it)',
    holds: (resource: { metadata: { name: string } }) =>
      resource.metadata.name.length <= MAX_NAME_LENGTH && NAME_PATTERN.test(resource.metadata.name),
  },
] satisfies CelRule<{ metadata: { name: string } }>[];

export const RESOURCE_DESCRIPTION =
  'PlexMcpServer runs an MCP server (Model Context Protocol) for one Plex Media Server: a Deployment, a ' +
  'Service, a generated bearer token and, optionally, a private Redis cache.';

export const PlexMcpServerSchema = describe(
  withCelRules(
    z.object({
      apiVersion: z.literal(API_VERSION),
      kind: z.literal(KIND),
      metadata: ObjectMetaSchema,
      spec: PlexMcpServerSpecSchema,
      // A malformed status must not stop the operator from reconciling: it rewrites status anyway.
      status: PlexMcpServerStatusSchema.optional().catch(undefined),
    }),
    resourceRules,
  ),
  RESOURCE_DESCRIPTION,
);

/** A PlexMcpServer as the operator uses it: validated, with every schema default applied. */
export type PlexMcpServer = z.output<typeof PlexMcpServerSchema>;

export type ParseResult = { ok: true; value: PlexMcpServer } | { ok: false; errors: string[] };

/**
 * Reads an object from the API server (or a YAML file) defensively: it returns the typed resource with
 * defaults applied, or one readable line per problem ("spec.plex.url: plex.url must be ..."), never throws.
 */
export function parsePlexMcpServer(obj: unknown): ParseResult {
  const result = PlexMcpServerSchema.safeParse(asApiJson(obj));
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: result.error.issues.map(formatIssue) };
}

/**
 * The object as the API server sent it on the wire. Client libraries may have turned timestamps into Date
 * objects (client-node does for typed kinds); a JSON round trip turns them back into RFC 3339 strings, so
 * e.g. status.conditions[].lastTransitionTime parses instead of silently dropping the status.
 */
function asApiJson(obj: unknown): unknown {
  if (obj === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(obj));
  } catch {
    return obj; // cyclic or otherwise not JSON: let the schema report what is wrong
  }
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
