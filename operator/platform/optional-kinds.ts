// Caches of the child kinds that come from CRDs a cluster may not have (HTTPRoute, ServiceMonitor). An informer on a
// kind the API server does not serve would fail and restart forever, so each one runs only while API discovery says
// its kind is served: made and started (and waited on until its first list is stored) the first time a reconcile
// finds the kind served, stopped and dropped when a later look finds it gone. A CRD deleted and installed again
// gets a fresh informer (a fresh list), never the cache of the objects that went with the old CRD. The reconciler
// asks `served()` once per reconcile; ServedKinds remembers the discovery answers, so that costs no request most of
// the time.
import type { KubernetesObject } from '@kubernetes/client-node';
import { isOptionalChildKind, type OptionalChildKind } from '../../cdk8s/plex-mcp-server/index.ts';
import type { ObjectStore } from '../runtime/informer.ts';
import { KINDS } from '../runtime/resource-paths.ts';
import type { ServedKinds } from './served-kinds.ts';

/** What the reconciler asks: which optional kinds the cluster serves, with their caches filled. */
export interface OptionalKindsSource {
  served(): Promise<ReadonlySet<OptionalChildKind>>;
  /**
   * The API server answered 404 for an object of `kind`: for an optional kind, drop the remembered discovery answer
   * and ask again next time (other kinds are always served: nothing to forget).
   */
  forget(kind: string): void;
}

/** The part of an InformerGroup used here. */
export interface StartableStore extends ObjectStore<KubernetesObject> {
  start(): Promise<void>;
  stop(): Promise<void>;
  hasSynced(): boolean;
}

const SYNC_POLL_MS = 10;

export class OptionalKindInformers implements OptionalKindsSource {
  private readonly servedKinds: Pick<ServedKinds, 'serves' | 'forget'>;
  private readonly kinds: readonly OptionalChildKind[];
  private readonly makeInformer: (kind: OptionalChildKind) => StartableStore;
  private readonly informers = new Map<
    OptionalChildKind,
    { informer: StartableStore; ready: Promise<void> }
  >();
  private stopped = false;

  /** `makeInformer` builds a new, not yet started informer of the kind (with its event handlers attached). */
  constructor(
    servedKinds: Pick<ServedKinds, 'serves' | 'forget'>,
    kinds: readonly OptionalChildKind[],
    makeInformer: (kind: OptionalChildKind) => StartableStore,
  ) {
    this.servedKinds = servedKinds;
    this.kinds = kinds;
    this.makeInformer = makeInformer;
  }

  /** The kind's cache as the reconciler reads it: the running informer's, or empty while the kind is not served. */
  store(kind: OptionalChildKind): ObjectStore<KubernetesObject> {
    return {
      get: (name, namespace) => this.informers.get(kind)?.informer.get(name, namespace),
      list: (namespace) => this.informers.get(kind)?.informer.list(namespace) ?? [],
    };
  }

  async served(): Promise<ReadonlySet<OptionalChildKind>> {
    const served = new Set<OptionalChildKind>();
    // Stopped (the controller shuts down; an in-flight reconcile may still ask): start nothing new.
    if (this.stopped) return served;
    for (const kind of this.kinds) {
      if (await this.servedKinds.serves(KINDS[kind])) {
        await this.ensureRunning(kind);
        served.add(kind);
      } else {
        await this.stopKind(kind);
      }
    }
    return served;
  }

  forget(kind: string): void {
    if (isOptionalChildKind(kind)) this.servedKinds.forget(KINDS[kind]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.kinds.map((kind) => this.stopKind(kind)));
  }

  /** Makes and starts the kind's informer once; resolves when its cache holds the first list. */
  private ensureRunning(kind: OptionalChildKind): Promise<void> {
    const running = this.informers.get(kind);
    if (running) return running.ready;
    const informer = this.makeInformer(kind);
    const ready = (async () => {
      await informer.start();
      // The first list lands in the cache just after start() resolves (ResilientInformer marks it synced then).
      while (!informer.hasSynced() && !this.stopped) {
        await new Promise((resolve) => setTimeout(resolve, SYNC_POLL_MS));
      }
    })();
    const entry = { informer, ready };
    // A start that failed is dropped, so the next reconcile tries again with a new informer.
    ready.catch(() => {
      if (this.informers.get(kind) === entry) this.informers.delete(kind);
      informer.stop().catch(() => undefined);
    });
    this.informers.set(kind, entry);
    return ready;
  }

  private async stopKind(kind: OptionalChildKind): Promise<void> {
    const running = this.informers.get(kind);
    if (!running) return;
    this.informers.delete(kind);
    await running.ready.catch(() => undefined);
    await running.informer.stop();
  }
}
