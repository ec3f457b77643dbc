// Least-privilege RBAC of the operator: what it watches, what it applies, and its Lease.
import type { V1PolicyRule } from '@kubernetes/client-node';
import { GROUP, PLURAL } from '../../operator/api/v1alpha1/index.ts';
import type { InstallOptions } from './options.ts';

const WRITE_CHILDREN = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** Rules for reconciling PlexMcpServers (cluster-wide or in each watched namespace). */
export const reconcileRules: V1PolicyRule[] = [
  // The operator never edits the resource itself, only its status.
  { apiGroups: [GROUP], resources: [PLURAL], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [GROUP], resources: [`${PLURAL}/status`], verbs: ['get', 'update', 'patch'] },
  // ownerReferences with blockOwnerDeletion need update on the owner's finalizers.
  { apiGroups: [GROUP], resources: [`${PLURAL}/finalizers`], verbs: ['update'] },
  // The children (server-side apply = patch; create for the generated Secrets; delete when Redis mode
  // changes). Secrets also covers reading the users' Plex token and Redis password Secrets.
  { apiGroups: [''], resources: ['configmaps', 'secrets', 'services'], verbs: WRITE_CHILDREN },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: WRITE_CHILDREN },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies', 'ingresses'], verbs: WRITE_CHILDREN },
  // spec.autoscaling: an HPA, and a PodDisruptionBudget whenever more than one server pod can run.
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: WRITE_CHILDREN },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: WRITE_CHILDREN },
  // spec.gateway and spec.monitoring.serviceMonitor, used only when the cluster serves these CRDs.
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: WRITE_CHILDREN },
  { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors'], verbs: WRITE_CHILDREN },
  // Verification reads which pods back each server's Service (operator/verification/server-verifier.ts).
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
  // Events about what it did to each resource (client libraries differ in which API they use).
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
];

/** Leader election, in the operator's own namespace only. */
export const leaderElectionRules: V1PolicyRule[] = [
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
];

export const OPERATOR_NAME = 'plex-mcp-operator';

export function operatorLabels(component = 'operator'): Record<string, string> {
  return {
    'app.kubernetes.io/name': OPERATOR_NAME,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'plex-mcp',
  };
}

/** ClusterRole + binding when watching all namespaces; a Role + binding per namespace otherwise. */
export function renderRbac(options: InstallOptions): Record<string, unknown>[] {
  const subject = { kind: 'ServiceAccount', name: OPERATOR_NAME, namespace: options.namespace };
  const labels = operatorLabels();
  const objects: Record<string, unknown>[] = [];
  if (options.watchNamespaces.length === 0) {
    objects.push(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: OPERATOR_NAME, labels },
        rules: reconcileRules,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: OPERATOR_NAME, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: OPERATOR_NAME },
        subjects: [subject],
      },
    );
  } else {
    for (const namespace of options.watchNamespaces) {
      objects.push(
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name: OPERATOR_NAME, namespace, labels },
          rules: reconcileRules,
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: OPERATOR_NAME, namespace, labels },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: OPERATOR_NAME },
          subjects: [subject],
        },
      );
    }
  }
  const leaderName = `${OPERATOR_NAME}-leader-election`;
  objects.push(
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: leaderName, namespace: options.namespace, labels },
      rules: leaderElectionRules,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: leaderName, namespace: options.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: leaderName },
      subjects: [subject],
    },
  );
  return objects;
}
