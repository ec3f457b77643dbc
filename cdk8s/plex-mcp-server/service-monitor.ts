// A Prometheus Operator ServiceMonitor for the server pods (spec.monitoring.serviceMonitor, issue #13). The server
// serves /metrics on its http port without auth (server/http/create-app.ts), next to /mcp.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import { SERVER_PORT_NAME } from './defaults.ts';
import { childMetadata, selectorLabels } from './names.ts';
import { PLATFORM_KINDS, platformChildName } from './platform-names.ts';

export interface ServiceMonitorManifest extends KubernetesObject {
  spec: {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector: { matchNames: string[] };
    endpoints: { port: string; path: string; interval: string; scheme: 'http' }[];
  };
}

export function renderServiceMonitor(resource: PlexMcpServer): ServiceMonitorManifest | undefined {
  const monitoring = resource.spec.monitoring;
  if (!monitoring?.serviceMonitor) return undefined;
  const metadata = childMetadata(resource, platformChildName(resource, 'ServiceMonitor'), 'server');
  return {
    apiVersion: PLATFORM_KINDS.ServiceMonitor.apiVersion,
    kind: PLATFORM_KINDS.ServiceMonitor.kind,
    // Our labels win over extra ones: the operator's informers find its children by them.
    metadata: { ...metadata, labels: { ...monitoring.labels, ...metadata.labels } },
    spec: {
      // The server Service carries these labels (its selector's too); the Redis Service does not match them.
      selector: { matchLabels: selectorLabels(resource, 'server') },
      namespaceSelector: { matchNames: [resource.metadata.namespace] },
      endpoints: [
        { port: SERVER_PORT_NAME, path: '/metrics', interval: monitoring.interval, scheme: 'http' },
      ],
    },
  };
}
