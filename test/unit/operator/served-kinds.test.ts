import { describe, expect, it } from 'vitest';
import { OptionalKindInformers } from '../../../operator/platform/optional-kinds.ts';
import { ServedKinds } from '../../../operator/platform/served-kinds.ts';
import { KubeApiError } from '../../../operator/runtime/kube-client.ts';
import { FakeClock } from './fake-clock.ts';

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
  /** An informer that only counts starts and stops, synced once started. */
  function fakeInformer() {
    const informer = {
      starts: 0,
      stops: 0,
      running: false,
      start: async () => {
        informer.starts++;
        informer.running = true;
      },
      stop: async () => {
        informer.stops++;
        informer.running = false;
      },
      hasSynced: () => informer.running,
    };
    return informer;
  }

  it('runs a kind’s informer only while discovery serves the kind, started once for concurrent askers', async () => {
    const served = new Set(['servicemonitors']);
    const routes = fakeInformer();
    const monitors = fakeInformer();
    const kinds = new OptionalKindInformers({ serves: async (kind) => served.has(kind.plural) }, {
      HTTPRoute: routes,
      ServiceMonitor: monitors,
    } as never);
    const [first, second] = await Promise.all([kinds.served(), kinds.served()]);
    expect([...first]).toEqual(['ServiceMonitor']);
    expect([...second]).toEqual(['ServiceMonitor']);
    expect(monitors.starts).toBe(1);
    expect(routes.starts).toBe(0);

    // The Gateway API gets installed, the Prometheus Operator removed.
    served.clear();
    served.add('httproutes');
    expect([...(await kinds.served())]).toEqual(['HTTPRoute']);
    expect(routes.starts).toBe(1);
    expect(monitors.stops).toBe(1);

    await kinds.stop();
    expect(routes.stops).toBe(1);
  });
});
