// Informers: a local cache of one kind, kept current by list+watch (client-node's ListWatch), with what
// ListWatch leaves to its user:
// - restart after an `error` (ListWatch stops for good on any error other than 410 Gone / timeouts), with
//   exponential backoff 1 s → 30 s so a down API server is not hammered;
// - hasSynced(): true once the first list has been stored, so workers start only on a complete cache (a worker
//   running on a half-filled cache would think children are missing and write them again);
// - one cache over several namespaces (the operator can watch a namespace list instead of the cluster).
import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { ListWatch, Watch } from './client-node.ts';
import { type Clock, systemClock, type TimerHandle } from './clock.ts';
import type { KubeClient } from './kube-client.ts';
import { type KindInfo, resourcePath } from './resource-paths.ts';

export type InformerEvent = 'add' | 'update' | 'delete';

/** The read side of an informer: what reconcilers use. */
export interface ObjectStore<T> {
  get(name: string, namespace: string): T | undefined;
  list(namespace?: string): readonly T[];
}

export interface InformerOptions<T extends KubernetesObject = KubernetesObject> {
  client: KubeClient;
  kind: KindInfo;
  /** '' = all namespaces. */
  namespace: string;
  labelSelector?: string;
  clock?: Clock;
  /**
   * What to keep of each object, applied after the unread metadata is dropped (e.g. only the status fields the
   * reconciler reads). It may change the object in place; it must keep metadata.name, namespace and resourceVersion.
   */
  transform?: CacheTransform<T>;
  /** Called when the informer failed and will restart after `delayMs`. */
  onRestart?: (info: { kind: string; namespace: string; delayMs: number; error: unknown }) => void;
}

const MIN_RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;

/** What an informer keeps of each object it caches (see InformerOptions.transform). */
export type CacheTransform<T> = (obj: T) => T;

/** The annotation `kubectl apply` (client-side) writes: a full copy of the applied object, often the largest field. */
const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Drops what nothing in the operator reads from any kind before an object enters the cache, as client-go informers
 * do with a transform: `metadata.managedFields` (on server-side-applied objects often the larger part of the object;
 * bench:operator with 500 resources caches ~3,000 objects) and kubectl's last-applied annotation (a copy of the
 * object as a person applied it). The metadata is copied rather than `delete`d from: V8 turns an object it deletes
 * a property from into a hash table, which costs more than the field saved (measured ~2.5 KiB per resource).
 */
export function withoutUnreadMetadata<T extends KubernetesObject>(obj: T): T {
  const metadata = obj?.metadata;
  if (!metadata) return obj;
  const lastApplied = metadata.annotations?.[LAST_APPLIED_ANNOTATION] !== undefined;
  if (!metadata.managedFields && !lastApplied) return obj;
  const { managedFields: _managedFields, ...kept } = metadata;
  if (lastApplied) {
    const { [LAST_APPLIED_ANNOTATION]: _lastApplied, ...annotations } = metadata.annotations ?? {};
    kept.annotations = annotations;
  }
  return { ...obj, metadata: kept };
}

/**
 * A Watch whose events carry objects as the cache keeps them (ListWatch stores the event's object as is). ERROR
 * events carry a metav1.Status (ListWatch reads its code), not an object of the kind: passed on untouched.
 */
function transformingWatch<T extends KubernetesObject>(watch: Watch, view: CacheTransform<T>): Watch {
  const transforming: Pick<Watch, 'watch'> = {
    watch: (path, queryParams, callback, done) =>
      watch.watch(
        path,
        queryParams,
        (phase, apiObj, watchObj) => callback(phase, phase === 'ERROR' ? apiObj : view(apiObj), watchObj),
        done,
      ),
  };
  return transforming as Watch;
}

export class ResilientInformer<T extends KubernetesObject> implements ObjectStore<T> {
  private readonly listWatch: ListWatch<T>;
  private readonly options: InformerOptions<T>;
  private readonly clock: Clock;
  private synced = false;
  private stopped = true;
  private restartDelayMs = MIN_RESTART_DELAY_MS;
  private restartTimer: TimerHandle | undefined;

  constructor(options: InformerOptions<T>) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    const path = resourcePath(options.kind, options.namespace);
    const { transform } = options;
    const view: CacheTransform<T> = transform
      ? (obj) => transform(withoutUnreadMetadata(obj))
      : (obj) => withoutUnreadMetadata(obj);
    const list = async (): Promise<KubernetesListObject<T>> => {
      const result = await options.client.request<KubernetesListObject<T>>('GET', path, {
        query: { labelSelector: options.labelSelector },
      });
      result.items = result.items.map(view);
      // ListWatch stores the items synchronously right after this promise settles; mark synced just after.
      setImmediate(() => {
        this.synced = true;
        this.restartDelayMs = MIN_RESTART_DELAY_MS;
      });
      return result;
    };
    this.listWatch = new ListWatch<T>(
      path,
      transformingWatch(new Watch(options.client.kubeConfig), view),
      list,
      false,
      options.labelSelector,
    );
    this.listWatch.on('error', (error) => this.scheduleRestart(error));
  }

  on(event: InformerEvent, callback: (obj: T) => void): void {
    this.listWatch.on(event, callback);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.listWatch.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.restartTimer?.cancel();
    this.restartTimer = undefined;
    await this.listWatch.stop();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  get(name: string, namespace: string): T | undefined {
    return this.listWatch.get(name, namespace);
  }

  list(namespace?: string): readonly T[] {
    return this.listWatch.list(namespace);
  }

  private scheduleRestart(error: unknown): void {
    if (this.stopped || this.restartTimer) return;
    const delayMs = this.restartDelayMs;
    this.restartDelayMs = Math.min(this.restartDelayMs * 2, MAX_RESTART_DELAY_MS);
    this.options.onRestart?.({
      kind: this.options.kind.kind,
      namespace: this.options.namespace,
      delayMs,
      error,
    });
    this.restartTimer = this.clock.setTimer(() => {
      this.restartTimer = undefined;
      if (this.stopped) return;
      // start() relists only when the resourceVersion was lost; otherwise it resumes the watch.
      this.listWatch.start().catch((startError) => this.scheduleRestart(startError));
    }, delayMs);
  }
}

/** One kind over a list of namespaces (or all, with a single informer), behind one cache interface. */
export class InformerGroup<T extends KubernetesObject> implements ObjectStore<T> {
  readonly kind: KindInfo;
  private readonly byNamespace = new Map<string, ResilientInformer<T>>();

  constructor(base: Omit<InformerOptions<T>, 'namespace'>, namespaces: readonly string[]) {
    this.kind = base.kind;
    for (const namespace of namespaces.length > 0 ? namespaces : ['']) {
      this.byNamespace.set(namespace, new ResilientInformer<T>({ ...base, namespace }));
    }
  }

  on(event: InformerEvent, callback: (obj: T) => void): void {
    for (const informer of this.byNamespace.values()) informer.on(event, callback);
  }

  async start(): Promise<void> {
    await Promise.all([...this.byNamespace.values()].map((informer) => informer.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.byNamespace.values()].map((informer) => informer.stop()));
  }

  hasSynced(): boolean {
    return [...this.byNamespace.values()].every((informer) => informer.hasSynced());
  }

  get(name: string, namespace: string): T | undefined {
    return (this.byNamespace.get(namespace) ?? this.byNamespace.get(''))?.get(name, namespace);
  }

  list(namespace?: string): readonly T[] {
    if (namespace !== undefined) {
      return (this.byNamespace.get(namespace) ?? this.byNamespace.get(''))?.list(namespace) ?? [];
    }
    return [...this.byNamespace.values()].flatMap((informer) => informer.list());
  }
}
