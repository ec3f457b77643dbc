import { describe, expect, it } from 'vitest';
import { OptionalKindInformers } from '../../../../operator/platform/optional-kinds.ts';
import { ServedKinds } from '../../../../operator/platform/served-kinds.ts';
import { KubeApiError } from '../../../../operator/runtime/kube-client.ts';
import { FakeClock } from '../fake-clock.ts';

const serviceMonitors = { apiVersion: 'monitoring.coreos.com/v1', plural: 'servicemonitors' };
const podMonitors = { apiVersion: 'monitoring.coreos.com/v1', plural: 'podmonitors' };

function fakeClient(answers: (() => unknown)[]) {
  const paths: string[] = [];
  return {
    paths,
    client: {
      request: async <T>(_verb: string, path: string): Promise<T> => {
        paths.push(path);
        const next = answers.shift();
        if (!next) throw new Error('unexpected request');
        return next() as T;
      },
    },
  };
}

describe('ServedKinds', () => {
  it('asks discovery once per group/version and TTL, for all kinds and concurrent askers', async () => {
    const clock = new FakeClock();
    const fake = fakeClient([
      () => ({ resources: [{ name: 'servicemonitors' }, { name: 'servicemonitors/status' }] }),
    ]);
    const kinds = new ServedKinds(fake.client as never, clock, 60_000);
    const [a, b] = await Promise.all([kinds.serves(serviceMonitors), kinds.serves(serviceMonitors)]);
    expect([a, b]).toEqual([true, true]);
    expect(await kinds.serves(podMonitors)).toBe(false);
    expect(fake.paths).toEqual(['/apis/monitoring.coreos.com/v1']);
  });

  it('says not served for a group/version the API server does not know, and finds a CRD installed later', async () => {
    const clock = new FakeClock();
    const fake = fakeClient([
      () => {
        throw new KubeApiError('not found', 404, 'NotFound');
      },
      () => ({ resources: [{ name: 'servicemonitors' }] }),
    ]);
    const kinds = new ServedKinds(fake.client as never, clock, 60_000);
    expect(await kinds.serves(serviceMonitors)).toBe(false);
    clock.advance(30_000);
    expect(await kinds.serves(serviceMonitors)).toBe(false); // remembered
    clock.advance(30_000);
    expect(await kinds.serves(serviceMonitors)).toBe(true);
    expect(fake.paths).toHaveLength(2);
  });

  it('asks again at once after forget (the kind was found gone)', async () => {
    const clock = new FakeClock();
    const fake = fakeClient([
      () => ({ resources: [{ name: 'servicemonitors' }] }),
      () => ({ resources: [] }),
    ]);
    const kinds = new ServedKinds(fake.client as never, clock, 60_000);
    expect(await kinds.serves(serviceMonitors)).toBe(true);
    kinds.forget(serviceMonitors);
    expect(await kinds.serves(serviceMonitors)).toBe(false);
    expect(fake.paths).toHaveLength(2);
  });

  it('passes on other errors instead of guessing', async () => {
    const fake = fakeClient([
      () => {
        throw new KubeApiError('forbidden', 403, 'Forbidden');
      },
    ]);
    await expect(
      new ServedKinds(fake.client as never, new FakeClock()).serves(serviceMonitors),
    ).rejects.toThrow('forbidden');
  });
});

describe('OptionalKindInformers', () => {
  /** An informer that only records its life, synced once started, holding `objects`. */
  function fakeInformer(kind: string, objects: string[]) {
    const informer = {
      kind,
      life: [] as string[],
      running: false,
      start: async () => {
        informer.life.push('start');
        informer.running = true;
      },
      stop: async () => {
        informer.life.push('stop');
        informer.running = false;
      },
      hasSynced: () => informer.running,
      get: (name: string) => (objects.includes(name) ? { metadata: { name } } : undefined),
      list: () => objects.map((name) => ({ metadata: { name } })),
    };
    return informer;
  }

  it('runs an informer of a kind only while discovery serves it, a fresh one after the kind came back', async () => {
    const served = new Set(['servicemonitors']);
    const made: ReturnType<typeof fakeInformer>[] = [];
    const contents: Record<string, string[]> = { ServiceMonitor: ['old'], HTTPRoute: [] };
    const kinds = new OptionalKindInformers(
      { serves: async (kind) => served.has(kind.plural), forget: () => undefined },
      ['HTTPRoute', 'ServiceMonitor'],
      (kind) => {
        const informer = fakeInformer(kind, contents[kind] ?? []);
        made.push(informer);
        return informer;
      },
    );
    const monitors = kinds.store('ServiceMonitor');
    // Concurrent askers share one informer.
    const [first, second] = await Promise.all([kinds.served(), kinds.served()]);
    expect([...first]).toEqual(['ServiceMonitor']);
    expect([...second]).toEqual(['ServiceMonitor']);
    expect(made.map((i) => `${i.kind}:${i.life.join(',')}`)).toEqual(['ServiceMonitor:start']);
    expect(monitors.get('old', 'ns')).toBeDefined();

    // The Prometheus Operator is removed, the Gateway API installed: the old cache is gone with its informer.
    served.clear();
    served.add('httproutes');
    expect([...(await kinds.served())]).toEqual(['HTTPRoute']);
    expect(monitors.get('old', 'ns')).toBeUndefined();
    expect(monitors.list()).toEqual([]);

    // Installed again: a new informer (a new list), not the stopped one.
    contents.ServiceMonitor = ['new'];
    served.add('servicemonitors');
    expect([...(await kinds.served())].sort()).toEqual(['HTTPRoute', 'ServiceMonitor']);
    expect(monitors.get('new', 'ns')).toBeDefined();
    expect(made.map((i) => `${i.kind}:${i.life.join(',')}`)).toEqual([
      'ServiceMonitor:start,stop',
      'HTTPRoute:start',
      'ServiceMonitor:start',
    ]);

    await kinds.stop();
    expect(made.every((i) => !i.running)).toBe(true);
  });
});
