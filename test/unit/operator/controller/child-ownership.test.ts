// ChildOwnership against in-memory caches and an API client whose GETs the test answers one by one.
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { CHILD_KINDS } from '../../../../cdk8s/plex-mcp-server/index.ts';
import { ChildOwnership } from '../../../../operator/controller/child-ownership.ts';
import type { ObjectStore } from '../../../../operator/runtime/informer.ts';
import { KubeApiError, KubeClient, type KubeVerb } from '../../../../operator/runtime/kube-client.ts';

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** Holds every request until the test answers it: a live object, a 404, or another error. */
class HeldClient extends KubeClient {
  readonly held: Array<{ verb: KubeVerb; path: string; answer: (result: KubernetesObject | Error) => void }> =
    [];
  constructor() {
    super(new KubeConfig());
  }
  override request<T>(verb: KubeVerb, path: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.held.push({
        verb,
        path,
        answer: (result) => (result instanceof Error ? reject(result) : resolve(result as T)),
      });
    });
  }
  answer(pathEnd: string, result: KubernetesObject | Error): void {
    const index = this.held.findIndex((r) => r.path.endsWith(pathEnd));
    const [request] = this.held.splice(index, 1);
    request?.answer(result);
  }
}

const emptyCaches = () =>
  Object.fromEntries(
    CHILD_KINDS.map((kind) => [
      kind,
      { get: () => undefined, list: () => [] } satisfies ObjectStore<KubernetesObject>,
    ]),
  ) as unknown as Record<(typeof CHILD_KINDS)[number], ObjectStore<KubernetesObject>>;

const children = [
  { kind: 'ConfigMap', name: 'pms-config' },
  { kind: 'Secret', name: 'pms-auth' },
  { kind: 'Service', name: 'pms' },
  { kind: 'Deployment', name: 'pms-server' },
] as const;

const notFound = () => new KubeApiError('not found', 404, 'NotFound');
const foreign = (kind: string, name: string): KubernetesObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace: 'media' },
});

describe('ChildOwnership.firstConflict', () => {
  it('reads every child the cache does not show at once, not one round trip after another', async () => {
    const client = new HeldClient();
    const result = new ChildOwnership(client, emptyCaches()).firstConflict('media', 'uid-1', children);
    await flush();
    expect(client.held.map((r) => `${r.verb} ${r.path}`)).toEqual([
      'GET /api/v1/namespaces/media/configmaps/pms-config',
      'GET /api/v1/namespaces/media/secrets/pms-auth',
      'GET /api/v1/namespaces/media/services/pms',
      'GET /apis/apps/v1/namespaces/media/deployments/pms-server',
    ]);
    for (const child of children) client.answer(`/${child.name}`, notFound());
    await expect(result).resolves.toBeUndefined();
  });

  it('names the first child in order that belongs to someone else, whichever read answers first', async () => {
    const client = new HeldClient();
    const result = new ChildOwnership(client, emptyCaches()).firstConflict('media', 'uid-1', children);
    await flush();
    client.answer('/pms-server', foreign('Deployment', 'pms-server'));
    client.answer('/pms', foreign('Service', 'pms'));
    client.answer('/pms-config', notFound());
    client.answer('/pms-auth', notFound());
    await expect(result).resolves.toEqual({ kind: 'Service', name: 'pms' });
  });

  it('fails on a read that fails before any conflict, and ignores one after it (as reading in order did)', async () => {
    const failing = new HeldClient();
    const failed = new ChildOwnership(failing, emptyCaches()).firstConflict('media', 'uid-1', children);
    await flush();
    failing.answer('/pms-auth', new KubeApiError('etcdserver: request timed out', 500, ''));
    for (const end of ['/pms-config', '/pms', '/pms-server']) failing.answer(end, notFound());
    await expect(failed).rejects.toThrow('etcdserver: request timed out');

    const later = new HeldClient();
    const conflict = new ChildOwnership(later, emptyCaches()).firstConflict('media', 'uid-1', children);
    await flush();
    later.answer('/pms-config', foreign('ConfigMap', 'pms-config'));
    later.answer('/pms-server', new KubeApiError('etcdserver: request timed out', 500, ''));
    for (const end of ['/pms-auth', '/pms']) later.answer(end, notFound());
    await expect(conflict).resolves.toEqual({ kind: 'ConfigMap', name: 'pms-config' });
  });
});
