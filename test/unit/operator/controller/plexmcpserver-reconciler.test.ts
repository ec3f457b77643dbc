// The reconciler against in-memory caches and a recording API client: the decisions that the cluster suites cannot
// reach (the CRD refuses invalid objects before the operator sees them) or that are cheaper to pin down here.
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CHILD_KINDS } from '../../../../cdk8s/plex-mcp-server/index.ts';
import {
  type ChildCaches,
  PlexMcpServerReconciler,
  type RawPlexMcpServer,
  type ReconcilerDeps,
} from '../../../../operator/controller/plexmcpserver-reconciler.ts';
import { EventRecorder } from '../../../../operator/runtime/event-recorder.ts';
import type { ObjectStore } from '../../../../operator/runtime/informer.ts';
import {
  KubeApiError,
  KubeClient,
  type KubeRequestOptions,
  type KubeVerb,
} from '../../../../operator/runtime/kube-client.ts';
import { ServerSideApplier } from '../../../../operator/runtime/server-side-apply.ts';
import { FakeClock } from '../fake-clock.ts';

class MapStore<T extends KubernetesObject> implements ObjectStore<T> {
  readonly objects = new Map<string, T>();
  put(obj: T): void {
    this.objects.set(`${obj.metadata?.namespace}/${obj.metadata?.name}`, obj);
  }
  get(name: string, namespace: string): T | undefined {
    return this.objects.get(`${namespace}/${name}`);
  }
  list(): readonly T[] {
    return [...this.objects.values()];
  }
}

/**
 * Records every request instead of sending it; answers like an API server that accepts every write and holds only
 * the objects in `live` (a GET of anything else is a 404). `refuse` makes writes to a path fail.
 */
class RecordingClient extends KubeClient {
  readonly requests: Array<{ verb: KubeVerb; path: string; body?: unknown }> = [];
  readonly live = new Map<string, KubernetesObject>();
  readonly refuse = new Map<string, KubeApiError>();
  constructor() {
    super(new KubeConfig());
  }
  override async request<T>(verb: KubeVerb, path: string, options: KubeRequestOptions = {}): Promise<T> {
    this.requests.push({ verb, path, body: options.body });
    if (verb === 'GET') {
      const found = this.live.get(path);
      if (!found) throw new KubeApiError('not found', 404, 'NotFound');
      return found as T;
    }
    const refusal = this.refuse.get(path);
    if (refusal) throw refusal;
    return {} as T;
  }
  writes() {
    return this.requests.filter((r) => r.verb !== 'GET');
  }
}

function setup(extra: Partial<ReconcilerDeps> = {}) {
  const client = new RecordingClient();
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const logger = pino({ level: 'silent' });
  const plexMcpServers = new MapStore<RawPlexMcpServer>();
  const children = Object.fromEntries(
    CHILD_KINDS.map((kind) => [kind, new MapStore<KubernetesObject>()]),
  ) as unknown as ChildCaches;
  const reconciler = new PlexMcpServerReconciler({
    client,
    plexMcpServers,
    children,
    applier: new ServerSideApplier(client, 'plex-mcp-operator'),
    events: new EventRecorder({ client, clock, logger, instance: 'test' }),
    logger,
    clock,
    defaultServerImage: 'plex-mcp:test',
    ...extra,
  });
  return { client, plexMcpServers, children, reconciler };
}

const resource = (spec: unknown, status?: RawPlexMcpServer['status']): RawPlexMcpServer => ({
  apiVersion: 'plexmcp.dev/v1alpha1',
  kind: 'PlexMcpServer',
  metadata: { name: 'pms', namespace: 'media', uid: 'uid-1', generation: 3 },
  spec,
  ...(status ? { status } : {}),
});

const plex = { url: 'http://plex:32400', tokenSecretRef: { name: 'plex-token' } };

/** The controller owner reference a PlexMcpServer `name` with `uid` puts on its children. */
const controllerRef = (name: string, uid: string) => [
  { apiVersion: 'plexmcp.dev/v1alpha1', kind: 'PlexMcpServer', name, uid, controller: true },
];

function putTokenSecret(
  children: ChildCaches,
  labels: Record<string, string> = { 'plexmcp.dev/referable': 'true' },
) {
  (children.Secret as MapStore<KubernetesObject>).put({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'plex-token', namespace: 'media', labels },
    data: { token: Buffer.from('t0ken').toString('base64'), 'db-password': 'eA==' },
  } as KubernetesObject);
}

/** A Secret of ours (controlled by the resource `pms`) in the cache, as an earlier reconcile left it. */
function putOwnSecret(children: ChildCaches, name: string, data: Record<string, string>) {
  (children.Secret as MapStore<KubernetesObject>).put({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'media', ownerReferences: controllerRef('pms', 'uid-1') },
    data,
  } as KubernetesObject);
}

/** The server container's env in the Deployment the reconcile applied. */
function appliedServerEnv(client: RecordingClient): Array<{ name: string } & Record<string, unknown>> {
  const deployment = client.writes().find((r) => r.path.endsWith('/deployments/pms'))?.body as {
    spec: { template: { spec: { containers: Array<{ env: Array<{ name: string }> }> } } };
  };
  return deployment.spec.template.spec.containers[0]?.env ?? [];
}

const statusPatch = (client: RecordingClient) =>
  client.writes().find((r) => r.path.endsWith('/status'))?.body as
    | { status: RawPlexMcpServer['status'] }
    | undefined;

describe('PlexMcpServerReconciler', () => {
  it('reports an invalid spec as InvalidSpec (status and a Warning event only) and does not retry', async () => {
    const { client, plexMcpServers, reconciler } = setup();
    plexMcpServers.put(resource({ plex: { url: 'not a url', tokenSecretRef: { name: 't' } }, replicas: -1 }));
    const result = await reconciler.reconcile('media/pms');
    expect(result).toBeUndefined(); // no requeue: only an edit of the spec can fix it
    expect(client.writes().map((r) => `${r.verb} ${r.path}`)).toEqual([
      'POST /apis/events.k8s.io/v1/namespaces/media/events',
      'PATCH /apis/plexmcp.dev/v1alpha1/namespaces/media/plexmcpservers/pms/status',
    ]);
    const event = client.writes()[0]?.body as { type: string; reason: string };
    expect(event).toMatchObject({ type: 'Warning', reason: 'InvalidSpec' });
    const ready = statusPatch(client)?.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'InvalidSpec', observedGeneration: 3 });
    expect(ready?.message).toContain('spec.replicas');
    expect(statusPatch(client)?.status?.observedGeneration).toBe(3);
  });

  it('stops at a missing token Secret without touching any child, and stays quiet once reported', async () => {
    const { client, plexMcpServers, reconciler } = setup();
    plexMcpServers.put(
      resource({ plex: { url: 'http://plex:32400', tokenSecretRef: { name: 'plex-token' } } }),
    );
    await reconciler.reconcile('media/pms');
    const status = statusPatch(client)?.status;
    expect(status?.conditions?.find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'TokenSecretNotFound',
    });
    // Only the status and its Warning event: no Secret generated, nothing applied.
    expect(
      client
        .writes()
        .map((r) => r.path.split('/').slice(-2).join('/'))
        .sort(),
    ).toEqual(['media/events', 'pms/status']);

    // The next reconcile sees its own status (as the informer would deliver it): no write at all.
    client.requests.length = 0;
    plexMcpServers.put(
      resource({ plex: { url: 'http://plex:32400', tokenSecretRef: { name: 'plex-token' } } }, status),
    );
    await reconciler.reconcile('media/pms');
    expect(client.writes()).toEqual([]);
  });

  it('does nothing for a resource that is gone or being deleted', async () => {
    const { client, plexMcpServers, reconciler } = setup();
    await reconciler.reconcile('media/absent');
    const deleting = resource({ plex: { url: 'http://plex:32400', tokenSecretRef: { name: 't' } } });
    deleting.metadata = { ...deleting.metadata, deletionTimestamp: new Date() };
    plexMcpServers.put(deleting);
    await reconciler.reconcile('media/pms');
    expect(client.requests).toEqual([]);
  });

  it('creates the generated Secrets and applies every child on the first pass', async () => {
    const { client, plexMcpServers, children, reconciler } = setup();
    putTokenSecret(children);
    plexMcpServers.put(
      resource({ plex: { url: 'http://plex:32400', tokenSecretRef: { name: 'plex-token' } } }),
    );
    await reconciler.reconcile('media/pms');
    const writes = client
      .writes()
      .map((r) => `${r.verb} ${r.path.replace('/apis/plexmcp.dev/v1alpha1', '')}`);
    expect(writes).toEqual(
      expect.arrayContaining([
        'POST /api/v1/namespaces/media/secrets',
        'PATCH /api/v1/namespaces/media/configmaps/pms-config',
        'PATCH /apis/apps/v1/namespaces/media/deployments/pms',
        'PATCH /api/v1/namespaces/media/services/pms',
        'PATCH /apis/networking.k8s.io/v1/namespaces/media/networkpolicies/pms-redis',
        'PATCH /namespaces/media/plexmcpservers/pms/status',
      ]),
    );
    expect(writes.filter((w) => w === 'POST /api/v1/namespaces/media/secrets')).toHaveLength(2); // auth + redis
    // No Secret value reaches the status.
    expect(JSON.stringify(statusPatch(client))).not.toContain('t0ken');
  });

  it('refuses a token Secret without the opt-in label, names neither its keys nor its value, writes no child', async () => {
    const { client, plexMcpServers, children, reconciler } = setup();
    putTokenSecret(children, {});
    plexMcpServers.put(resource({ plex: { ...plex, tokenSecretRef: { name: 'plex-token', key: 'nope' } } }));
    expect(await reconciler.reconcile('media/pms')).toBeUndefined();
    const ready = statusPatch(client)?.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'SecretNotOptedIn' });
    expect(ready?.message).toContain('kubectl -n media label secret plex-token plexmcp.dev/referable=true');
    const written = JSON.stringify(client.writes());
    for (const leak of ['db-password', 'token,', 't0ken', 'dDBrZW4']) expect(written).not.toContain(leak);
    expect(
      client
        .writes()
        .map((r) => r.path.split('/').slice(-2).join('/'))
        .sort(),
    ).toEqual(['media/events', 'pms/status']);
  });

  it('refuses an external Redis password Secret without the opt-in label', async () => {
    const { client, plexMcpServers, children, reconciler } = setup();
    putTokenSecret(children);
    (children.Secret as MapStore<KubernetesObject>).put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'redis-pw', namespace: 'media' },
      data: { password: 'eA==' },
    } as KubernetesObject);
    plexMcpServers.put(
      resource({
        plex,
        redis: {
          mode: 'External',
          external: { url: 'redis://r:6379', passwordSecretRef: { name: 'redis-pw' } },
        },
      }),
    );
    await reconciler.reconcile('media/pms');
    const ready = statusPatch(client)?.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ reason: 'SecretNotOptedIn' });
    expect(ready?.message).toContain('spec.redis.external.passwordSecretRef');
  });

  it('leaves an unlabelled object with a child’s name alone: ChildConflict, no write to it, checked again later', async () => {
    const { client, plexMcpServers, children, reconciler } = setup();
    putTokenSecret(children);
    // Not in the cache (it lacks the managed-by label), only on the API server.
    client.live.set('/api/v1/namespaces/media/services/pms', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'pms', namespace: 'media', uid: 'users-service' },
    });
    plexMcpServers.put(resource({ plex }));
    const result = await reconciler.reconcile('media/pms');
    expect(result?.requeueAfterMs).toBeGreaterThan(0);
    expect(
      client
        .writes()
        .map((r) => r.path.split('/').slice(-2).join('/'))
        .sort(),
    ).toEqual(['media/events', 'pms/status']);
    const ready = statusPatch(client)?.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'ChildConflict' });
    expect(ready?.message).toContain('Service "pms" already exists in namespace "media"');
  });

  it('reports a child controlled by another resource as that resource’s', async () => {
    const { client, plexMcpServers, children, reconciler } = setup();
    putTokenSecret(children);
    (children.Service as MapStore<KubernetesObject>).put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'pms-redis',
        namespace: 'media',
        labels: { 'app.kubernetes.io/managed-by': 'plex-mcp-operator' },
        ownerReferences: controllerRef('pms-redis', 'other'),
      },
    });
    plexMcpServers.put(resource({ plex }));
    await reconciler.reconcile('media/pms');
    const ready = statusPatch(client)?.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready?.message).toContain('it is controlled by PlexMcpServer pms-redis');
  });

  it('treats an apply the API server cannot convert (HTTP 500) as InvalidSpec, without a retry', async () => {
    const { client, plexMcpServers, children, reconciler } = setup();
    putTokenSecret(children);
    const message =
      'failed to create typed patch object (media/pms; apps/v1, Kind=Deployment): .spec.template.spec.affinity.nodeAffinity: expected map, got &{nonsense}';
    client.refuse.set('/apis/apps/v1/namespaces/media/deployments/pms', new KubeApiError(message, 500, ''));
    plexMcpServers.put(resource({ plex, scheduling: { affinity: { nodeAffinity: 'nonsense' } } }));
    expect(await reconciler.reconcile('media/pms')).toBeUndefined();
    const ready = statusPatch(client)?.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(ready?.message).toContain(
      'Kubernetes refused Deployment pms: failed to create typed patch object',
    );
  });

  it('still retries a 500 that is no refusal of the object', async () => {
    const { client, plexMcpServers, children, reconciler } = setup();
    putTokenSecret(children);
    client.refuse.set(
      '/apis/apps/v1/namespaces/media/deployments/pms',
      new KubeApiError('etcdserver: request timed out', 500, ''),
    );
    plexMcpServers.put(resource({ plex }));
    await expect(reconciler.reconcile('media/pms')).rejects.toThrow('etcdserver');
  });

  it('prunes only its own children, with a uid precondition', async () => {
    const { client, plexMcpServers, children, reconciler } = setup();
    putTokenSecret(children);
    const owned = (name: string, uid: string) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        namespace: 'media',
        uid: `${name}-uid`,
        ownerReferences: controllerRef('pms', uid),
      },
    });
    (children.Service as MapStore<KubernetesObject>).put(owned('pms-redis', 'uid-1'));
    plexMcpServers.put(resource({ plex, redis: { mode: 'Disabled' } }));
    await reconciler.reconcile('media/pms');
    const deletes = client.requests.filter((r) => r.verb === 'DELETE');
    expect(deletes).toEqual([
      {
        verb: 'DELETE',
        path: '/api/v1/namespaces/media/services/pms-redis',
        body: { preconditions: { uid: 'pms-redis-uid' } },
      },
    ]);
  });

  it('rotates with a resourceVersion precondition, and a stale cache reads the live Secret instead of rotating twice', async () => {
    const { client, plexMcpServers, children, reconciler } = setup();
    putTokenSecret(children);
    const owner = controllerRef('pms', 'uid-1');
    const authSecret = (resourceVersion: string, annotations?: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'pms-auth',
        namespace: 'media',
        uid: 'auth-uid',
        resourceVersion,
        ownerReferences: owner,
        annotations,
      },
      data: {
        AUTH_TOKEN: Buffer.from(`token-${resourceVersion}`).toString('base64'),
        CONFIRM_TOKEN_KEY: Buffer.from('c'.repeat(43)).toString('base64'),
      },
    });
    (children.Secret as MapStore<KubernetesObject>).put(authSecret('10'));
    client.live.set('/api/v1/namespaces/media/secrets/pms-auth', authSecret('10'));
    const rotating = resource({ plex, redis: { mode: 'Disabled' } });
    rotating.metadata = { ...rotating.metadata, annotations: { 'plexmcp.dev/rotate-auth-token': 'r1' } };
    plexMcpServers.put(rotating);

    await reconciler.reconcile('media/pms');
    const rotations = () =>
      client.requests.filter(
        (r) => r.verb === 'PATCH' && r.path === '/api/v1/namespaces/media/secrets/pms-auth',
      );
    expect(rotations()).toHaveLength(1);
    expect(rotations()[0]?.body).toMatchObject({
      metadata: { resourceVersion: '10', annotations: { 'plexmcp.dev/auth-token-rotation': 'r1' } },
      data: { AUTH_TOKEN: expect.any(String) },
    });

    // The informer has not delivered the rotated Secret yet; the API server has it.
    client.requests.length = 0;
    client.live.set(
      '/api/v1/namespaces/media/secrets/pms-auth',
      authSecret('11', { 'plexmcp.dev/auth-token-rotation': 'r1' }),
    );
    await reconciler.reconcile('media/pms');
    expect(rotations()).toEqual([]);
    expect(statusPatch(client)?.status?.authTokenRotation).toBe('r1');
    // The checksum comes from the live token (the one the rotation wrote), not the stale cached one: once the cache
    // catches up, the pod template is the same.
    const appliedChecksum = () =>
      (
        client.requests.find((r) => r.verb === 'PATCH' && r.path.endsWith('/deployments/pms'))?.body as
          | { spec: { template: { metadata: { annotations: Record<string, string> } } } }
          | undefined
      )?.spec.template.metadata.annotations['plexmcp.dev/config-checksum'];
    const whileStale = appliedChecksum();
    expect(whileStale).toMatch(/^[0-9a-f]{64}$/);
    client.requests.length = 0;
    (children.Secret as MapStore<KubernetesObject>).put(
      authSecret('11', { 'plexmcp.dev/auth-token-rotation': 'r1' }),
    );
    await reconciler.reconcile('media/pms');
    expect(appliedChecksum()).toBe(whileStale);
    expect(rotations()).toEqual([]);
  });

  it('adds the confirm-token key to an auth Secret made before it existed, keeping the token, and wires it', async () => {
    const { client, plexMcpServers, children, reconciler } = setup();
    putTokenSecret(children);
    putOwnSecret(children, 'pms-auth', { AUTH_TOKEN: Buffer.from('t'.repeat(43)).toString('base64') });
    plexMcpServers.put(resource({ plex, redis: { mode: 'Disabled' } }));
    await reconciler.reconcile('media/pms');
    const patches = client.writes().filter((r) => r.path === '/api/v1/namespaces/media/secrets/pms-auth');
    expect(patches).toHaveLength(1);
    const data = (patches[0]?.body as { data: Record<string, string> } | undefined)?.data ?? {};
    // Only the missing key: the token clients hold stays.
    expect(Object.keys(data)).toEqual(['CONFIRM_TOKEN_KEY']);
    expect(Buffer.from(data.CONFIRM_TOKEN_KEY ?? '', 'base64').toString()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(appliedServerEnv(client)).toContainEqual({
      name: 'CONFIRM_TOKEN_KEY',
      valueFrom: { secretKeyRef: { name: 'pms-auth', key: 'CONFIRM_TOKEN_KEY' } },
    });
  });

  it('with auth.mode OAuth and the default Library writes: the auth Secret keeps only the confirm-token key', async () => {
    const { client, plexMcpServers, children, reconciler } = setup();
    putTokenSecret(children);
    // Left from when the resource was in Bearer mode.
    putOwnSecret(children, 'pms-auth', { AUTH_TOKEN: Buffer.from('old-token').toString('base64') });
    plexMcpServers.put(
      resource({
        plex,
        redis: { mode: 'Disabled' },
        auth: {
          mode: 'OAuth',
          oauth: { issuer: 'https://auth.example.com' },
          publicURL: 'https://p.example.com/mcp',
        },
      }),
    );
    await reconciler.reconcile('media/pms');
    const secretWrites = client.writes().filter((r) => r.path.includes('/secrets'));
    expect(secretWrites.map((r) => r.verb)).toEqual(['PATCH']);
    const data = (secretWrites[0]?.body as { data: Record<string, string | null> } | undefined)?.data ?? {};
    // The unused bearer token is removed (null in a merge patch), the confirm-token key added.
    expect(data.AUTH_TOKEN).toBeNull();
    expect(typeof data.CONFIRM_TOKEN_KEY).toBe('string');
    const env = appliedServerEnv(client).map((e) => e.name);
    expect(env).toContain('CONFIRM_TOKEN_KEY');
    expect(env).not.toContain('AUTH_TOKEN');
    expect((statusPatch(client)?.status as Record<string, unknown> | undefined)?.authSecretName).toBeNull();
  });

  it('with auth.mode OAuth: no bearer Secret, no AUTH_TOKEN env, the OAuth settings, and a bearer Secret of ours pruned', async () => {
    const { client, plexMcpServers, children, reconciler } = setup();
    putTokenSecret(children);
    // Left from when the resource was in Bearer mode: ours (controller owner reference with our uid).
    (children.Secret as MapStore<KubernetesObject>).put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'pms-auth',
        namespace: 'media',
        uid: 'auth-secret-uid',
        ownerReferences: controllerRef('pms', 'uid-1'),
      },
    } as KubernetesObject);
    plexMcpServers.put(
      resource({
        plex,
        redis: { mode: 'Disabled' },
        auth: {
          mode: 'OAuth',
          oauth: { issuer: 'https://auth.example.com/realms/home', scopes: { library: 'media:write' } },
          publicURL: 'https://plex-mcp.example.com/mcp',
        },
        // No destructive tools, so no confirm-token key either: nothing for `<name>-auth` to hold.
        tools: { writeAccess: 'Playback' },
      }),
    );
    await reconciler.reconcile('media/pms');
    const writes = client.writes();
    expect(writes.some((r) => r.verb === 'POST' && r.path.endsWith('/secrets'))).toBe(false);
    expect(writes.map((r) => `${r.verb} ${r.path}`)).toContain(
      'DELETE /api/v1/namespaces/media/secrets/pms-auth',
    );
    const config = writes.find((r) => r.path.endsWith('/configmaps/pms-config'))?.body as {
      data: Record<string, string>;
    };
    expect(config.data).toMatchObject({
      AUTH_MODE: 'oauth',
      MCP_PUBLIC_URL: 'https://plex-mcp.example.com/mcp',
      OAUTH_ISSUER: 'https://auth.example.com/realms/home',
      OAUTH_SCOPES: 'library=media:write',
    });
    const deployment = writes.find((r) => r.path.endsWith('/deployments/pms'))?.body as {
      spec: { template: { spec: { containers: Array<{ env: Array<{ name: string }> }> } } };
    };
    const env = deployment.spec.template.spec.containers[0]?.env.map((e) => e.name) ?? [];
    expect(env).toContain('PLEX_TOKEN');
    expect(env).not.toContain('AUTH_TOKEN');
    const status = statusPatch(client)?.status as Record<string, unknown>;
    expect(status.publicEndpoint).toBe('https://plex-mcp.example.com/mcp');
    expect(status.authSecretName).toBeNull();
  });

  describe('platform children (spec.networkPolicy, gateway, ingress, autoscaling, monitoring)', () => {
    const platformSpec = {
      plex: { url: 'http://192.168.1.10:32400', tokenSecretRef: { name: 'plex-token' } },
      redis: { mode: 'Disabled' },
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
      ingress: { className: 'nginx', host: 'mcp.example.com', tlsSecretName: 'mcp-tls' },
      networkPolicy: {
        ingressFrom: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
        ],
      },
      monitoring: { serviceMonitor: true },
    };

    /** What the informers would deliver after the writes: every applied or created object, and the status. */
    function deliverWrites(
      client: RecordingClient,
      children: ChildCaches,
      plexMcpServers: MapStore<RawPlexMcpServer>,
    ) {
      for (const write of client.writes()) {
        const body = write.body as RawPlexMcpServer;
        if (write.path.endsWith('/status')) {
          const current = plexMcpServers.get('pms', 'media') as RawPlexMcpServer;
          plexMcpServers.put({ ...current, status: { ...current.status, ...body.status } });
        } else if (write.verb === 'PATCH' || write.verb === 'POST') {
          const store = children[body.kind as keyof ChildCaches] as MapStore<KubernetesObject> | undefined;
          store?.put(body);
        }
      }
      client.requests.length = 0;
    }

    it('applies each child the spec asks for, owned by the resource, and a second pass writes nothing', async () => {
      const { client, plexMcpServers, children, reconciler } = setup({
        operatorNamespace: 'plex-mcp-system',
      });
      putTokenSecret(children);
      plexMcpServers.put(resource(platformSpec));
      await reconciler.reconcile('media/pms');
      const applied = client.writes().filter((r) => r.verb === 'PATCH' && !r.path.endsWith('/status'));
      expect(applied.map((r) => r.path)).toEqual(
        expect.arrayContaining([
          '/apis/networking.k8s.io/v1/namespaces/media/networkpolicies/pms-server',
          '/apis/networking.k8s.io/v1/namespaces/media/ingresses/pms',
          '/apis/autoscaling/v2/namespaces/media/horizontalpodautoscalers/pms',
          '/apis/policy/v1/namespaces/media/poddisruptionbudgets/pms',
          '/apis/monitoring.coreos.com/v1/namespaces/media/servicemonitors/pms',
        ]),
      );
      for (const { body } of applied) {
        expect((body as KubernetesObject).metadata?.ownerReferences).toEqual([
          expect.objectContaining({ kind: 'PlexMcpServer', uid: 'uid-1', controller: true }),
        ]);
      }
      // The policy goes before the Service and pods it guards.
      const order = applied.map((r) => r.path.split('/').at(-2));
      expect(order.indexOf('networkpolicies')).toBeLessThan(order.indexOf('services'));
      // Under the autoscaler the Deployment leaves replicas alone, and spreads its pods across nodes.
      const deployment = applied.find((r) => r.path.endsWith('/deployments/pms'))?.body as {
        spec: { replicas?: number; template: { spec: { topologySpreadConstraints?: unknown[] } } };
      };
      expect(deployment.spec.replicas).toBeUndefined();
      expect(deployment.spec.template.spec.topologySpreadConstraints).toEqual([
        expect.objectContaining({
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
        }),
      ]);
      // The operator's namespace is let in (it verifies the server); the named peers replace the default.
      const policy = applied.find((r) => r.path.endsWith('/networkpolicies/pms-server'))?.body as {
        spec: { ingress: { from: unknown[] }[] };
      };
      expect(policy.spec.ingress[0]?.from).toEqual([
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'plex-mcp-system' } } },
      ]);
      const status = statusPatch(client)?.status as Record<string, unknown> & {
        conditions: { type: string }[];
      };
      expect(status.publicEndpoint).toBe('https://mcp.example.com/mcp');
      expect(status.conditions.find((c) => c.type === 'IntegrationsReady')).toMatchObject({
        status: 'True',
        reason: 'Reconciled',
      });

      // Next pass: every child matches its cached copy (the status now sees the Deployment: one status write).
      deliverWrites(client, children, plexMcpServers);
      await reconciler.reconcile('media/pms');
      expect(client.writes().map((r) => r.path)).toEqual([
        '/apis/plexmcp.dev/v1alpha1/namespaces/media/plexmcpservers/pms/status',
      ]);
      deliverWrites(client, children, plexMcpServers);
      await reconciler.reconcile('media/pms');
      expect(client.writes()).toEqual([]);
    });

    it('prunes the child of a feature turned off when it is its own (uid precondition), never a foreign one', async () => {
      const { client, plexMcpServers, children, reconciler } = setup();
      putTokenSecret(children);
      const child = (kind: string, name: string, owner: string) =>
        ({
          apiVersion: 'v1',
          kind,
          metadata: {
            name,
            namespace: 'media',
            uid: `${kind}-uid`,
            ownerReferences: controllerRef('pms', owner),
          },
        }) as KubernetesObject;
      (children.HorizontalPodAutoscaler as MapStore<KubernetesObject>).put(
        child('HorizontalPodAutoscaler', 'pms', 'uid-1'),
      );
      (children.PodDisruptionBudget as MapStore<KubernetesObject>).put(
        child('PodDisruptionBudget', 'pms', 'uid-1'),
      );
      (children.ServiceMonitor as MapStore<KubernetesObject>).put(child('ServiceMonitor', 'pms', 'uid-1'));
      (children.NetworkPolicy as MapStore<KubernetesObject>).put(
        child('NetworkPolicy', 'pms-server', 'uid-1'),
      );
      // Same name, another owner: not ours to delete.
      (children.Ingress as MapStore<KubernetesObject>).put(child('Ingress', 'pms', 'someone-else'));
      plexMcpServers.put(
        resource({ plex, redis: { mode: 'Disabled' }, networkPolicy: { enabled: false }, replicas: 1 }),
      );
      await reconciler.reconcile('media/pms');
      const deletes = client.requests.filter((r) => r.verb === 'DELETE');
      expect(deletes.map((r) => `${r.path} ${JSON.stringify(r.body)}`).sort()).toEqual([
        '/apis/autoscaling/v2/namespaces/media/horizontalpodautoscalers/pms {"preconditions":{"uid":"HorizontalPodAutoscaler-uid"}}',
        '/apis/monitoring.coreos.com/v1/namespaces/media/servicemonitors/pms {"preconditions":{"uid":"ServiceMonitor-uid"}}',
        '/apis/networking.k8s.io/v1/namespaces/media/networkpolicies/pms-server {"preconditions":{"uid":"NetworkPolicy-uid"}}',
        '/apis/policy/v1/namespaces/media/poddisruptionbudgets/pms {"preconditions":{"uid":"PodDisruptionBudget-uid"}}',
      ]);
    });

    it('leaves out a ServiceMonitor and an HTTPRoute the cluster does not serve, and says why in IntegrationsReady', async () => {
      const { client, plexMcpServers, children, reconciler } = setup({
        optionalKinds: { served: async () => new Set(), forget: () => undefined },
      });
      putTokenSecret(children);
      plexMcpServers.put(
        resource({
          plex,
          redis: { mode: 'Disabled' },
          gateway: { parentRef: { name: 'public' }, hostname: 'mcp.example.com' },
          monitoring: { serviceMonitor: true },
        }),
      );
      await reconciler.reconcile('media/pms');
      const paths = client.writes().map((r) => r.path);
      expect(paths.some((p) => p.includes('servicemonitors') || p.includes('httproutes'))).toBe(false);
      const conditions = statusPatch(client)?.status?.conditions ?? [];
      const integrations = conditions.find((c) => c.type === 'IntegrationsReady');
      expect(integrations).toMatchObject({ status: 'False', reason: 'GatewayAPINotInstalled' });
      expect(integrations?.message).toContain('spec.monitoring.serviceMonitor asks for a ServiceMonitor');
      expect(integrations?.message).toContain('monitoring.coreos.com/v1 ServiceMonitors');
      // The server itself still serves in the cluster: this does not hold Ready back on its own.
      expect(conditions.find((c) => c.type === 'Degraded')).toMatchObject({ status: 'False' });
      const events = client.writes().filter((r) => r.path.endsWith('/events'));
      expect(events.map((r) => (r.body as { reason: string }).reason)).toContain('GatewayAPINotInstalled');
    });

    it('asks discovery again when the API server no longer serves a kind it was told about (404 on apply)', async () => {
      const forgotten: string[] = [];
      const { client, plexMcpServers, children, reconciler } = setup({
        optionalKinds: {
          served: async () => new Set(['ServiceMonitor'] as const),
          forget: (kind) => forgotten.push(kind),
        },
      });
      putTokenSecret(children);
      client.refuse.set(
        '/apis/monitoring.coreos.com/v1/namespaces/media/servicemonitors/pms',
        new KubeApiError('the server could not find the requested resource', 404, 'NotFound'),
      );
      plexMcpServers.put(
        resource({ plex, redis: { mode: 'Disabled' }, monitoring: { serviceMonitor: true } }),
      );
      // An error: the work queue retries with backoff, and the retry asks discovery afresh.
      await expect(reconciler.reconcile('media/pms')).rejects.toThrow('could not find');
      expect(forgotten).toEqual(['ServiceMonitor']);
    });
  });
});
