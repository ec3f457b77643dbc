/**
 * Proves the test cluster has real Kubernetes semantics (issue #4): the workload controllers, scheduler, kwok's fake
 * kubelet and the garbage collector all act; the API server enforces CRD CEL rules; RBAC refuses a ServiceAccount
 * without a Role. Each test works in its own namespace so the file can run against any cluster (TEST_KUBECONFIG).
 */
import { randomBytes } from 'node:crypto';
import {
  ApiException,
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubeConfigForTests, waitFor } from '../../cluster/test-kube.ts';

const suffix = randomBytes(3).toString('hex');

/** The HTTP status of a failed client call, or a rethrow if it was not an API error. */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
}

function errorText(error: unknown): string {
  if (error instanceof ApiException) {
    const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
    return `${error.message} ${body}`;
  }
  return String(error);
}

describe.skipIf(!inject('kubeconfig'))('test control plane', () => {
  let kc: KubeConfig;
  let core: CoreV1Api;
  const namespaces: string[] = [];

  async function createNamespace(prefix: string): Promise<string> {
    const name = `${prefix}-${suffix}`;
    await core.createNamespace({ body: { metadata: { name } } });
    namespaces.push(name);
    return name;
  }

  beforeAll(() => {
    kc = kubeConfigForTests();
    core = kc.makeApiClient(CoreV1Api);
  });

  afterAll(async () => {
    await Promise.all(namespaces.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
  });

  it('schedules a Deployment onto kwok nodes, runs its Pods, and garbage-collects them on delete', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const namespace = await createNamespace('cp-deploy');
    const nodes = (await core.listNode({ labelSelector: 'type=kwok' })).items.map((n) => n.metadata?.name);
    expect(nodes.length).toBeGreaterThanOrEqual(1);

    const labels = { app: 'web' };
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'web', image: 'registry.invalid/web:1' }] },
          },
        },
      },
    });

    const running = await waitFor(
      async () => {
        const pods = (await core.listNamespacedPod({ namespace, labelSelector: 'app=web' })).items;
        const ok = pods.filter((p: V1Pod) => p.status?.phase === 'Running' && p.spec?.nodeName);
        return ok.length === 2 ? ok : undefined;
      },
      { timeoutMs: 60_000, description: 'two Running pods of deployment web' },
    );
    for (const pod of running) expect(nodes).toContain(pod.spec?.nodeName);
    const replicaSets = (await apps.listNamespacedReplicaSet({ namespace, labelSelector: 'app=web' })).items;
    expect(replicaSets).toHaveLength(1);
    // The pods belong to the ReplicaSet, which belongs to the Deployment: the chain the GC follows.
    expect(running[0]?.metadata?.ownerReferences?.[0]?.name).toBe(replicaSets[0]?.metadata?.name);
    expect(replicaSets[0]?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web' });

    await apps.deleteNamespacedDeployment({ name: 'web', namespace, propagationPolicy: 'Background' });
    await waitFor(
      async () => {
        const rs = (await apps.listNamespacedReplicaSet({ namespace })).items;
        const pods = (await core.listNamespacedPod({ namespace })).items;
        return rs.length === 0 && pods.length === 0;
      },
      { timeoutMs: 60_000, description: 'ReplicaSet and Pods of web garbage-collected' },
    );
  });

  it('rejects a custom object that violates a CRD CEL rule, with the rule message', async () => {
    const apiext = kc.makeApiClient(ApiextensionsV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const namespace = await createNamespace('cp-cel');
    const group = `celtest${suffix}.plexmcp.dev`;
    const plural = 'widgets';
    const crdName = `${plural}.${group}`;
    const message = 'spec.min must not exceed spec.max';

    await apiext.createCustomResourceDefinition({
      body: {
        metadata: { name: crdName },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural, singular: 'widget', kind: 'Widget' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      properties: { min: { type: 'integer' }, max: { type: 'integer' } },
                      x_kubernetes_validations: [{ rule: 'self.min <= self.max', message }],
                    },
                  },
                },
              },
            },
          ],
        },
      },
    });
    try {
      await waitFor(
        async () => {
          const crd = await apiext.readCustomResourceDefinition({ name: crdName });
          return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
        },
        { timeoutMs: 30_000, description: `CRD ${crdName} Established` },
      );
      const widget = (name: string, min: number, max: number) => ({
        apiVersion: `${group}/v1`,
        kind: 'Widget',
        metadata: { name },
        spec: { min, max },
      });

      // Valid first: shows the rule is evaluated, not that every object is refused. The discovery cache may need
      // a moment after Established, hence the wait (a 404 is "not served yet").
      await waitFor(
        () =>
          custom
            .createNamespacedCustomObject({
              group,
              version: 'v1',
              namespace,
              plural,
              body: widget('ok', 1, 2),
            })
            .then(() => true),
        { timeoutMs: 30_000, description: 'a valid Widget accepted' },
      );

      let rejection: unknown;
      try {
        await custom.createNamespacedCustomObject({
          group,
          version: 'v1',
          namespace,
          plural,
          body: widget('bad', 3, 2),
        });
      } catch (error) {
        rejection = error;
      }
      expect(rejection).toBeInstanceOf(ApiException);
      expect((rejection as ApiException<unknown>).code).toBe(422);
      expect(errorText(rejection)).toContain(message);
      expect(
        await statusOf(
          custom.getNamespacedCustomObject({ group, version: 'v1', namespace, plural, name: 'bad' }),
        ),
      ).toBe(404);
    } finally {
      await apiext.deleteCustomResourceDefinition({ name: crdName }).catch(() => undefined);
    }
  });

  it('enforces RBAC: a ServiceAccount token is refused until a RoleBinding grants access', async () => {
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const namespace = await createNamespace('cp-rbac');
    const serviceAccount = 'reader';
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: serviceAccount } } });

    const tokenRequest = await core.createNamespacedServiceAccountToken({
      name: serviceAccount,
      namespace,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const token = tokenRequest.status?.token;
    expect(token).toBeTruthy();

    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const asServiceAccount = new KubeConfig();
    asServiceAccount.loadFromClusterAndUser(cluster, { name: `${namespace}-${serviceAccount}`, token });
    const saCore = asServiceAccount.makeApiClient(CoreV1Api);

    // Authenticated (not 401) but not authorized (403): the token is valid, there is just no Role.
    expect(await statusOf(saCore.listNamespacedConfigMap({ namespace }))).toBe(403);

    await rbac.createNamespacedRole({
      namespace,
      body: {
        metadata: { name: 'configmap-reader' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: 'reader-reads-configmaps' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-reader' },
        subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
      },
    });

    // RBAC reads roles from an informer cache: allow a moment for the binding to arrive.
    await waitFor(async () => (await statusOf(saCore.listNamespacedConfigMap({ namespace }))) === 200, {
      timeoutMs: 30_000,
      description: 'ServiceAccount allowed to list configmaps after the RoleBinding',
    });
    // The grant is exactly what the Role says: still no writes, and nothing in another namespace.
    expect(
      await statusOf(saCore.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'nope' } } })),
    ).toBe(403);
    expect(await statusOf(saCore.listNamespacedConfigMap({ namespace: 'default' }))).toBe(403);
  });
});
