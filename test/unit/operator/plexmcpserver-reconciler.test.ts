// The reconciler against in-memory caches and a recording API client: the decisions that the cluster suites cannot
// reach (the CRD refuses invalid objects before the operator sees them) or that are cheaper to pin down here.
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  type ChildCaches,
  PlexMcpServerReconciler,
  type RawPlexMcpServer,
} from '../../../operator/controller/plexmcpserver-reconciler.ts';
import { EventRecorder } from '../../../operator/runtime/event-recorder.ts';
import type { ObjectStore } from '../../../operator/runtime/informer.ts';
import { KubeClient, type KubeRequestOptions, type KubeVerb } from '../../../operator/runtime/kube-client.ts';
import { ServerSideApplier } from '../../../operator/runtime/server-side-apply.ts';
import { FakeClock } from './fake-clock.ts';

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

/** Records every request instead of sending it; answers like an API server that accepts everything. */
class RecordingClient extends KubeClient {
  readonly requests: Array<{ verb: KubeVerb; path: string; body?: unknown }> = [];
  constructor() {
    super(new KubeConfig());
  }
  override async request<T>(verb: KubeVerb, path: string, options: KubeRequestOptions = {}): Promise<T> {
    this.requests.push({ verb, path, body: options.body });
    return {} as T;
  }
  writes() {
    return this.requests.filter((r) => r.verb !== 'GET');
  }
}

function setup() {
  const client = new RecordingClient();
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const logger = pino({ level: 'silent' });
  const plexMcpServers = new MapStore<RawPlexMcpServer>();
  const children: ChildCaches = {
    ConfigMap: new MapStore(),
    Secret: new MapStore(),
    Service: new MapStore(),
    Deployment: new MapStore(),
    NetworkPolicy: new MapStore(),
  };
  const reconciler = new PlexMcpServerReconciler({
    client,
    plexMcpServers,
    children,
    applier: new ServerSideApplier(client, 'plex-mcp-operator'),
    events: new EventRecorder({ client, clock, logger, instance: 'test' }),
    logger,
    clock,
    defaultServerImage: 'plex-mcp:test',
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
    (children.Secret as MapStore<KubernetesObject>).put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'plex-token', namespace: 'media' },
      data: { token: Buffer.from('t0ken').toString('base64') },
    } as KubernetesObject);
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
});
