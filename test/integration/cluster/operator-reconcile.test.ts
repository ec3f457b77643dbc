// The operator against a real control plane (kube-apiserver + kube-controller-manager + kwok): what a PlexMcpServer
// becomes, how the operator keeps it that way, and that it does so without needless writes.
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
  plexMcpServer,
  startTestOperator,
  testClient,
  waitFor,
  waitForQuiet,
  waitForReady,
} from './operator-helpers.ts';

interface Secret extends KubernetesObject {
  data?: Record<string, string>;
}
interface Deployment extends KubernetesObject {
  metadata: KubernetesObject['metadata'] & { generation?: number };
  spec: { template: { metadata: { annotations?: Record<string, string> } } };
}

const CHECKSUM = 'plexmcp.dev/config-checksum';
const suffix = randomBytes(3).toString('hex');
const nsA = `op-a-${suffix}`;
const nsB = `op-b-${suffix}`;

describe.skipIf(!inject('kubeconfig'))('operator reconciles PlexMcpServers on a real control plane', () => {
  let kc: KubeConfig;
  let client: KubeClient;
  let operator: RunningOperator;
  /** Reconciles per resource key, across operator restarts. */
  const reconcilesOf = new Map<string, number>();
  const start = () =>
    startTestOperator(kc, {
      onReconciled: (key) => reconcilesOf.set(key, (reconcilesOf.get(key) ?? 0) + 1),
    });

  const get = <T extends KubernetesObject>(kind: keyof typeof KINDS, namespace: string, name: string) =>
    getObject<T>(client, KINDS[kind], namespace, name);
  const getPms = (namespace: string, name: string) =>
    getObject<PlexMcpServerObject>(client, PMS_KIND, namespace, name);
  const checksumOf = async (namespace: string, name: string) =>
    (await get<Deployment>('Deployment', namespace, name))?.spec.template.metadata.annotations?.[CHECKSUM];

  beforeAll(async () => {
    kc = kubeConfigForTests();
    client = testClient(kc);
    await installCrd(kc);
    for (const ns of [nsA, nsB]) {
      await ensureNamespace(client, ns);
      await applyTokenSecret(client, ns);
    }
    operator = await start();
  });

  afterAll(async () => {
    await operator?.stop();
    for (const ns of [nsA, nsB])
      await deleteObject(client, { apiVersion: 'v1', plural: 'namespaces' }, '', ns);
  });

  it('makes two resources in two namespaces Ready, with every child owned by its resource', async () => {
    await applyPlexMcpServer(client, nsA, 'alpha');
    await applyPlexMcpServer(client, nsB, 'beta', { redis: { mode: 'Disabled' }, service: { port: 9090 } });
    const alpha = await waitForReady(client, nsA, 'alpha');
    const beta = await waitForReady(client, nsB, 'beta');

    expect(alpha.status).toMatchObject({
      endpoint: `http://alpha.${nsA}.svc.cluster.local:8080/mcp`,
      authSecretName: 'alpha-auth',
      readyReplicas: 1,
      replicas: 1,
      observedGeneration: alpha.metadata?.generation,
    });
    expect(beta.status?.endpoint).toBe(`http://beta.${nsB}.svc.cluster.local:9090/mcp`);
    expect(condition(alpha, 'Progressing')?.status).toBe('False');
    expect(condition(alpha, 'Degraded')?.status).toBe('False');

    const expectOwned = async (
      kind: keyof typeof KINDS,
      namespace: string,
      name: string,
      owner: PlexMcpServerObject,
      component: string,
    ) => {
      const child = await get(kind, namespace, name);
      expect(child, `${kind} ${namespace}/${name}`).toBeDefined();
      expect(child?.metadata?.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'PlexMcpServer',
          name: owner.metadata?.name,
          uid: owner.metadata?.uid,
          controller: true,
        }),
      ]);
      expect(child?.metadata?.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'plex-mcp-operator',
        'app.kubernetes.io/instance': owner.metadata?.name,
        'app.kubernetes.io/component': component,
      });
    };
    for (const [kind, name, component] of [
      ['ConfigMap', 'alpha-config', 'server'],
      ['Secret', 'alpha-auth', 'server'],
      ['Deployment', 'alpha', 'server'],
      ['Service', 'alpha', 'server'],
      ['Secret', 'alpha-redis', 'redis'],
      ['Deployment', 'alpha-redis', 'redis'],
      ['Service', 'alpha-redis', 'redis'],
      ['NetworkPolicy', 'alpha-redis', 'redis'],
    ] as const) {
      await expectOwned(kind, nsA, name, alpha, component);
    }
    for (const [kind, name] of [
      ['ConfigMap', 'beta-config'],
      ['Secret', 'beta-auth'],
      ['Deployment', 'beta'],
      ['Service', 'beta'],
    ] as const) {
      await expectOwned(kind, nsB, name, beta, 'server');
    }
    // Disabled Redis: no Redis children at all.
    expect(await get('Deployment', nsB, 'beta-redis')).toBeUndefined();
    expect(await get('Secret', nsB, 'beta-redis')).toBeUndefined();

    // kwok runs the pods: the server pod is Running.
    const pods = await client.request<{ items: { status?: { phase?: string } }[] }>(
      'GET',
      `/api/v1/namespaces/${nsA}/pods`,
      {
        query: { labelSelector: 'app.kubernetes.io/instance=alpha,app.kubernetes.io/component=server' },
      },
    );
    expect(pods.items.map((p) => p.status?.phase)).toEqual(['Running']);

    const token = await get<Secret>('Secret', nsA, 'alpha-auth');
    expect(Buffer.from(token?.data?.AUTH_TOKEN ?? '', 'base64').toString().length).toBeGreaterThanOrEqual(32);
  });

  it('keeps the auth Secret value (and the Secret itself untouched) across reconciles and spec changes', async () => {
    const before = await get<Secret>('Secret', nsA, 'alpha-auth');
    // A metadata-only change and a spec change both reconcile the resource.
    await applyObject(client, resourcePath(PMS_KIND, nsA, 'alpha'), {
      ...plexMcpServer(nsA, 'alpha', { logLevel: 'debug' }),
      metadata: { name: 'alpha', namespace: nsA, labels: { touched: 'yes' } },
    });
    await waitFor(async () => (await getPms(nsA, 'alpha'))?.status?.observedGeneration === 2, {
      timeoutMs: 30_000,
      description: 'alpha observedGeneration 2',
    });
    await waitForReady(client, nsA, 'alpha');
    await waitForQuiet(operator);
    const after = await get<Secret>('Secret', nsA, 'alpha-auth');
    expect(after?.data?.AUTH_TOKEN).toBe(before?.data?.AUTH_TOKEN);
    expect(after?.metadata?.resourceVersion).toBe(before?.metadata?.resourceVersion);
  });

  it('rolls the Deployment when a cache TTL changes (pod-template checksum)', async () => {
    const before = await checksumOf(nsA, 'alpha');
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    await applyObject(client, resourcePath(PMS_KIND, nsA, 'alpha'), {
      ...plexMcpServer(nsA, 'alpha', { logLevel: 'debug', cache: { ttlSeconds: { search: 60 } } }),
      metadata: { name: 'alpha', namespace: nsA, labels: { touched: 'yes' } },
    });
    const after = await waitFor(
      async () => {
        const checksum = await checksumOf(nsA, 'alpha');
        return checksum !== before ? checksum : undefined;
      },
      { timeoutMs: 30_000, description: 'a new pod-template checksum on Deployment alpha' },
    );
    expect(after).toMatch(/^[0-9a-f]{64}$/);
    const config = await get<KubernetesObject & { data: Record<string, string> }>(
      'ConfigMap',
      nsA,
      'alpha-config',
    );
    expect(config?.data.CACHE_TTL_SEARCH).toBe('60');
    // The Deployment controller made a second ReplicaSet for the new template, and the resource is Ready again.
    await waitFor(
      async () => {
        const sets = await client.request<{ items: unknown[] }>(
          'GET',
          `/apis/apps/v1/namespaces/${nsA}/replicasets`,
          {
            query: { labelSelector: 'app.kubernetes.io/instance=alpha,app.kubernetes.io/component=server' },
          },
        );
        return sets.items.length >= 2;
      },
      { timeoutMs: 30_000, description: 'a new ReplicaSet for alpha' },
    );
    const ready = await waitForReady(client, nsA, 'alpha');
    expect(ready.status?.observedGeneration).toBe(ready.metadata?.generation);
  });

  it('brings back a deleted child', async () => {
    const service = await get('Service', nsA, 'alpha');
    const config = await get('ConfigMap', nsA, 'alpha-config');
    await deleteObject(client, KINDS.Service, nsA, 'alpha');
    await deleteObject(client, KINDS.ConfigMap, nsA, 'alpha-config');
    for (const [kind, old] of [
      ['Service', service],
      ['ConfigMap', config],
    ] as const) {
      const name = old?.metadata?.name ?? '';
      const recreated = await waitFor(
        async () => {
          const now = await get(kind, nsA, name);
          return now && now.metadata?.uid !== old?.metadata?.uid ? now : undefined;
        },
        { timeoutMs: 30_000, description: `${kind} ${name} recreated` },
      );
      expect(recreated.metadata?.ownerReferences?.[0]?.name).toBe('alpha');
    }
  });

  it('reports a deleted token Secret as Degraded with an actionable message, quietly, and recovers when restored', async () => {
    await deleteObject(client, KINDS.Secret, nsB, 'plex-token');
    const degraded = await waitFor(
      async () => {
        const beta = await getPms(nsB, 'beta');
        return condition(beta, 'Degraded')?.reason === 'TokenSecretNotFound' ? beta : undefined;
      },
      { timeoutMs: 30_000, description: 'beta Degraded with TokenSecretNotFound' },
    );
    expect(condition(degraded, 'Degraded')?.status).toBe('True');
    expect(condition(degraded, 'Ready')).toMatchObject({ status: 'False', reason: 'TokenSecretNotFound' });
    const message = condition(degraded, 'Degraded')?.message ?? '';
    expect(message).toContain('"plex-token"');
    expect(message).toContain(nsB);
    expect(message).toContain(`kubectl -n ${nsB} create secret generic plex-token --from-literal=token=`);

    // No requeue storm: with nothing changing, the resource is not reconciled again and again.
    await waitForQuiet(operator, 1_000);
    const reconciles = async () =>
      (await operator.metrics.reconcileTotal.get()).values.reduce((s, v) => s + v.value, 0);
    const before = await reconciles();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await reconciles()).toBe(before);

    // A Secret without the expected key is a different, equally actionable problem.
    await applyObject(client, resourcePath(KINDS.Secret, nsB, 'plex-token'), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'plex-token', namespace: nsB, labels: { [SECRET_OPT_IN_LABEL]: 'true' } },
      stringData: { wrongkey: 'x' },
    });
    const keyMissing = await waitFor(
      async () => {
        const beta = await getPms(nsB, 'beta');
        return condition(beta, 'Degraded')?.reason === 'TokenSecretKeyMissing' ? beta : undefined;
      },
      { timeoutMs: 30_000, description: 'beta Degraded with TokenSecretKeyMissing' },
    );
    expect(condition(keyMissing, 'Degraded')?.message).toContain('its keys are: wrongkey');

    await deleteObject(client, KINDS.Secret, nsB, 'plex-token');
    await applyTokenSecret(client, nsB);
    const recovered = await waitForReady(client, nsB, 'beta');
    expect(condition(recovered, 'Degraded')?.status).toBe('False');
  });

  it('refuses an invalid resource at the API server with a readable message', async () => {
    const refusal = async (spec: Record<string, unknown>) => {
      try {
        await applyPlexMcpServer(client, nsA, 'invalid', spec);
      } catch (error) {
        return { status: (error as { status?: number }).status, message: (error as Error).message };
      }
      throw new Error('the API server accepted an invalid PlexMcpServer');
    };
    const badUrl = await refusal({ plex: { url: 'ftp://plex:21', tokenSecretRef: { name: 'plex-token' } } });
    expect(badUrl.status).toBe(422);
    expect(badUrl.message).toContain('plex.url must be an absolute http:// or https:// URL');
    const badTtl = await refusal({ cache: { ttlSeconds: { search: 0 } } });
    expect(badTtl.message).toContain('spec.cache.ttlSeconds.search');
    const externalWithoutUrl = await refusal({ redis: { mode: 'External' } });
    expect(externalWithoutUrl.message).toContain(
      'redis.external.url is required when redis.mode is External',
    );
    expect(await getPms(nsA, 'invalid')).toBeUndefined();
  });

  it('rotates the auth token only when the rotation annotation changes', async () => {
    const before = await get<Secret>('Secret', nsA, 'alpha-auth');
    const checksumBefore = await checksumOf(nsA, 'alpha');
    await applyObject(client, resourcePath(PMS_KIND, nsA, 'alpha'), {
      ...plexMcpServer(nsA, 'alpha', { logLevel: 'debug', cache: { ttlSeconds: { search: 60 } } }),
      metadata: {
        name: 'alpha',
        namespace: nsA,
        labels: { touched: 'yes' },
        annotations: { 'plexmcp.dev/rotate-auth-token': 'r1' },
      },
    });
    await waitFor(async () => (await getPms(nsA, 'alpha'))?.status?.authTokenRotation === 'r1', {
      timeoutMs: 30_000,
      description: 'status.authTokenRotation r1',
    });
    await waitForQuiet(operator);
    const rotated = await get<Secret>('Secret', nsA, 'alpha-auth');
    expect(rotated?.data?.AUTH_TOKEN).not.toBe(before?.data?.AUTH_TOKEN);
    expect(await checksumOf(nsA, 'alpha')).not.toBe(checksumBefore);
    // Handled once: further reconciles (a resync) leave the new token alone.
    const settled = await get<Secret>('Secret', nsA, 'alpha-auth');
    await waitForReady(client, nsA, 'alpha');
    expect((await get<Secret>('Secret', nsA, 'alpha-auth'))?.metadata?.resourceVersion).toBe(
      settled?.metadata?.resourceVersion,
    );
  });

  it('adds the Redis children when Redis becomes Managed and deletes them when it no longer is', async () => {
    const redisChildren = [
      ['Secret', 'beta-redis'],
      ['Deployment', 'beta-redis'],
      ['Service', 'beta-redis'],
      ['NetworkPolicy', 'beta-redis'],
    ] as const;
    await applyPlexMcpServer(client, nsB, 'beta', { redis: { mode: 'Managed' }, service: { port: 9090 } });
    for (const [kind, name] of redisChildren) {
      await waitFor(async () => (await get(kind, nsB, name)) !== undefined, {
        timeoutMs: 30_000,
        description: `${kind} ${nsB}/${name} created`,
      });
    }
    const config = await get<KubernetesObject & { data: Record<string, string> }>(
      'ConfigMap',
      nsB,
      'beta-config',
    );
    expect(config?.data.REDIS_URL).toBe('redis://beta-redis:6379');
    await waitForReady(client, nsB, 'beta');

    await applyPlexMcpServer(client, nsB, 'beta', { redis: { mode: 'Disabled' }, service: { port: 9090 } });
    for (const [kind, name] of redisChildren) {
      await waitFor(async () => (await get(kind, nsB, name)) === undefined, {
        timeoutMs: 30_000,
        description: `${kind} ${nsB}/${name} deleted`,
      });
    }
    await waitForReady(client, nsB, 'beta');
  });

  it('with auth.mode OAuth: the OAuth settings, no bearer Secret (pruned), the public URL in status; back to Bearer re-creates it', async () => {
    const publicURL = 'https://beta.example.com/mcp';
    const spec = (auth: Record<string, unknown>) => ({
      redis: { mode: 'Disabled' },
      service: { port: 9090 },
      auth,
    });
    expect(await get('Secret', nsB, 'beta-auth')).toBeDefined();
    await applyPlexMcpServer(client, nsB, 'beta', {
      ...spec({ mode: 'OAuth', oauth: { issuer: 'https://auth.example.com/realms/home' }, publicURL }),
      // No destructive tools either, so `<name>-auth` has nothing to hold (no confirm-token key): it is pruned.
      tools: { writeAccess: 'Playback' },
    });
    await waitFor(async () => (await get('Secret', nsB, 'beta-auth')) === undefined, {
      timeoutMs: 30_000,
      description: 'Secret beta-auth pruned',
    });
    // The Secret goes before the children are applied: wait for the Deployment too.
    type EnvDeployment = KubernetesObject & {
      spec: { template: { spec: { containers: { env: { name: string }[] }[] } } };
    };
    const envNames = async () =>
      (await get<EnvDeployment>('Deployment', nsB, 'beta'))?.spec.template.spec.containers[0]?.env.map(
        (e) => e.name,
      ) ?? [];
    await waitFor(async () => !(await envNames()).includes('AUTH_TOKEN'), {
      timeoutMs: 30_000,
      description: 'AUTH_TOKEN env gone from the Deployment',
    });
    expect(await envNames()).toContain('PLEX_TOKEN');
    const config = await get<KubernetesObject & { data: Record<string, string> }>(
      'ConfigMap',
      nsB,
      'beta-config',
    );
    expect(config?.data).toMatchObject({
      AUTH_MODE: 'oauth',
      MCP_PUBLIC_URL: publicURL,
      OAUTH_ISSUER: 'https://auth.example.com/realms/home',
    });
    await waitFor(async () => (await getPms(nsB, 'beta'))?.status?.publicEndpoint === publicURL, {
      timeoutMs: 30_000,
      description: 'status.publicEndpoint',
    });
    expect((await getPms(nsB, 'beta'))?.status?.authSecretName).toBeUndefined();
    await waitForReady(client, nsB, 'beta');

    await applyPlexMcpServer(client, nsB, 'beta', spec({ mode: 'Bearer' }));
    await waitFor(async () => (await get('Secret', nsB, 'beta-auth')) !== undefined, {
      timeoutMs: 30_000,
      description: 'Secret beta-auth re-created',
    });
    await waitFor(async () => (await getPms(nsB, 'beta'))?.status?.publicEndpoint === undefined, {
      timeoutMs: 30_000,
      description: 'status.publicEndpoint cleared',
    });
    await waitForReady(client, nsB, 'beta');
  });

  it('makes zero writes when restarted over unchanged resources', async () => {
    await waitForReady(client, nsA, 'alpha');
    await waitForReady(client, nsB, 'beta');
    await waitForQuiet(operator);
    await operator.stop();
    operator = await start();
    await waitFor(async () => operator.isActive(), {
      timeoutMs: 30_000,
      description: 'restarted operator active',
    });
    await waitForQuiet(operator, 3_000);
    const reconciles = (await operator.metrics.reconcileTotal.get()).values.reduce((s, v) => s + v.value, 0);
    // It did look at both resources (the proof is not vacuous)...
    expect(reconciles).toBeGreaterThanOrEqual(2);
    // ...and wrote nothing: no apply, no create, no status patch, no event.
    const writes = (await operator.metrics.kubeRequests.get()).values.filter((v) => v.labels.verb !== 'GET');
    expect(writes.map((v) => `${v.labels.verb} ${v.labels.resource} = ${v.value}`)).toEqual([]);
  });

  it('lets the garbage collector delete the children of a deleted resource', async () => {
    await deleteObject(client, PMS_KIND, nsA, 'alpha');
    for (const [kind, name] of [
      ['ConfigMap', 'alpha-config'],
      ['Secret', 'alpha-auth'],
      ['Deployment', 'alpha'],
      ['Service', 'alpha'],
      ['Secret', 'alpha-redis'],
      ['Deployment', 'alpha-redis'],
      ['Service', 'alpha-redis'],
      ['NetworkPolicy', 'alpha-redis'],
    ] as const) {
      await waitFor(async () => (await get(kind, nsA, name)) === undefined, {
        timeoutMs: 60_000,
        description: `${kind} ${nsA}/${name} garbage-collected`,
      });
    }
    // The other namespace's resource is untouched.
    expect(condition(await getPms(nsB, 'beta'), 'Ready')?.status).toBe('True');
  });
});
