// Which optional kinds the cluster serves (ServiceMonitor, HTTPRoute: CRDs a cluster may or may not have), asked of
// API discovery at run time instead of assumed. Answers are remembered for `ttlMs`, so a CRD installed later is found
// without a restart, and a reconcile costs no discovery request most of the time; concurrent askers share one request.
import type { Clock } from '../runtime/clock.ts';
import { isNotFound, type KubeClient } from '../runtime/kube-client.ts';

export interface OptionalKind {
  apiVersion: string;
  plural: string;
}

interface DiscoveryList {
  resources?: { name: string }[];
}

/** How long a discovery answer is trusted by default: a CRD installed later is found within this time. */
export const DISCOVERY_TTL_MS = 5 * 60_000;

/** A discovery TTL as the whole minutes (at least 1) a person reads in a status message. */
export function recheckMinutes(ttlMs: number): number {
  return Math.max(1, Math.round(ttlMs / 60_000));
}

export class ServedKinds {
  private readonly client: Pick<KubeClient, 'request'>;
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly resources = new Map<string, { names: string[]; at: number }>();
  private readonly pending = new Map<string, Promise<string[]>>();

  constructor(client: Pick<KubeClient, 'request'>, clock: Clock, ttlMs = DISCOVERY_TTL_MS) {
    this.client = client;
    this.clock = clock;
    this.ttlMs = ttlMs;
  }

  /** True when the API server serves `plural` in `apiVersion`. A discovery request that fails (not 404) throws. */
  async serves(kind: OptionalKind): Promise<boolean> {
    return (await this.resourcesOf(kind.apiVersion)).includes(kind.plural);
  }

  /** Drops what discovery said about `kind`'s group/version: the next `serves` asks again. */
  forget(kind: OptionalKind): void {
    this.resources.delete(kind.apiVersion);
  }

  private resourcesOf(apiVersion: string): Promise<string[]> {
    const known = this.resources.get(apiVersion);
    if (known && this.clock.now() - known.at < this.ttlMs) return Promise.resolve(known.names);
    let pending = this.pending.get(apiVersion);
    if (!pending) {
      pending = this.discover(apiVersion).finally(() => this.pending.delete(apiVersion));
      this.pending.set(apiVersion, pending);
    }
    return pending;
  }

  private async discover(apiVersion: string): Promise<string[]> {
    let names: string[];
    try {
      const list = await this.client.request<DiscoveryList>('GET', `/apis/${apiVersion}`);
      names = (list.resources ?? []).map((r) => r.name);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      names = []; // the group/version is not served at all
    }
    this.resources.set(apiVersion, { names, at: this.clock.now() });
    return names;
  }
}
