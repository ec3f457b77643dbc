// The install manifests as a cdk8s Chart: CRD, Namespace, ServiceAccount, RBAC, operator Deployment.
// `npm run synth` writes them to dist/install.yaml.
import type { KubernetesObject } from '@kubernetes/client-node';
import { ApiObject, App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { buildPlexMcpServerCrd } from '../../operator/api/v1alpha1/index.ts';
import { renderOperatorDeployment, renderOperatorMetricsService } from './operator-deployment.ts';
import { OPERATOR_NAME, operatorLabels, renderRbac } from './operator-rbac.ts';
import { defaultInstallOptions, type InstallOptions } from './options.ts';

export class PlexMcpOperatorInstall extends Chart {
  constructor(scope: Construct, id: string, options: InstallOptions) {
    super(scope, id, { disableResourceNameHashes: true });
    const objects: Record<string, unknown>[] = [
      buildPlexMcpServerCrd() as unknown as Record<string, unknown>,
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: options.namespace,
          labels: {
            ...operatorLabels(),
            // The operator's pods meet the restricted Pod Security Standard; say so to the admission plugin.
            'pod-security.kubernetes.io/enforce': 'restricted',
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: OPERATOR_NAME, namespace: options.namespace, labels: operatorLabels() },
      },
      ...renderRbac(options),
      renderOperatorMetricsService(options) as unknown as Record<string, unknown>,
      renderOperatorDeployment(options) as unknown as Record<string, unknown>,
    ];
    for (const object of objects) {
      const { apiVersion, kind, metadata, ...rest } = object as {
        apiVersion: string;
        kind: string;
        metadata: { name: string; namespace?: string };
      };
      new ApiObject(this, `${kind}-${metadata.namespace ?? ''}-${metadata.name}`, {
        apiVersion,
        kind,
        metadata,
        ...rest,
      });
    }
  }
}

export function renderInstallManifests(overrides: Partial<InstallOptions> = {}): KubernetesObject[] {
  const options = { ...defaultInstallOptions(), ...overrides };
  return new PlexMcpOperatorInstall(new App(), 'plex-mcp-operator', options).toJson() as KubernetesObject[];
}
