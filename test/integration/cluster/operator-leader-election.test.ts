// Two operator replicas, one Lease: only the leader reconciles; the standby stays passive (reads only) until the
// leader's Lease lapses, then takes over. Real timings (15 s lease, 10 s renew deadline, 2 s retry).
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningOperator } from '../../../operator/manager.ts';
import type { KubeClient } from '../../../operator/runtime/kube-client.ts';
import { KINDS } from '../../../operator/runtime/resource-paths.ts';
import { kubeConfigForTests } from '../../cluster/test-kube.ts';
import { installCrd } from './crd-support.ts';
import {
  applyPlexMcpServer,
  applyTokenSecret,
  deleteObject,
  ensureNamespace,
  getObject,
  startTestOperator,
  testClient,
  waitFor,
  waitForReady,
} from './operator-helpers.ts';

const ns = `op-le-${randomBytes(3).toString('hex')}`;
const leaseName = 'plex-mcp-operator-leader';

interface Lease {
  metadata: { name: string };
  spec: { holderIdentity?: string; leaseTransitions?: number };
}

describe.skipIf(!inject('kubeconfig'))('operator leader election (two replicas, one Lease)', () => {
  let kc: KubeConfig;
  let client: KubeClient;
  let first: RunningOperator | undefined;
  let second: RunningOperator | undefined;
  const reconciles = { first: 0, second: 0 };

  const replica = (identity: string, onReconciled: () => void) =>
    startTestOperator(kc, {
      identity,
      namespaces: [ns],
      leaderElection: { namespace: ns, name: leaseName },
      onReconciled,
    });
  const lease = () =>
    getObject<Lease & { apiVersion: string; kind: string }>(client, KINDS.Lease, ns, leaseName);
  const writesBy = async (operator: RunningOperator, resource?: string) =>
    (await operator.metrics.kubeRequests.get()).values
      .filter((v) => v.labels.verb !== 'GET' && (resource === undefined || v.labels.resource === resource))
      .reduce((sum, v) => sum + v.value, 0);

  beforeAll(async () => {
    kc = kubeConfigForTests();
    client = testClient(kc);
    await installCrd(kc);
    await ensureNamespace(client, ns);
    await applyTokenSecret(client, ns);
  });

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await deleteObject(client, { apiVersion: 'v1', plural: 'namespaces' }, '', ns);
  });

  it('keeps the second replica passive until the first one’s Lease lapses, then fails over', async () => {
    first = await replica('replica-a', () => reconciles.first++);
    await waitFor(async () => first?.isActive(), {
      timeoutMs: 30_000,
      description: 'replica-a leading and synced',
    });
    expect((await lease())?.spec.holderIdentity).toBe('replica-a');

    second = await replica('replica-b', () => reconciles.second++);
    await applyPlexMcpServer(client, ns, 'one');
    await waitForReady(client, ns, 'one');
    // Give the standby several retry periods to (wrongly) act.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(second.isLeader()).toBe(false);
    expect(second.isActive()).toBe(false);
    expect(second.isReady()).toBe(true); // a healthy standby is ready (it must not be restarted by its probe)
    expect(reconciles.first).toBeGreaterThan(0);
    expect(reconciles.second).toBe(0);
    expect(await writesBy(second)).toBe(0); // not even the Lease: a standby only reads it
    expect(await writesBy(first, 'leases')).toBeGreaterThan(0); // the leader renews it

    // The leader dies without releasing the Lease (a crash, a partition): the standby must wait for it to lapse.
    const crashedAt = Date.now();
    await first.stop({ releaseLease: false });
    first = undefined;
    await waitFor(async () => second?.isLeader(), {
      timeoutMs: 40_000,
      intervalMs: 100,
      description: 'replica-b leading',
    });
    const takeoverMs = Date.now() - crashedAt;
    // 15 s lease, counted from the last renewal the standby saw (at most one 2 s retry period before the crash).
    expect(takeoverMs).toBeGreaterThanOrEqual(11_000);
    expect(takeoverMs).toBeLessThanOrEqual(25_000);
    const taken = await lease();
    expect(taken?.spec.holderIdentity).toBe('replica-b');
    expect(taken?.spec.leaseTransitions).toBeGreaterThanOrEqual(1);

    // The new leader does the work.
    await waitFor(async () => second?.isActive(), { timeoutMs: 30_000, description: 'replica-b synced' });
    await applyPlexMcpServer(client, ns, 'two');
    await waitForReady(client, ns, 'two');
    expect(reconciles.second).toBeGreaterThan(0);

    // A graceful stop releases the Lease at once, for the next replica.
    await second.stop();
    second = undefined;
    expect((await lease())?.spec.holderIdentity).toBe('');
  });
});
