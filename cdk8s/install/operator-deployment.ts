// The operator's Deployment (and its metrics Service).
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import { containerSecurityContext, podSecurityContext } from '../plex-mcp-server/security.ts';
import { OPERATOR_NAME, operatorLabels } from './operator-rbac.ts';
import type { InstallOptions } from './options.ts';

const OPERATOR_UID = 10001;
export const OPERATOR_NODE_OPTIONS = '--max-old-space-size=128 --max-semi-space-size=2';

/**
 * The operator's command line (operator/config/operator-flags.ts): `--leader-elect=true`,
 * `--namespaces=a,b` (absent = all), `--metrics-port`, `--health-port`; env PLEX_MCP_SERVER_IMAGE.
 */
export function operatorArgs(options: InstallOptions): string[] {
  const args = [
    '--leader-elect=true',
    `--metrics-port=${options.metricsPort}`,
    `--health-port=${options.healthPort}`,
  ];
  if (options.watchNamespaces.length > 0) args.push(`--namespaces=${options.watchNamespaces.join(',')}`);
  return args;
}

export function renderOperatorDeployment(options: InstallOptions): V1Deployment {
  const selector = { 'app.kubernetes.io/name': OPERATOR_NAME, 'app.kubernetes.io/component': 'operator' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: OPERATOR_NAME, namespace: options.namespace, labels: operatorLabels() },
    spec: {
      replicas: options.replicas,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: operatorLabels() },
        spec: {
          serviceAccountName: OPERATOR_NAME,
          securityContext: podSecurityContext(OPERATOR_UID),
          // The Lease hands over within its duration; the operator releases it on SIGTERM.
          terminationGracePeriodSeconds: 30,
          enableServiceLinks: false,
          ...(options.replicas > 1
            ? {
                // Standby and leader on different nodes, so one node failure does not stop reconciling.
                affinity: {
                  podAntiAffinity: {
                    preferredDuringSchedulingIgnoredDuringExecution: [
                      {
                        weight: 100,
                        podAffinityTerm: {
                          topologyKey: 'kubernetes.io/hostname',
                          labelSelector: { matchLabels: selector },
                        },
                      },
                    ],
                  },
                },
              }
            : {}),
          containers: [
            {
              name: 'operator',
              image: options.image,
              command: ['plex-mcp-operator'],
              args: operatorArgs(options),
              env: [
                { name: 'PLEX_MCP_SERVER_IMAGE', value: options.serverImage ?? options.image },
                { name: 'LOG_LEVEL', value: options.logLevel },
                // The image's NODE_OPTIONS are sized for the MCP server; these fit the operator's own limit
                // (bench:operator: 159 MiB RSS with 500 resources under these flags).
                { name: 'NODE_OPTIONS', value: OPERATOR_NODE_OPTIONS },
                // Lease holder identity and the namespace of the Lease and of the operator's own events.
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              ],
              ports: [
                { name: 'metrics', containerPort: options.metricsPort, protocol: 'TCP' },
                { name: 'health', containerPort: options.healthPort, protocol: 'TCP' },
              ],
              livenessProbe: {
                httpGet: { path: '/healthz', port: 'health' },
                initialDelaySeconds: 5,
                periodSeconds: 20,
              },
              readinessProbe: {
                httpGet: { path: '/readyz', port: 'health' },
                initialDelaySeconds: 2,
                periodSeconds: 10,
              },
              // The operator's RSS target is 150 MiB with 500 resources.
              resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { memory: '192Mi' } },
              securityContext: containerSecurityContext(OPERATOR_UID),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }],
        },
      },
    },
  };
}

export function renderOperatorMetricsService(options: InstallOptions): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${OPERATOR_NAME}-metrics`, namespace: options.namespace, labels: operatorLabels() },
    spec: {
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': OPERATOR_NAME, 'app.kubernetes.io/component': 'operator' },
      ports: [{ name: 'metrics', port: options.metricsPort, targetPort: 'metrics', protocol: 'TCP' }],
    },
  };
}
