// What the operator must never do, on a real control plane: take over objects it did not create, use a Secret that
// did not opt in (or describe it), retry forever what Kubernetes refuses, or report "rolling out" while no pod can
// be created.
import { randomBytes } from 'node:crypto';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SECRET_OPT_IN_LABEL } from '../../../operator/api/v1alpha1/index.ts';
import type { RunningOperator } from '../../../operator/manager.ts';
import type { KubeClient } from '../../../operator/runtime/kube-client.ts';
import { KINDS, resourcePath } from '../../../operator/runtime/resource-paths.ts';
import { kubeConfigForTests } from '../../cluster/test-kube.ts';
import { installCrd } from './crd-support.ts';
import {
  applyObject,
  applyPlexMcpServer,
  applyTokenSecret,
  condition,
  deleteObject,
  ensureNamespace,
  getObject,
  type PlexMcpServerObject,
  PMS_KIND,
  startTestOperator,
  testClient,
  tokenSecret,
  waitFor,
  waitForReady,
} from './operator-helpers.ts';

const suffix = randomBytes(3).toString('hex');
const ns = `op-bounds-${suffix}`;
const CONFLICT_RECHECK_MS = 1_000;

interface Owned extends KubernetesObject {
  metadata: NonNullable<KubernetesObject['metadata']> & {
    generation?: number;
    managedFields?: { manager?: string }[];
  };
}

describe.skipIf(!inject('kubeconfig'))('operator boundaries on a real control plane', () => {
  let kc: KubeConfig;
  let client: KubeClient;
  let operator: RunningOperator;
  const reconcilesOf = new Map<string, number>();

  const getPms = (name: string) => getObject<PlexMcpServerObject>(client, PMS_KIND, ns, name);
  const get = <T extends KubernetesObject = Owned>(kind: keyof typeof KINDS, name: string) =>
    getObject<T>(client, KINDS[kind], ns, name);
  const waitForReason = (name: string, reason: string, timeoutMs = 30_000) =>
    waitFor(
      async () => {
        const pms = await getPms(name);
        const ready = condition(pms, 'Ready');
        return ready?.reason === reason && pms?.status?.observedGeneration === pms?.metadata?.generation
          ? pms
          : undefined;
      },
      { timeoutMs, description: `PlexMcpServer ${ns}/${name} Ready=False/${reason}` },
    );
  const eventNotes = async () =>
    (
      await client.request<{ items: { note?: string; reason?: string }[] }>(
        'GET',
        `/apis/events.k8s.io/v1/namespaces/${ns}/events`,
      )
    ).items.map((e) => `${e.reason}: ${e.note}`);

  beforeAll(async () => {
    kc = kubeConfigForTests();
    client = testClient(kc);
    await installCrd(kc);
    await ensureNamespace(client, ns);
    await applyTokenSecret(client, ns);
    operator = await startTestOperator(kc, {
      // Only this suite's namespace: its retry count must not hear resources other suites leave terminating.
      namespaces: [ns],
      childConflictRecheckMs: CONFLICT_RECHECK_MS,
      onReconciled: (key) => reconcilesOf.set(key, (reconcilesOf.get(key) ?? 0) + 1),
    });
  });

  afterAll(async () => {
    await operator?.stop();
    await deleteObject(client, { apiVersion: 'v1', plural: 'namespaces' }, '', ns);
    await deleteObject(
      client,
      { apiVersion: 'scheduling.k8s.io/v1', plural: 'priorityclasses' },
      '',
      `pc-${suffix}`,
    );
  });

  it('never rewrites, adopts or garbage-collects a user’s objects that share a child’s name', async () => {
    // The user's own objects, unlabelled (so the operator's caches do not see them), named as PlexMcpServer
    // "shop"'s children would be.
    const userObjects: [keyof typeof KINDS, string, Record<string, unknown>][] = [
      ['ConfigMap', 'shop-config', { data: { owner: 'user' } }],
      ['Service', 'shop', { spec: { ports: [{ port: 80 }], selector: { app: 'users-shop' } } }],
      ['Service', 'shop-redis', { spec: { ports: [{ port: 6379 }], selector: { app: 'users-redis' } } }],
      [
        'Deployment',
        'shop-redis',
        {
          spec: {
            replicas: 0,
            selector: { matchLabels: { app: 'users-redis' } },
            template: {
              metadata: { labels: { app: 'users-redis' } },
              spec: { containers: [{ name: 'redis', image: 'redis:6' }] },
            },
          },
        },
      ],
      ['NetworkPolicy', 'shop-redis', { spec: { podSelector: {}, policyTypes: ['Ingress'] } }],
    ];
    const before = new Map<string, Owned>();
    for (const [kind, name, body] of userObjects) {
      const info = KINDS[kind];
      const created = await client.request<Owned>('POST', resourcePath(info, ns), {
        query: { fieldManager: 'the-user' },
        body: { apiVersion: info.apiVersion, kind, metadata: { name, namespace: ns }, ...body },
      });
      before.set(`${kind}/${name}`, created);
    }

    await applyPlexMcpServer(client, ns, 'shop');
    const blocked = await waitForReason('shop', 'ChildConflict');
    const message = condition(blocked, 'Ready')?.message ?? '';
    expect(message).toContain(`ConfigMap "shop-config" already exists in namespace "${ns}"`);
    expect(message).toContain('leaves it untouched');
    expect(condition(blocked, 'Degraded')).toMatchObject({ status: 'True', reason: 'ChildConflict' });

    const expectUntouched = async () => {
      for (const [kind, name] of userObjects) {
        const now = await get(kind, name);
        const was = before.get(`${kind}/${name}`);
        expect(now?.metadata.uid, `${kind} ${name} still the user's object`).toBe(was?.metadata.uid);
        // The Deployment controller writes a Deployment's status, so its spec generation is what must not move.
        if (kind === 'Deployment') expect(now?.metadata.generation).toBe(was?.metadata.generation);
        else
          expect(now?.metadata.resourceVersion, `${kind} ${name} not written`).toBe(
            was?.metadata.resourceVersion,
          );
        expect(now?.metadata.labels).toEqual(was?.metadata.labels);
        expect(now?.metadata.ownerReferences).toBeUndefined();
        expect(now?.metadata.managedFields?.map((f) => f.manager)).not.toContain('plex-mcp-operator');
      }
    };
    await expectUntouched();
    // Nothing of the resource was created either: it stopped before writing anything.
    expect(await get('Secret', 'shop-auth')).toBeUndefined();
    expect(await get('Deployment', 'shop')).toBeUndefined();

    // Deleting the resource leaves the user's objects to the user.
    await deleteObject(client, PMS_KIND, ns, 'shop');
    await waitFor(async () => (await getPms('shop')) === undefined, {
      timeoutMs: 30_000,
      description: 'shop gone',
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // time for the garbage collector to act, if it would
    await expectUntouched();

    // Once the name is free, the same resource comes up without any edit (the operator looks again by itself).
    await applyPlexMcpServer(client, ns, 'shop', { redis: { mode: 'Disabled' } });
    await waitForReason('shop', 'ChildConflict');
    for (const [kind, name] of userObjects) await deleteObject(client, KINDS[kind], ns, name);
    await waitForReady(client, ns, 'shop');
  });

  it('reports a PlexMcpServer whose children another PlexMcpServer owns, and leaves those alone', async () => {
    await applyPlexMcpServer(client, ns, 'cafe'); // Managed Redis: Service, Deployment, NetworkPolicy cafe-redis
    await waitForReady(client, ns, 'cafe');
    const redisService = await get('Service', 'cafe-redis');
    await applyPlexMcpServer(client, ns, 'cafe-redis', { redis: { mode: 'Disabled' } });
    const blocked = await waitForReason('cafe-redis', 'ChildConflict');
    expect(condition(blocked, 'Ready')?.message).toContain('it is controlled by PlexMcpServer cafe');
    // A blocked resource is looked at again every second here (CONFLICT_RECHECK_MS): give it a few looks.
    await new Promise((resolve) => setTimeout(resolve, 3 * CONFLICT_RECHECK_MS));
    const after = await get('Service', 'cafe-redis');
    expect(after?.metadata.resourceVersion).toBe(redisService?.metadata.resourceVersion);
    await deleteObject(client, PMS_KIND, ns, 'cafe-redis');
    expect(condition(await getPms('cafe'), 'Ready')?.status).toBe('True');
  });

  it('uses a token Secret only when it opted in, and never names its keys before', async () => {
    await applyObject(client, resourcePath(KINDS.Secret, ns, 'not-for-plex'), {
      ...tokenSecret(ns, 'not-for-plex', 'db-password-value', false),
      stringData: { 'db-password': 'hunter2-value', 'api-key': 'k' },
    });
    await applyPlexMcpServer(client, ns, 'thief', {
      plex: {
        url: 'http://attacker.example:32400',
        tokenSecretRef: { name: 'not-for-plex', key: 'db-password' },
      },
      redis: { mode: 'Disabled' },
    });
    const refused = await waitForReason('thief', 'SecretNotOptedIn');
    const message = condition(refused, 'Ready')?.message ?? '';
    expect(message).toContain(`kubectl -n ${ns} label secret not-for-plex ${SECRET_OPT_IN_LABEL}=true`);
    // Nothing that reads the Secret's content reached the cluster: no Deployment, no key name in status or events.
    expect(await get('Deployment', 'thief')).toBeUndefined();
    const visible = `${JSON.stringify(refused.status)}\n${(await eventNotes()).join('\n')}`;
    expect(visible).not.toContain('api-key');
    expect(visible).not.toContain('hunter2');

    // Opting in is the Secret owner's decision; then the resource proceeds.
    await applyObject(client, resourcePath(KINDS.Secret, ns, 'not-for-plex'), {
      ...tokenSecret(ns, 'not-for-plex', 'x', true),
      stringData: { 'db-password': 'hunter2-value', 'api-key': 'k' },
    });
    await waitForReady(client, ns, 'thief');
    await deleteObject(client, PMS_KIND, ns, 'thief');
  });

  it('reports an apply Kubernetes cannot convert (HTTP 500) as InvalidSpec in one reconcile, without retries', async () => {
    const retriesBefore = (await operator.metrics.workqueueRetries.get()).values[0]?.value ?? 0;
    reconcilesOf.delete(`${ns}/lost`);
    // The CRD keeps affinity opaque (Kubernetes validates it): a string where an object belongs passes the CRD
    // and is refused by the API server when it builds the typed Deployment.
    await applyPlexMcpServer(client, ns, 'lost', {
      redis: { mode: 'Disabled' },
      scheduling: { affinity: { nodeAffinity: 'nonsense' } },
    });
    const invalid = await waitForReason('lost', 'InvalidSpec');
    expect(condition(invalid, 'Ready')?.message).toMatch(/^Kubernetes refused Deployment lost: /);
    expect(condition(invalid, 'Ready')?.message).toContain('nodeAffinity');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await operator.metrics.workqueueRetries.get()).values[0]?.value ?? 0).toBe(retriesBefore);
    // The reconcile that wrote the status, and the one its own status event caused; nothing after.
    expect(reconcilesOf.get(`${ns}/lost`)).toBeLessThanOrEqual(3);
    await deleteObject(client, PMS_KIND, ns, 'lost');
  });

  it('surfaces pods that cannot be created (a missing PriorityClass) instead of RolloutInProgress forever', async () => {
    const priorityClass = `pc-${suffix}`;
    await applyPlexMcpServer(client, ns, 'nopods', {
      redis: { mode: 'Disabled' },
      scheduling: { priorityClassName: priorityClass },
    });
    const failed = await waitForReason('nopods', 'PodCreationFailed', 60_000);
    const message = condition(failed, 'Ready')?.message ?? '';
    expect(message).toContain('Deployment nopods cannot create pods (FailedCreate)');
    expect(message).toContain(`no PriorityClass with name ${priorityClass} was found`);
    expect(condition(failed, 'Degraded')).toMatchObject({ status: 'True', reason: 'PodCreationFailed' });
  });
});
