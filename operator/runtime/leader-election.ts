// Lease-based leader election (coordination.k8s.io/v1), hand-rolled after client-go's leaderelection package because
// @kubernetes/client-node has none. Only the leader runs informers and workers; other replicas wait.
//
// Expiry is judged by the LOCAL time at which we last saw the Lease record change, not by the renewTime written in
// it, so clock skew between nodes cannot make a candidate steal a live Lease (client-go does the same).
// Writes use the Lease's resourceVersion as a precondition: two candidates racing for a lapsed Lease cannot both win.
import { type Clock, sleep, systemClock } from './clock.ts';
import { isConflict, isNotFound, type KubeClient } from './kube-client.ts';

export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

/** Storage of one Lease; `update` must fail with a conflict when `resourceVersion` is stale. */
export interface LeaseStore {
  get(): Promise<{ record: LeaseRecord; resourceVersion: string } | undefined>;
  create(record: LeaseRecord): Promise<void>;
  update(record: LeaseRecord, resourceVersion: string): Promise<void>;
  /** A human-readable name for logs ("ns/name"). */
  readonly description: string;
}

export interface LeaderElectorOptions {
  store: LeaseStore;
  identity: string;
  clock?: Clock;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  /** Called when leadership is lost (renewals failed for renewDeadline) or released on shutdown. */
  onStoppedLeading: (reason: 'lost' | 'released') => void;
  onError?: (error: unknown) => void;
}

/** Kubernetes MicroTime wants six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  private readonly options: Required<Omit<LeaderElectorOptions, 'onError'>> &
    Pick<LeaderElectorOptions, 'onError'>;
  private readonly clock: Clock;
  private leading = false;
  private observedRecord: string | undefined;
  private observedTime = 0;
  private lastRenew = 0;
  private releaseOnStop = true;

  constructor(options: LeaderElectorOptions) {
    this.clock = options.clock ?? systemClock;
    // `??` rather than spreading defaults: an explicit `undefined` option must not erase a default (a retry period
    // of undefined would make setTimeout fire at once and renew the Lease in a hot loop).
    this.options = {
      ...options,
      clock: this.clock,
      leaseDurationMs: options.leaseDurationMs ?? 15_000,
      renewDeadlineMs: options.renewDeadlineMs ?? 10_000,
      retryPeriodMs: options.retryPeriodMs ?? 2_000,
    };
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** One attempt to take or keep the Lease. Returns whether we hold it afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { store, identity, leaseDurationMs } = this.options;
    const now = this.clock.now();
    const fresh: LeaseRecord = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    const current = await store.get();
    if (!current) {
      try {
        await store.create(fresh);
      } catch (error) {
        if (isConflict(error) || (error as { status?: number }).status === 409) return false;
        throw error;
      }
      this.observe(fresh, now);
      return true;
    }
    const { record, resourceVersion } = current;
    const serialized = JSON.stringify(record);
    if (serialized !== this.observedRecord) this.observe(record, now);
    const heldByOther = record.holderIdentity !== '' && record.holderIdentity !== identity;
    const observedLeaseMs = record.leaseDurationSeconds * 1000;
    if (heldByOther && this.observedTime + observedLeaseMs > now) return false;
    const next: LeaseRecord =
      record.holderIdentity === identity
        ? { ...fresh, acquireTime: record.acquireTime, leaseTransitions: record.leaseTransitions }
        : { ...fresh, leaseTransitions: record.leaseTransitions + 1 };
    try {
      await store.update(next, resourceVersion);
    } catch (error) {
      if (isConflict(error) || (error as { status?: number }).status === 409) return false;
      throw error;
    }
    this.observe(next, now);
    return true;
  }

  /**
   * Campaigns until elected, then renews until the signal aborts (releasing the Lease) or renewals fail for longer
   * than the renew deadline (leadership lost). Resolves when it stops leading or the signal aborts.
   */
  async run(signal: AbortSignal): Promise<void> {
    const { retryPeriodMs, renewDeadlineMs } = this.options;
    while (!signal.aborted && !this.leading) {
      if (await this.attempt()) {
        this.leading = true;
        this.lastRenew = this.clock.now();
        this.options.onStartedLeading();
        break;
      }
      await sleep(this.clock, retryPeriodMs, signal);
    }
    while (!signal.aborted && this.leading) {
      await sleep(this.clock, retryPeriodMs, signal);
      if (signal.aborted) break;
      if (await this.attempt()) {
        this.lastRenew = this.clock.now();
      } else if (this.clock.now() - this.lastRenew >= renewDeadlineMs) {
        this.leading = false;
        this.options.onStoppedLeading('lost');
        return;
      }
    }
    if (signal.aborted && this.leading) {
      if (this.releaseOnStop) {
        await this.release();
      } else {
        this.leading = false;
        this.options.onStoppedLeading('released');
      }
    }
  }

  /** Makes run() stop WITHOUT releasing the Lease, as a crashed process would (tests of the Lease lapsing). */
  abandonOnStop(): void {
    this.releaseOnStop = false;
  }

  /** Gives the Lease up so another replica can take over at once instead of waiting for it to lapse. */
  async release(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    try {
      const current = await this.options.store.get();
      if (current && current.record.holderIdentity === this.options.identity) {
        const now = microTime(this.clock.now());
        await this.options.store.update(
          {
            ...current.record,
            holderIdentity: '',
            leaseDurationSeconds: 1,
            renewTime: now,
            acquireTime: now,
          },
          current.resourceVersion,
        );
      }
    } catch (error) {
      this.options.onError?.(error);
    }
    this.options.onStoppedLeading('released');
  }

  private async attempt(): Promise<boolean> {
    try {
      return await this.tryAcquireOrRenew();
    } catch (error) {
      this.options.onError?.(error);
      return false;
    }
  }

  private observe(record: LeaseRecord, now: number): void {
    this.observedRecord = JSON.stringify(record);
    this.observedTime = now;
  }
}

interface LeaseObject {
  metadata: { resourceVersion?: string };
  spec?: Partial<LeaseRecord>;
}

/** A LeaseStore backed by a coordination.k8s.io/v1 Lease. */
export class KubeLeaseStore implements LeaseStore {
  readonly description: string;
  private readonly client: KubeClient;
  private readonly namespace: string;
  private readonly name: string;

  constructor(client: KubeClient, namespace: string, name: string) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.description = `${namespace}/${name}`;
  }

  private get collection(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.namespace)}/leases`;
  }

  async get(): Promise<{ record: LeaseRecord; resourceVersion: string } | undefined> {
    try {
      const lease = await this.client.request<LeaseObject>(
        'GET',
        `${this.collection}/${encodeURIComponent(this.name)}`,
      );
      const spec = lease.spec ?? {};
      return {
        resourceVersion: lease.metadata.resourceVersion ?? '',
        record: {
          holderIdentity: spec.holderIdentity ?? '',
          leaseDurationSeconds: spec.leaseDurationSeconds ?? 15,
          acquireTime: spec.acquireTime ?? '',
          renewTime: spec.renewTime ?? '',
          leaseTransitions: spec.leaseTransitions ?? 0,
        },
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async create(record: LeaseRecord): Promise<void> {
    await this.client.request('POST', this.collection, { body: this.toObject(record) });
  }

  async update(record: LeaseRecord, resourceVersion: string): Promise<void> {
    await this.client.request('PUT', `${this.collection}/${encodeURIComponent(this.name)}`, {
      body: this.toObject(record, resourceVersion),
    });
  }

  private toObject(record: LeaseRecord, resourceVersion?: string) {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        ...(resourceVersion ? { resourceVersion } : {}),
      },
      spec: record,
    };
  }
}
