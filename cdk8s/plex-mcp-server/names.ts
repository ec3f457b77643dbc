// Names, labels, selectors and owner references of a PlexMcpServer's children (the brief's contract).
import type { V1OwnerReference } from '@kubernetes/client-node';
import { API_VERSION, KIND, type PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import { needsAuthSecret } from './auth-mode.ts';
import {
  PLATFORM_KINDS,
  type PlatformChild,
  platformChildName,
  platformChildWanted,
} from './platform-names.ts';

export type Component = 'server' | 'redis';

/** The kinds a PlexMcpServer's children are: what the operator caches, applies and prunes. */
export const CHILD_KINDS = [
  'ConfigMap',
  'Secret',
  'Service',
  'Deployment',
  'NetworkPolicy',
  'Ingress',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'HTTPRoute',
  'ServiceMonitor',
] as const;
export type ChildKind = (typeof CHILD_KINDS)[number];

/**
 * Child kinds that come from CRDs a cluster may not have (Gateway API, Prometheus Operator): the operator asks API
 * discovery whether they are served before it caches, applies or prunes them.
 */
export const OPTIONAL_CHILD_KINDS = ['HTTPRoute', 'ServiceMonitor'] as const satisfies readonly ChildKind[];
export type OptionalChildKind = (typeof OPTIONAL_CHILD_KINDS)[number];

/** Every optional kind: what offline rendering assumes (no cluster to ask). */
export const ALL_OPTIONAL_KINDS: ReadonlySet<OptionalChildKind> = new Set(OPTIONAL_CHILD_KINDS);

export function isOptionalChildKind(kind: string): kind is OptionalChildKind {
  return (OPTIONAL_CHILD_KINDS as readonly string[]).includes(kind);
}

/** The label every child carries, and the only place it is spelled: the operator's informers select on it. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'plex-mcp-operator';
/** The label selector for "our children", as informers and kubectl take it. */
export const MANAGED_BY_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

export interface ChildNames {
  configMap: string;
  authSecret: string;
  deployment: string;
  service: string;
  redisSecret: string;
  redisDeployment: string;
  redisService: string;
  redisNetworkPolicy: string;
}

export function childNames(resource: Pick<PlexMcpServer, 'metadata'>): ChildNames {
  const name = resource.metadata.name;
  return {
    configMap: `${name}-config`,
    authSecret: `${name}-auth`,
    deployment: name,
    service: name,
    redisSecret: `${name}-redis`,
    redisDeployment: `${name}-redis`,
    redisService: `${name}-redis`,
    redisNetworkPolicy: `${name}-redis`,
  };
}

/** Labels that select one component of one instance: used by Deployments, Services and the NetworkPolicy. */
export function selectorLabels(
  resource: Pick<PlexMcpServer, 'metadata'>,
  component: Component,
): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'plex-mcp',
    'app.kubernetes.io/instance': resource.metadata.name,
    'app.kubernetes.io/component': component,
  };
}

/** Every child carries these; `managed-by` lets the operator's informers watch only its own objects. */
export function childLabels(
  resource: Pick<PlexMcpServer, 'metadata'>,
  component: Component,
): Record<string, string> {
  return { ...selectorLabels(resource, component), [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
}

/**
 * The controller reference that makes Kubernetes garbage-collect the children with the resource.
 * Empty when the resource has no uid yet (rendered from a file for GitOps, without the operator).
 */
export function ownerReferences(resource: Pick<PlexMcpServer, 'metadata'>): V1OwnerReference[] {
  const uid = resource.metadata.uid;
  if (!uid) return [];
  return [
    {
      apiVersion: API_VERSION,
      kind: KIND,
      name: resource.metadata.name,
      uid,
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
}

/** The in-cluster MCP URL the operator reports in status.endpoint. */
export function mcpEndpoint(resource: Pick<PlexMcpServer, 'metadata' | 'spec'>): string {
  const { name, namespace } = resource.metadata;
  return `http://${name}.${namespace}.svc.cluster.local:${resource.spec.service.port}/mcp`;
}

/** metadata for a child: name, namespace, labels and (when known) the owner reference. */
export function childMetadata(resource: Pick<PlexMcpServer, 'metadata'>, name: string, component: Component) {
  const owners = ownerReferences(resource);
  return {
    name,
    namespace: resource.metadata.namespace,
    labels: childLabels(resource, component),
    ...(owners.length > 0 ? { ownerReferences: owners } : {}),
  };
}

export interface ChildRef {
  apiVersion: string;
  kind: ChildKind;
  name: string;
  component: Component;
  /** Created once by the controller (random data), not part of renderPlexMcpServer's output. */
  generated: boolean;
  /** For the children spec.networkPolicy, gateway, ingress, autoscaling and monitoring add: which one. */
  platform?: PlatformChild;
}

/**
 * The children the resource's current spec has, generated Secrets included: the server's (`<name>-auth` only when it
 * holds something: a bearer token or the confirm-token key), the Redis ones only with Managed Redis. What the reconciler checks ownership of before writing, and keeps when pruning.
 */
export function wantedChildRefs(
  resource: Pick<PlexMcpServer, 'metadata' | 'spec'>,
  served: ReadonlySet<OptionalChildKind> = ALL_OPTIONAL_KINDS,
): ChildRef[] {
  const managedRedis = resource.spec.redis.mode === 'Managed';
  // OAuth without destructive tools needs neither value: its `<name>-auth` is not wanted (and pruned when it is ours).
  const authSecret = childNames(resource).authSecret;
  return childRefsOf(resource, served).filter((ref) =>
    ref.platform
      ? platformChildWanted(resource, ref.platform)
      : (ref.component === 'server' || managedRedis) &&
        (ref.name !== authSecret || ref.kind !== 'Secret' || needsAuthSecret(resource)),
  );
}

/**
 * The children a resource can have in a cluster that serves the `served` optional kinds: a kind the cluster does
 * not serve can neither be applied nor exist, so it is neither wanted nor pruned.
 */
export function childRefsOf(
  resource: Pick<PlexMcpServer, 'metadata'>,
  served: ReadonlySet<OptionalChildKind>,
): ChildRef[] {
  return allChildRefs(resource).filter((ref) => !isOptionalChildKind(ref.kind) || served.has(ref.kind));
}

/**
 * Every child a resource can have, whatever its spec: lets the controller delete what the current spec no
 * longer renders (e.g. the Redis children after a switch from Managed to External).
 */
export function allChildRefs(resource: Pick<PlexMcpServer, 'metadata'>): ChildRef[] {
  const names = childNames(resource);
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', name: names.configMap, component: 'server', generated: false },
    { apiVersion: 'v1', kind: 'Secret', name: names.authSecret, component: 'server', generated: true },
    { apiVersion: 'v1', kind: 'Service', name: names.service, component: 'server', generated: false },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: names.deployment,
      component: 'server',
      generated: false,
    },
    { apiVersion: 'v1', kind: 'Secret', name: names.redisSecret, component: 'redis', generated: true },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      name: names.redisNetworkPolicy,
      component: 'redis',
      generated: false,
    },
    { apiVersion: 'v1', kind: 'Service', name: names.redisService, component: 'redis', generated: false },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: names.redisDeployment,
      component: 'redis',
      generated: false,
    },
    ...(Object.keys(PLATFORM_KINDS) as PlatformChild[]).map(
      (platform): ChildRef => ({
        apiVersion: PLATFORM_KINDS[platform].apiVersion,
        kind: PLATFORM_KINDS[platform].kind,
        name: platformChildName(resource, platform),
        component: 'server',
        generated: false,
        platform,
      }),
    ),
  ];
}
