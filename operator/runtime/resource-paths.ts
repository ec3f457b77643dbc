// REST paths of the kinds the operator reads and writes (plain Kubernetes; which of them a PlexMcpServer's children
// are is cdk8s/plex-mcp-server's business). A fixed table instead of API discovery: the operator
// only ever touches these kinds, and discovery would cost requests and a failure mode at start.
export interface KindInfo {
  apiVersion: string;
  kind: string;
  plural: string;
}

export const KINDS = {
  ConfigMap: { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' },
  Secret: { apiVersion: 'v1', kind: 'Secret', plural: 'secrets' },
  Service: { apiVersion: 'v1', kind: 'Service', plural: 'services' },
  Deployment: { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments' },
  NetworkPolicy: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', plural: 'networkpolicies' },
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
  // From CRDs a cluster may lack (Gateway API, Prometheus Operator): used only once discovery says they are served.
  HTTPRoute: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', plural: 'httproutes' },
  ServiceMonitor: {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    plural: 'servicemonitors',
  },
  Lease: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', plural: 'leases' },
  Event: { apiVersion: 'events.k8s.io/v1', kind: 'Event', plural: 'events' },
} as const satisfies Record<string, KindInfo>;

export function kindInfo(kind: string): KindInfo {
  const info = (KINDS as Record<string, KindInfo>)[kind];
  if (!info) throw new Error(`the operator does not manage kind ${kind}`);
  return info;
}

/** `/api/v1/namespaces/ns/secrets[/name]`, `/apis/apps/v1/deployments` (namespace '' = all namespaces). */
export function resourcePath(
  info: Pick<KindInfo, 'apiVersion' | 'plural'>,
  namespace: string,
  name?: string,
): string {
  const prefix = info.apiVersion.includes('/') ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
  const scope = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const item = name ? `/${encodeURIComponent(name)}` : '';
  return `${prefix}${scope}/${info.plural}${item}`;
}
