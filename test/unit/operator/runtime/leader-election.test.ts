import { describe, expect, it } from 'vitest';
import { KubeApiError } from '../../../../operator/runtime/kube-client.ts';
import {
  LeaderElector,
  type LeaseRecord,
  type LeaseStore,
  microTime,
} from '../../../../operator/runtime/leader-election.ts';
import { FakeClock } from '../fake-clock.ts';

/** An in-memory Lease with the API server's optimistic concurrency (resourceVersion precondition, 409 on conflict). */
class MemoryLeaseStore implements LeaseStore {
  readonly description = 'test/lease';
  record: LeaseRecord | undefined;
  version = 0;
  failing = false;
  writes = 0;

  async get() {
    if (this.failing) throw new KubeApiError('apiserver down', 0, 'TransportError');
    return this.record ? { record: { ...this.record }, resourceVersion: String(this.version) } : undefined;
  }
  async create(record: LeaseRecord) {
    if (this.failing) throw new KubeApiError('apiserver down', 0, 'TransportError');
    if (this.record) throw new KubeApiError('already exists', 409, 'AlreadyExists');
    this.writes++;
    this.record = { ...record };
    this.version++;
  }
  async update(record: LeaseRecord, resourceVersion: string) {
    if (this.failing) throw new KubeApiError('apiserver down', 0, 'TransportError');
    if (resourceVersion !== String(this.version)) throw new KubeApiError('conflict', 409, 'Conflict');
    this.writes++;
    this.record = { ...record };
    this.version++;
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function elector(store: LeaseStore, clock: FakeClock, identity: string, log: string[] = []) {
  return new LeaderElector({
    store,
    clock,
    identity,
    onStartedLeading: () => log.push(`${identity} started`),
    onStoppedLeading: (reason) => log.push(`${identity} stopped ${reason}`),
  });
}

describe('LeaderElector', () => {
  it('formats MicroTime with six fractional digits', () => {
    expect(microTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02T03:04:05.678000Z');
  });

  it('creates the Lease when none exists and renews it while holding it', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const a = elector(store, clock, 'a');
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(store.record?.holderIdentity).toBe('a');
    expect(store.record?.leaseDurationSeconds).toBe(15);
    const acquired = store.record?.acquireTime;
    clock.advance(2000);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(store.record?.acquireTime).toBe(acquired);
    expect(store.record?.renewTime).toBe(microTime(clock.now()));
    expect(store.record?.leaseTransitions).toBe(0);
  });

  it('keeps a second candidate passive until the Lease lapses (judged by local observation time)', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const a = elector(store, clock, 'a');
    const b = elector(store, clock, 'b');
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.advance(14_000);
    expect(await b.tryAcquireOrRenew()).toBe(false); // b first saw this record 14 s ago: still valid
    expect(await a.tryAcquireOrRenew()).toBe(true); // a renews
    clock.advance(14_000);
    expect(await b.tryAcquireOrRenew()).toBe(false); // b saw the renewed record only now
    clock.advance(14_999);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.advance(1);
    expect(await b.tryAcquireOrRenew()).toBe(true); // 15 s without a change: lapsed
    expect(store.record?.holderIdentity).toBe('b');
    expect(store.record?.leaseTransitions).toBe(1);
    expect(await a.tryAcquireOrRenew()).toBe(false); // a is now the follower
  });

  it('lets only one of two racing candidates win a lapsed Lease (resourceVersion precondition)', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    await elector(store, clock, 'old').tryAcquireOrRenew();
    const b = elector(store, clock, 'b');
    const c = elector(store, clock, 'c');
    await b.tryAcquireOrRenew();
    await c.tryAcquireOrRenew();
    clock.advance(15_000);
    const results = await Promise.all([b.tryAcquireOrRenew(), c.tryAcquireOrRenew()]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('runs: leads, releases on abort so a standby takes over at once', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const log: string[] = [];
    const a = elector(store, clock, 'a', log);
    const b = elector(store, clock, 'b', log);
    const stopA = new AbortController();
    const stopB = new AbortController();
    const runA = a.run(stopA.signal);
    await flush();
    expect(a.isLeader()).toBe(true);
    const runB = b.run(stopB.signal);
    for (let i = 0; i < 5; i++) {
      clock.advance(2000);
      await flush();
    }
    expect(b.isLeader()).toBe(false);
    stopA.abort();
    await runA;
    expect(store.record?.holderIdentity).toBe('');
    clock.advance(2000);
    await flush();
    await flush();
    expect(b.isLeader()).toBe(true);
    expect(log).toEqual(['a started', 'a stopped released', 'b started']);
    stopB.abort();
    await runB;
  });

  it('keeps its defaults when options are passed as undefined (no hot renew loop)', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const a = new LeaderElector({
      store,
      clock,
      identity: 'a',
      leaseDurationMs: undefined,
      renewDeadlineMs: undefined,
      retryPeriodMs: undefined,
      onStartedLeading: () => {},
      onStoppedLeading: () => {},
    });
    const stop = new AbortController();
    const run = a.run(stop.signal);
    await flush();
    expect(store.record?.leaseDurationSeconds).toBe(15);
    const writes = store.writes;
    clock.advance(1999);
    await flush();
    expect(store.writes).toBe(writes); // no renewal before the 2 s retry period
    clock.advance(1);
    await flush();
    expect(store.writes).toBe(writes + 1);
    stop.abort();
    await run;
  });

  it('stops leading when renewals fail for longer than the renew deadline', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore();
    const log: string[] = [];
    const a = elector(store, clock, 'a', log);
    const run = a.run(new AbortController().signal);
    await flush();
    expect(a.isLeader()).toBe(true);
    store.failing = true;
    for (let i = 0; i < 4; i++) {
      clock.advance(2000);
      await flush();
    }
    expect(a.isLeader()).toBe(true); // 8 s of failures < 10 s deadline
    clock.advance(2000);
    await flush();
    await run;
    expect(a.isLeader()).toBe(false);
    expect(log).toEqual(['a started', 'a stopped lost']);
  });
});
