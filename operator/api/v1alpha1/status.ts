// The PlexMcpServer status, written only by the operator through the status subresource.
import { z } from 'zod';
import { describe } from './schema-helpers.ts';

/** metav1.Condition, as every Kubernetes API reports conditions (`kubectl wait --for=condition=Ready`). */
export const ConditionSchema = describe(
  z.object({
    type: describe(z.string().min(1).max(316), 'Condition type: Ready, Progressing or Degraded.'),
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
    conditions: describe(z.array(ConditionSchema).max(16), 'Ready, Progressing and Degraded, with reasons.', {
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    }).optional(),
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
      'Secret (key AUTH_TOKEN) holding the bearer token clients send as "Authorization: Bearer <token>". ' +
        'Only with auth.mode Bearer or BearerAndOAuth.',
    ).optional(),
    authTokenRotation: describe(
      z.string().max(1024),
      'Last value of the plexmcp.dev/rotate-auth-token annotation the operator acted on.',
    ).optional(),
    replicas: describe(z.int().min(0), 'Server pods that exist (Deployment status.replicas).').optional(),
    readyReplicas: describe(z.int().min(0), 'Server pods that are ready to serve.').optional(),
  }),
  'Observed state, written by the operator.',
);

export type Condition = z.output<typeof ConditionSchema>;
export type PlexMcpServerStatus = z.output<typeof PlexMcpServerStatusSchema>;
