// Managed Redis: a private, cache-only Redis (no persistence) per PlexMcpServer, reachable only from
// that instance's server pods (NetworkPolicy) and only with the generated password.
import type {
  V1Deployment,
  V1LabelSelector,
  V1NetworkPolicyPort,
  V1ObjectMeta,
  V1Service,
} from '@kubernetes/client-node';
import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import {
  DEFAULT_REDIS_IMAGE,
  DEFAULT_REDIS_RESOURCES,
  REDIS_FALLBACK_MAXMEMORY_BYTES,
  REDIS_MAXMEMORY_SHARE,
  REDIS_PORT,
  REDIS_UID,
} from './defaults.ts';
import { childLabels, childMetadata, childNames, selectorLabels } from './names.ts';
import { memoryBytes } from './quantity.ts';
import { containerResources } from './resources.ts';
import { REDIS_PASSWORD_KEY } from './secrets.ts';
import { containerSecurityContext, podSecurityContext } from './security.ts';

/** Redis' maxmemory: a share of the container's memory limit, so Redis evicts before the kernel kills it. */
export function redisMaxMemoryBytes(resource: PlexMcpServer): number {
  const resources = containerResources(resource.spec.redis.managed?.resources, DEFAULT_REDIS_RESOURCES);
  const limit = memoryBytes(resources.limits?.memory);
  if (limit === undefined) return REDIS_FALLBACK_MAXMEMORY_BYTES;
  return Math.floor(limit * REDIS_MAXMEMORY_SHARE);
}

export function renderRedisDeployment(resource: PlexMcpServer): V1Deployment {
  const names = childNames(resource);
  const managed = resource.spec.redis.managed;
  const scheduling = resource.spec.scheduling;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMetadata(resource, names.redisDeployment, 'redis'),
    spec: {
      replicas: 1,
      revisionHistoryLimit: 3,
      // One Redis at a time: a second one during a rollout would only double memory for an empty cache.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selectorLabels(resource, 'redis') },
      template: {
        metadata: { labels: childLabels(resource, 'redis') },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext(REDIS_UID),
          ...(scheduling?.nodeSelector ? { nodeSelector: scheduling.nodeSelector } : {}),
          ...(scheduling?.tolerations ? { tolerations: scheduling.tolerations } : {}),
          ...(scheduling?.priorityClassName ? { priorityClassName: scheduling.priorityClassName } : {}),
          containers: [
            {
              name: 'redis',
              image: managed?.image ?? DEFAULT_REDIS_IMAGE,
              ...(resource.spec.imagePullPolicy ? { imagePullPolicy: resource.spec.imagePullPolicy } : {}),
              // Bypass the image's entrypoint script (it wants root to chown /data).
              command: ['redis-server'],
              args: [
                '--port',
                String(REDIS_PORT),
                // Kubernetes expands $(REDIS_PASSWORD) from the env below: the password is never in the spec.
                '--requirepass',
                '$(REDIS_PASSWORD)',
                // A cache: no snapshots, no append-only file, evict least recently used keys when full.
                '--save',
                '',
                '--appendonly',
                'no',
                '--maxmemory',
                String(redisMaxMemoryBytes(resource)),
                '--maxmemory-policy',
                'allkeys-lru',
              ],
              env: [
                {
                  name: 'REDIS_PASSWORD',
                  valueFrom: { secretKeyRef: { name: names.redisSecret, key: REDIS_PASSWORD_KEY } },
                },
              ],
              ports: [{ name: 'redis', containerPort: REDIS_PORT, protocol: 'TCP' }],
              readinessProbe: { tcpSocket: { port: 'redis' }, periodSeconds: 5, timeoutSeconds: 2 },
              livenessProbe: {
                tcpSocket: { port: 'redis' },
                initialDelaySeconds: 5,
                periodSeconds: 10,
                timeoutSeconds: 2,
              },
              resources: containerResources(managed?.resources, DEFAULT_REDIS_RESOURCES),
              securityContext: containerSecurityContext(REDIS_UID),
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
          // Redis' working directory; nothing is persisted there (--save '' and no AOF).
          volumes: [{ name: 'data', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

export function renderRedisService(resource: PlexMcpServer): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMetadata(resource, childNames(resource).redisService, 'redis'),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(resource, 'redis'),
      ports: [{ name: 'redis', port: REDIS_PORT, targetPort: 'redis', protocol: 'TCP' }],
    },
  };
}

/**
 * A NetworkPolicy as JSON. client-node's V1NetworkPolicy spells the `from` field `_from` (a TypeScript
 * reserved-word workaround its serializer undoes); we emit plain JSON, so we declare the JSON shape.
 */
export interface NetworkPolicyManifest {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: V1ObjectMeta;
  spec: {
    podSelector: V1LabelSelector;
    policyTypes: ('Ingress' | 'Egress')[];
    ingress: { from: { podSelector: V1LabelSelector }[]; ports: V1NetworkPolicyPort[] }[];
  };
}

/** Only this instance's server pods may open connections to its Redis, and only on the Redis port. */
export function renderRedisNetworkPolicy(resource: PlexMcpServer): NetworkPolicyManifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: childMetadata(resource, childNames(resource).redisNetworkPolicy, 'redis'),
    spec: {
      podSelector: { matchLabels: selectorLabels(resource, 'redis') },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: selectorLabels(resource, 'server') } }],
          ports: [{ protocol: 'TCP', port: REDIS_PORT }],
        },
      ],
    },
  };
}
