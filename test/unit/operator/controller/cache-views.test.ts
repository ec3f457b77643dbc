// The informer caches keep less of each object (issue #18): what is dropped must be nothing the operator reads, so
// an unchanged child still needs no apply, a drifted one is still seen, and the conditions come out the same.
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { desiredState, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../../../cdk8s/plex-mcp-server/index.ts';
import {
  API_VERSION,
  parsePlexMcpServer,
  SECRET_OPT_IN_LABEL,
} from '../../../../operator/api/v1alpha1/index.ts';
import { childCacheView, secretView } from '../../../../operator/controller/cache-views.ts';
import {
  computeConditions,
  type DeploymentView,
  summarizeDeployment,
} from '../../../../operator/controller/conditions.ts';
import { withoutUnreadMetadata } from '../../../../operator/runtime/informer.ts';
import { differenceOf, withAppliedHash } from '../../../../operator/runtime/live-matches-desired.ts';

const UID = '5b0c7a52-2a39-4a53-9d0e-3c1f1f0a0001';

function resource() {
  const parsed = parsePlexMcpServer({
    apiVersion: API_VERSION,
    kind: 'PlexMcpServer',
    metadata: { name: 'pms', namespace: 'media', uid: UID, generation: 2 },
    spec: { plex: { url: 'http://plex.media.svc:32400', tokenSecretRef: { name: 'plex-token' } } },
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.value;
}

function desiredChildren(): KubernetesObject[] {
  return desiredState(resource(), { defaultServerImage: 'plex-mcp:1', operatorNamespace: 'ops' })
    .children({ plexToken: 'plex', authToken: 'bearer', confirmKey: 'confirm' })
    .map((child) => withAppliedHash(child));
}

// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited freely
type Loose = Record<string, any>;

/** The child as the API server sends it: server metadata, managedFields, defaults, a status (ownerReferences as rendered). */
function asServed(desired: KubernetesObject): Loose {
  const live = structuredClone(desired) as Loose;
  live.metadata = {
    ...live.metadata,
    uid: `uid-${live.kind}`,
    resourceVersion: '4711',
    generation: 3,
    creationTimestamp: '2026-12-03T11:00:00Z',
    managedFields: [
      { manager: 'plex-mcp-operator', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: {} },
    ],
  };
  if (live.kind === 'Deployment') {
    live.spec.progressDeadlineSeconds = 600;
    live.spec.template.spec.dnsPolicy = 'ClusterFirst';
    live.status = {
      observedGeneration: 3,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      conditions: [
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: 'ReplicaSet "pms-1" has successfully progressed.',
          lastUpdateTime: '2026-12-03T11:00:05Z',
          lastTransitionTime: '2026-12-03T11:00:01Z',
        },
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          lastUpdateTime: '2026-12-03T11:00:05Z',
          lastTransitionTime: '2026-12-03T11:00:05Z',
        },
      ],
    };
  }
  if (live.kind === 'Service') live.status = { loadBalancer: {} };
  return live;
}

function cached(live: Loose): Loose {
  const kind = live.kind as Parameters<typeof childCacheView>[0];
  return childCacheView(kind)(withoutUnreadMetadata(structuredClone(live) as KubernetesObject)) as Loose;
}

describe('withoutUnreadMetadata', () => {
  it("drops managedFields and kubectl's last-applied annotation, keeps the other annotations", () => {
    const obj = {
      metadata: {
        name: 'x',
        resourceVersion: '1',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":1}', keep: 'me' },
        managedFields: [{ manager: 'kubectl' }],
      },
      spec: { a: 1 },
    };
    expect(withoutUnreadMetadata(obj)).toEqual({
      metadata: { name: 'x', resourceVersion: '1', annotations: { keep: 'me' } },
      spec: { a: 1 },
    });
  });

  it('returns an object without them as it is', () => {
    const obj = { metadata: { name: 'x', annotations: { keep: 'me' } } };
    expect(withoutUnreadMetadata(obj)).toBe(obj);
  });
});

describe('childCacheView', () => {
  // The default spec (managed Redis): ConfigMap, two Deployments, Services and NetworkPolicies.
  const children = desiredChildren();

  it.each(children.map((child) => [`${child.kind} ${child.metadata?.name}`, child] as const))(
    '%s: the cached view of an unchanged child still matches what would be applied',
    (_kind, desired) => {
      const view = cached(asServed(desired));
      expect(differenceOf(view, desired)).toBeUndefined();
      expect(view.metadata.managedFields).toBeUndefined();
      expect(view.metadata.resourceVersion).toBe('4711');
      expect(view.metadata.ownerReferences).toHaveLength(1);
    },
  );

  it.each(children.map((child) => [`${child.kind} ${child.metadata?.name}`, child] as const))(
    '%s: a field someone edited or removed is still seen in the cached view',
    (_kind, desired) => {
      const live = asServed(desired);
      live.metadata.labels = { ...live.metadata.labels, [MANAGED_BY_LABEL]: 'someone-else' };
      expect(differenceOf(cached(live), desired)).toBe(`metadata.labels.${MANAGED_BY_LABEL}`);
      const removed = asServed(desired);
      delete removed.metadata.annotations;
      expect(differenceOf(cached(removed), desired)).toBeDefined();
    },
  );

  it('Deployment: the edited image is seen, and the status keeps what the conditions read', () => {
    const desired = children.find((child) => child.kind === 'Deployment') as KubernetesObject;
    const live = asServed(desired);
    const view = cached(live);
    expect(summarizeDeployment(view as DeploymentView)).toEqual(summarizeDeployment(live as DeploymentView));
    const input = { deploymentName: 'pms', wasReady: true };
    expect(computeConditions({ ...input, deployment: view as DeploymentView })).toEqual(
      computeConditions({ ...input, deployment: live as DeploymentView }),
    );
    expect(view.status.conditions[0]).toEqual({
      type: 'Progressing',
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: 'ReplicaSet "pms-1" has successfully progressed.',
    });
    expect(view.metadata.generation).toBe(3);
    live.spec.template.spec.containers[0].image = 'evil:latest';
    expect(differenceOf(cached(live), desired)).toMatch(/^spec\.template\.spec\.containers\.0\.image$/);
  });

  it("drops the status of children whose status nothing reads (the Service's)", () => {
    const desired = children.find((child) => child.kind === 'Service') as KubernetesObject;
    expect(cached(asServed(desired)).status).toBeUndefined();
  });
});

describe('secretView', () => {
  const base = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', data: { token: 'dG9rZW4=' } };

  it("keeps a user's opted-in Secret whole (its value is the Plex token)", () => {
    const secret = {
      ...base,
      metadata: { name: 'plex-token', namespace: 'media', labels: { [SECRET_OPT_IN_LABEL]: 'true' } },
    };
    expect(secretView(structuredClone(secret))).toEqual(secret);
  });

  it("keeps the operator's own Secrets whole, by label or by controller reference", () => {
    const labelled = {
      ...base,
      metadata: { name: 'pms-auth', labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
    };
    expect(secretView(structuredClone(labelled))).toEqual(labelled);
    const unlabelled = {
      ...base,
      metadata: {
        name: 'pms-auth',
        annotations: { 'plexmcp.dev/auth-token-rotation': 'r1' },
        ownerReferences: [
          { apiVersion: API_VERSION, kind: 'PlexMcpServer', name: 'pms', uid: UID, controller: true },
        ],
      },
    };
    expect(secretView(structuredClone(unlabelled))).toEqual(unlabelled);
  });

  it('keeps only existence, labels and owner references of any other Secret', () => {
    const helmRelease = {
      ...base,
      type: 'helm.sh/release.v1',
      data: { release: 'H4sIAAAAAAAA'.repeat(1000) },
      metadata: {
        name: 'sh.helm.release.v1.grafana.v3',
        namespace: 'media',
        resourceVersion: '9',
        labels: { owner: 'helm', [SECRET_OPT_IN_LABEL]: 'false' },
        annotations: { note: 'x' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'u', controller: true }],
      },
    };
    expect(secretView(structuredClone(helmRelease))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'helm.sh/release.v1',
      metadata: {
        name: 'sh.helm.release.v1.grafana.v3',
        namespace: 'media',
        resourceVersion: '9',
        labels: { owner: 'helm', [SECRET_OPT_IN_LABEL]: 'false' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'u', controller: true }],
      },
    });
  });
});
