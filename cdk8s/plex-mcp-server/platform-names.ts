// Names, kinds and API paths of the children that spec.networkPolicy, gateway, ingress, autoscaling and monitoring
// add (issue #13). One table, so the renderers, the pruning of turned-off features and the operator's informers
// agree on them.
import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';

export const PLATFORM_KINDS = {
  ServerNetworkPolicy: {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    plural: 'networkpolicies',
  },
  HTTPRoute: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', plural: 'httproutes' },
  Ingress: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', plural: 'ingresses' },
  HorizontalPodAutoscaler: {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
  },
  PodDisruptionBudget: {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
  },
  ServiceMonitor: {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    plural: 'servicemonitors',
  },
} as const;

export type PlatformChild = keyof typeof PLATFORM_KINDS;

/** `<name>-server` for the NetworkPolicy (next to Managed Redis' `<name>-redis`); `<name>` for the rest. */
export function platformChildName(resource: Pick<PlexMcpServer, 'metadata'>, child: PlatformChild): string {
  const { name } = resource.metadata;
  return child === 'ServerNetworkPolicy' ? `${name}-server` : name;
}

/** Can more than one server pod run at a time? Then a PodDisruptionBudget and a topology spread make sense. */
export function severalReplicasPossible(resource: Pick<PlexMcpServer, 'spec'>): boolean {
  const { replicas, autoscaling } = resource.spec;
  return (replicas ?? 1) > 1 || (autoscaling?.maxReplicas ?? 1) > 1;
}
