// What the controller's informers keep of each object: only what the reconciler, the child-ownership check, the
// generated-Secrets component and the verifier read (informer.ts already drops managedFields and kubectl's
// last-applied annotation from every kind). Every cached object is held for as long as it exists, so each field
// kept costs memory per resource (issue #18).
//
// What is read, and so kept:
// - every child: metadata (name, namespace, uid, resourceVersion, generation, labels, annotations incl. the applied
//   hash, ownerReferences) and the whole spec/data/rules… (live-matches-desired compares every field we apply, so
//   an edited or removed field is seen and repaired);
// - status of a Deployment only, and only the fields of conditions.ts's DeploymentView; no other child's status is
//   read (the PlexMcpServer's own status is, but its informer has no view);
// - a Secret's data and annotations only when the operator may read them: its own (the managed-by label, or a
//   PlexMcpServer controller reference, so a Secret whose label someone removed keeps its token rather than getting
//   a fresh one) or a user's opted in with the referable label. Any other Secret (the Secret informer watches all
//   of them, e.g. Helm's release Secrets) is read only for its existence, labels and owner references.
import type { KubernetesObject, V1Deployment, V1Secret } from '@kubernetes/client-node';
import { type ChildKind, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../cdk8s/plex-mcp-server/index.ts';
import { KIND, SECRET_OPT_IN_LABEL } from '../api/v1alpha1/index.ts';
import type { CacheTransform } from '../runtime/informer.ts';
import type { DeploymentView } from './conditions.ts';

type Status = NonNullable<DeploymentView['status']>;

/** The Deployment status fields DeploymentView reads; conditions without their timestamps. */
function deploymentStatusView(status: V1Deployment['status']): Status | undefined {
  if (!status) return undefined;
  const view: Status = {};
  if (status.observedGeneration !== undefined) view.observedGeneration = status.observedGeneration;
  if (status.replicas !== undefined) view.replicas = status.replicas;
  if (status.updatedReplicas !== undefined) view.updatedReplicas = status.updatedReplicas;
  if (status.readyReplicas !== undefined) view.readyReplicas = status.readyReplicas;
  if (status.availableReplicas !== undefined) view.availableReplicas = status.availableReplicas;
  if (status.unavailableReplicas !== undefined) view.unavailableReplicas = status.unavailableReplicas;
  if (status.conditions) {
    view.conditions = status.conditions.map(({ type, status: value, reason, message }) => ({
      type,
      status: value,
      ...(reason !== undefined ? { reason } : {}),
      ...(message !== undefined ? { message } : {}),
    }));
  }
  return view;
}

/** A copy of `obj` with its status replaced by `status` (absent when undefined). */
function withStatus<T extends KubernetesObject>(obj: T, status: unknown): T {
  const { status: _dropped, ...rest } = obj as T & { status?: unknown };
  return (status === undefined ? rest : { ...rest, status }) as T;
}

/** Whether a user's Secret carries the label that lets a PlexMcpServer reference it. */
export function optedIn(secret: KubernetesObject): boolean {
  return secret.metadata?.labels?.[SECRET_OPT_IN_LABEL] === 'true';
}

/** Whether the operator may read this Secret's values: its own, or a user's opted in to be referenced. */
export function secretValuesReadable(secret: KubernetesObject): boolean {
  if (secret.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE || optedIn(secret)) return true;
  return (
    secret.metadata?.ownerReferences?.some((ref) => ref.controller === true && ref.kind === KIND) ?? false
  );
}

/** A Secret as cached: as is when its values may be read, else without data and annotations. */
export const secretView: CacheTransform<KubernetesObject> = (secret) => {
  if (secretValuesReadable(secret)) return secret;
  const { data: _data, stringData: _stringData, ...rest } = secret as V1Secret;
  const { annotations: _annotations, ...metadata } = rest.metadata ?? {};
  return { ...rest, metadata } as KubernetesObject;
};

/** The cache view of one child kind's informer. */
export function childCacheView(kind: ChildKind): CacheTransform<KubernetesObject> {
  if (kind === 'Secret') return secretView;
  if (kind === 'Deployment') {
    return (deployment) => withStatus(deployment, deploymentStatusView((deployment as V1Deployment).status));
  }
  return (child) => ('status' in child ? withStatus(child, undefined) : child);
}
