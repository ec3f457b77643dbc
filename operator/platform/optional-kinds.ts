// Caches of the child kinds that come from CRDs a cluster may not have (HTTPRoute, ServiceMonitor). An informer on a
// kind the API server does not serve would fail and restart forever, so each one runs only while API discovery says
// its kind is served: started (and waited on until its first list is stored) the first time a reconcile finds the
// kind served, stopped when a later look finds it gone. The reconciler asks `served()` once per reconcile; the
// discovery answers are remembered by ServedKinds, so that costs no request most of the time.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { OptionalChildKind } from '../../cdk8s/plex-mcp-server/index.ts';
import type { InformerGroup } from '../runtime/informer.ts';
import { KINDS } from '../runtime/resource-paths.ts';
import type { ServedKinds } from './served-kinds.ts';

/** What the reconciler asks: which optional kinds the cluster serves, with their caches filled. */
export interface OptionalKindsSource {
  served(): Promise<ReadonlySet<OptionalChildKind>>;
}

export class OptionalKindInformers implements OptionalKindsSource {
  private readonly servedKinds: Pick<ServedKinds, 'serves'>;
  private readonly informers: Record<OptionalChildKind, InformerGroup<KubernetesObject>>;
  private readonly running = new Map<OptionalChildKind, Promise<void>>();
  private stopped = false;

  constructor(
    servedKinds: Pick<ServedKinds, 'serves'>,
    informers: Record<OptionalChildKind, InformerGroup<KubernetesObject>>,
  ) {
    this.servedKinds = servedKinds;
    this.informers = informers;
  }

  async served(): Promise<ReadonlySet<OptionalChildKind>> {
    const served = new Set<OptionalChildKind>();
    for (const kind of Object.keys(this.informers) as OptionalChildKind[]) {
      if (await this.servedKinds.serves(KINDS[kind])) {
        await this.ensureRunning(kind);
        served.add(kind);
      } else {
        await this.stopKind(kind);
      }
    }
    return served;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(
      (Object.keys(this.informers) as OptionalChildKind[]).map((kind) => this.stopKind(kind)),
    );
  }

  /** Starts the kind's informer once, and resolves when its cache holds the first list. */
  private ensureRunning(kind: OptionalChildKind): Promise<void> {
    let running = this.running.get(kind);
    if (!running) {
      const informer = this.informers[kind];
      running = (async () => {
        if (this.stopped) return;
        await informer.start();
        // The first list lands in the cache just after start() resolves (ResilientInformer marks it synced then).
        while (!informer.hasSynced() && !this.stopped)
          await new Promise((resolve) => setTimeout(resolve, 10));
      })();
      running.catch(() => this.running.delete(kind));
      this.running.set(kind, running);
    }
    return running;
  }

  private async stopKind(kind: OptionalChildKind): Promise<void> {
    const running = this.running.get(kind);
    if (!running) return;
    this.running.delete(kind);
    await running.catch(() => undefined);
    await this.informers[kind].stop();
  }
}
