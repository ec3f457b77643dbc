/**
 * The ConfigMap and container environment the operator renders for a PlexMcpServer are exactly what the server's
 * own config loader must accept: every example resource, every Redis and auth mode, and every numeric spec field at
 * the lowest and highest value the CRD allows (bounds read from the generated CRD, so a CRD bound wider than the
 * server's is caught here). Secret values are stand-ins of a valid length; the server loads them like the pod does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderPlexMcpServer } from '../../../../cdk8s/plex-mcp-server/index.ts';
import { type PlexMcpServer, parsePlexMcpServer } from '../../../../operator/api/v1alpha1/index.ts';
import { loadConfig } from '../../../../server/config/config.ts';
import { makeInputs, makeResource } from '../fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const SECRET_STAND_IN = 'x'.repeat(48);

/** The environment the server container starts with: the ConfigMap (envFrom), then its own env entries. */
function podEnvironment(resource: PlexMcpServer): Record<string, string> {
  const objects = renderPlexMcpServer(resource, makeInputs());
  const configMap = objects.find((o) => o.kind === 'ConfigMap') as V1ConfigMap;
  const deployment = objects.find(
    (o) => o.kind === 'Deployment' && o.metadata?.name === resource.metadata.name,
  ) as V1Deployment;
  const container = deployment.spec?.template.spec?.containers.find((c) => c.name === 'server');
  const env: Record<string, string> = { ...(configMap.data ?? {}) };
  for (const entry of container?.env ?? []) {
    env[entry.name] = entry.value ?? (entry.valueFrom?.secretKeyRef ? SECRET_STAND_IN : '');
  }
  return env;
}

function expectLoads(label: string, resource: PlexMcpServer): void {
  const result = loadConfig(podEnvironment(resource), 'http');
  expect(result.ok ? [] : result.problems, label).toEqual([]);
}

function exampleResources(): Array<[string, PlexMcpServer]> {
  const found: Array<[string, PlexMcpServer]> = [];
  for (const file of readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(readFileSync(path.join(ROOT, 'examples', file), 'utf8'))) {
      const obj = doc.toJS() as { kind?: string; metadata?: Record<string, unknown> } | null;
      if (obj?.kind !== 'PlexMcpServer') continue;
      const parsed = parsePlexMcpServer({
        ...obj,
        metadata: { uid: 'example-uid', generation: 1, ...obj.metadata },
      });
      if (!parsed.ok) throw new Error(`examples/${file}: ${parsed.errors.join('; ')}`);
      found.push([`examples/${file}`, parsed.value]);
    }
  }
  return found;
}

interface NumericField {
  path: string[];
  minimum?: number;
  maximum?: number;
  /** Required numeric siblings (e.g. autoscaling.maxReplicas), set to their maximum alongside. */
  requiredSiblings: Array<{ name: string; maximum: number }>;
}

/** Every integer/number field under spec with a bound, as the generated CRD states it. */
function numericSpecFields(): NumericField[] {
  const crd = parseAllDocuments(
    readFileSync(path.join(ROOT, 'crds/plexmcp.dev_plexmcpservers.yaml'), 'utf8'),
  )[0]?.toJS();
  const schema = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
  const fields: NumericField[] = [];
  const isBounded = (node: Record<string, unknown>) =>
    (node.type === 'integer' || node.type === 'number') &&
    (node.minimum !== undefined || node.maximum !== undefined);
  const walk = (node: Record<string, unknown>, at: string[], siblings: NumericField['requiredSiblings']) => {
    if (isBounded(node)) {
      const own = at[at.length - 1];
      fields.push({
        path: at,
        minimum: node.minimum as number,
        maximum: node.maximum as number,
        requiredSiblings: siblings.filter((s) => s.name !== own),
      });
    }
    const properties = (node.properties ?? {}) as Record<string, Record<string, unknown>>;
    const required = new Set((node.required ?? []) as string[]);
    const requiredNumeric = Object.entries(properties)
      .filter(([name, child]) => required.has(name) && isBounded(child))
      .map(([name, child]) => ({ name, maximum: child.maximum as number }));
    for (const [name, child] of Object.entries(properties)) walk(child, [...at, name], requiredNumeric);
  };
  walk(schema, [], []);
  return fields;
}

function withField(field: NumericField, value: number): Record<string, unknown> {
  const base: Record<string, unknown> = {
    plex: { url: 'http://plex.media.svc:32400', tokenSecretRef: { name: 'plex-token' } },
  };
  let node = base;
  for (const key of field.path.slice(0, -1)) {
    node[key] = (node[key] as Record<string, unknown> | undefined) ?? {};
    node = node[key] as Record<string, unknown>;
  }
  for (const sibling of field.requiredSiblings) node[sibling.name] = sibling.maximum;
  node[field.path[field.path.length - 1] as string] = value;
  return base;
}

describe('the rendered server environment loads in the server', () => {
  it.each(exampleResources())('%s', (label, resource) => expectLoads(label, resource));

  it.each([
    ['Managed Redis', {}],
    ['External Redis', { redis: { mode: 'External', external: { url: 'rediss://cache.example:6380/1' } } }],
    ['no Redis', { redis: { mode: 'Disabled' } }],
    ['cache off', { cache: { enabled: false } }],
    [
      'OAuth',
      {
        auth: {
          mode: 'OAuth',
          oauth: { issuer: 'https://auth.example.com/realms/home' },
          publicURL: 'https://mcp.example.com/mcp',
        },
      },
    ],
    [
      'Bearer and OAuth',
      {
        auth: {
          mode: 'BearerAndOAuth',
          oauth: { issuer: 'https://auth.example.com' },
          publicURL: 'https://mcp.example.com/mcp',
        },
      },
    ],
    [
      'Sign in with Plex',
      {
        auth: {
          mode: 'SignInWithPlex',
          allowedUsers: ['olivia', 'Pat'],
          publicURL: 'https://mcp.example.com/mcp',
        },
      },
    ],
  ])('%s', (label, spec) => expectLoads(label, makeResource(spec)));

  const fields = numericSpecFields();
  it('finds the numeric spec fields in the CRD', () => {
    expect(fields.map((f) => f.path.join('.'))).toEqual(
      expect.arrayContaining(['plex.timeoutSeconds', 'plex.maxConnections']),
    );
  });

  const cases = fields.flatMap((f) =>
    [f.minimum, f.maximum]
      .filter((v): v is number => v !== undefined)
      .map((v) => [`${f.path.join('.')} = ${v}`, f, v] as const),
  );
  it.each(cases)('%s', (label, field, value) => {
    const parsed = parsePlexMcpServer({
      apiVersion: 'plexmcp.dev/v1alpha1',
      kind: 'PlexMcpServer',
      metadata: { name: 'edge', namespace: 'media', uid: 'edge-uid', generation: 1 },
      spec: withField(field, value),
    });
    // A bound the CRD allows but the resource type refuses is a disagreement of its own.
    if (!parsed.ok)
      throw new Error(`${label}: the CRD allows it, the operator refuses it: ${parsed.errors.join('; ')}`);
    expectLoads(label, parsed.value);
  });
});
