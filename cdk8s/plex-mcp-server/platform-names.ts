// Names and kinds of the children that spec.networkPolicy, gateway, ingress, autoscaling and monitoring add (issue
// #13). One table, so the renderers and the pruning of turned-off features agree on them (their API paths are the
// operator's business: operator/runtime/resource-paths.ts).
import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';

export const PLATFORM_KINDS = {
  ServerNetworkPolicy: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  HTTPRoute: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
  Ingress: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  HorizontalPodAutoscaler: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  PodDisruptionBudget: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  ServiceMonitor: { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
} as const;

export type PlatformChild = keyof typeof PLATFORM_KINDS;

/** `<name>-server` for the NetworkPolicy (next to Managed Redis' `<name>-redis`); `<name>` for the rest. */
export function platformChildName(resource: Pick<PlexMcpServer, 'metadata'>, child: PlatformChild): string {
  const { name } = resource.metadata;
  return child === 'ServerNetworkPolicy' ? `${name}-server` : name;
}

/** Does the spec ask for this platform child? (Whether the cluster serves its kind is asked separately.) */
export function platformChildWanted(resource: Pick<PlexMcpServer, 'spec'>, child: PlatformChild): boolean {
  const { spec } = resource;
  switch (child) {
    case 'ServerNetworkPolicy':
      return spec.networkPolicy.enabled;
    case 'HTTPRoute':
      return spec.gateway !== undefined;
    case 'Ingress':
      return spec.ingress !== undefined;
    case 'HorizontalPodAutoscaler':
      return spec.autoscaling !== undefined;
    case 'PodDisruptionBudget':
      return severalReplicasPossible(resource);
    case 'ServiceMonitor':
      return spec.monitoring?.serviceMonitor === true;
  }
}

/** Can more than one server pod run at a time? Then a PodDisruptionBudget and a topology spread make sense. */
export function severalReplicasPossible(resource: Pick<PlexMcpServer, 'spec'>): boolean {
  const { replicas, autoscaling } = resource.spec;
  return (replicas ?? 1) > 1 || (autoscaling?.maxReplicas ?? 1) > 1;
}
