// The CustomResourceDefinition, built from the zod schemas (spec.ts, status.ts, resource.ts).
// `npm run crds` writes it to crds/; a unit test fails when the checked-in file differs.
import {
  API_VERSION,
  CATEGORIES,
  CRD_NAME,
  GROUP,
  KIND,
  LIST_KIND,
  PLURAL,
  SHORT_NAMES,
  SINGULAR,
  VERSION,
} from './constants.ts';
import { type JSONSchemaProps, toStructuralSchema } from './openapi.ts';
import { RESOURCE_DESCRIPTION, resourceRules } from './resource.ts';
import { PlexMcpServerSpecSchema } from './spec.ts';
import { PlexMcpServerStatusSchema } from './status.ts';

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
}

/** The root schema: apiVersion/kind/metadata as every CRD has them, spec and status from zod. */
function rootSchema(): JSONSchemaProps {
  return {
    type: 'object',
    description: RESOURCE_DESCRIPTION,
    required: ['spec'],
    properties: {
      apiVersion: {
        type: 'string',
        description: `API version of this object: ${API_VERSION}.`,
      },
      kind: { type: 'string', description: `Kind of this object: ${KIND}.` },
      metadata: { type: 'object' },
      spec: toStructuralSchema(PlexMcpServerSpecSchema),
      status: toStructuralSchema(PlexMcpServerStatusSchema),
    },
    'x-kubernetes-validations': resourceRules.map(({ rule, message }) => ({ rule, message })),
  };
}

export function buildPlexMcpServerCrd(): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: CRD_NAME,
      labels: { 'app.kubernetes.io/name': 'plex-mcp', 'app.kubernetes.io/part-of': 'plex-mcp-operator' },
    },
    spec: {
      group: GROUP,
      names: {
        kind: KIND,
        listKind: LIST_KIND,
        plural: PLURAL,
        singular: SINGULAR,
        shortNames: SHORT_NAMES,
        categories: CATEGORIES,
      },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            {
              name: 'Ready',
              type: 'string',
              jsonPath: '.status.conditions[?(@.type=="Ready")].status',
              description: 'Whether the MCP endpoint is ready to serve.',
            },
            {
              name: 'Reason',
              type: 'string',
              jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
              description: 'Why it is (not) ready.',
              priority: 1,
            },
            {
              name: 'Endpoint',
              type: 'string',
              jsonPath: '.status.endpoint',
              description: 'In-cluster MCP endpoint URL.',
            },
            {
              name: 'Auth',
              type: 'string',
              jsonPath: '.spec.auth.mode',
              description: 'How clients authenticate: Bearer, OAuth or BearerAndOAuth.',
              priority: 1,
            },
            {
              name: 'Public',
              type: 'string',
              jsonPath: '.status.publicEndpoint',
              description: 'Public MCP endpoint (the OAuth resource identifier), when known.',
              priority: 1,
            },
            {
              name: 'Replicas',
              type: 'integer',
              jsonPath: '.status.readyReplicas',
              description: 'Server pods ready to serve.',
            },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: { openAPIV3Schema: rootSchema() },
        },
      ],
    },
  };
}
