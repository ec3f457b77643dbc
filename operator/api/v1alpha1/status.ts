// The PlexMcpServer status, written only by the operator through the status subresource.
import { z } from 'zod';
import { ENV } from '../../../server/config/settings.ts';
import { describe } from './schema-helpers.ts';

/** metav1.Condition, as every Kubernetes API reports conditions (`kubectl wait --for=condition=Ready`). */
export const ConditionSchema = describe(
  z.object({
    type: describe(
      z.string().min(1).max(316),
      'Condition type: Ready, Progressing, Degraded, Verified (the server answers MCP), PlexReachable or ' +
        'IntegrationsReady (the cluster serves every kind of child the spec asks for: HTTPRoute, ServiceMonitor).',
    ),
    status: describe(z.enum(['True', 'False', 'Unknown']), 'True, False or Unknown.'),
    reason: describe(
      z.string().min(1).max(1024),
      'Machine-readable CamelCase cause, e.g. Reconciled, TokenSecretNotFound, RolloutInProgress.',
    ),
    message: describe(z.string().max(32_768), 'What happened and, when something is wrong, how to fix it.'),
    lastTransitionTime: describe(
      z.string().max(64),
      'When the condition last changed status (RFC 3339).',
    ).meta({
      format: 'date-time',
    }),
    observedGeneration: describe(
      z.int().min(0),
      'metadata.generation the condition was computed from.',
    ).optional(),
  }),
  'One aspect of the resource state.',
);

export const PlexMcpServerStatusSchema = describe(
  z.object({
    observedGeneration: describe(
      z.int().min(0),
      'metadata.generation the operator last reconciled; older than metadata.generation while it catches up.',
    ).optional(),
    conditions: describe(
      z.array(ConditionSchema).max(16),
      'Ready, Progressing, Degraded, Verified, PlexReachable and IntegrationsReady, with reasons.',
      {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      },
    ).optional(),
    endpoint: describe(
      z.string().max(2048),
      'In-cluster MCP endpoint: http://<name>.<namespace>.svc.cluster.local:<port>/mcp.',
    ).optional(),
    publicEndpoint: describe(
      z.string().max(2048),
      'Public MCP endpoint, when known: spec.auth.publicURL, or the URL spec.gateway or spec.ingress gives. ' +
        'With OAuth it is the resource identifier tokens are issued for.',
    ).optional(),
    authSecretName: describe(
      z.string().max(253),
      `Secret (key ${ENV.authToken}) holding the bearer token clients send as "Authorization: Bearer <token>". ` +
        'Only with auth.mode Bearer or BearerAndOAuth.',
    ).optional(),
    authTokenRotation: describe(
      z.string().max(1024),
      'Last value of the plexmcp.dev/rotate-auth-token annotation the operator acted on.',
    ).optional(),
    replicas: describe(z.int().min(0), 'Server pods that exist (Deployment status.replicas).').optional(),
    readyReplicas: describe(z.int().min(0), 'Server pods that are ready to serve.').optional(),
    server: describe(
      z.object({
        name: describe(z.string().max(256), 'The name the server gives itself in the MCP handshake.'),
        version: describe(z.string().max(256), 'The version the server reports in the MCP handshake.'),
        protocolVersions: describe(
          z.array(describe(z.string().max(64), 'An MCP protocol version, e.g. 2026-07-28.')).max(16),
          'MCP protocol versions the server offers (server/discover), or the one it negotiated (initialize).',
        ),
        toolCount: describe(z.int().min(0), 'Tools the server lists (tools/list).'),
        authMode: describe(z.enum(['bearer']), 'How the operator authenticated: the generated bearer token.'),
      }),
      'What the server answered when the operator last verified it through its Service (see the Verified ' +
        'condition); absent while it is not verified.',
    ).optional(),
  }),
  'Observed state, written by the operator.',
);

export type Condition = z.output<typeof ConditionSchema>;
export type PlexMcpServerStatus = z.output<typeof PlexMcpServerStatusSchema>;
