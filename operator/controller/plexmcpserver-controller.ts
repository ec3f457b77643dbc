// Wires the PlexMcpServer controller together: informers (PlexMcpServers, their children, Secrets) feed keys into
// the work queue; workers run the reconciler. Started only while this replica leads (see manager.ts).
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import {
  CHILD_KINDS,
  type ChildKind,
  isOptionalChildKind,
  MANAGED_BY_SELECTOR,
  OPTIONAL_CHILD_KINDS,
  type OptionalChildKind,
} from '../../cdk8s/plex-mcp-server/index.ts';
import { FIELD_MANAGER, GROUP, KIND, PLURAL, VERSION } from '../api/v1alpha1/index.ts';
import { OptionalKindInformers } from '../platform/optional-kinds.ts';
import { DISCOVERY_TTL_MS, recheckMinutes, ServedKinds } from '../platform/served-kinds.ts';
import { type Clock, sleep } from '../runtime/clock.ts';
import type { EventRecorder } from '../runtime/event-recorder.ts';
import { InformerGroup, type ObjectStore } from '../runtime/informer.ts';
import type { KubeClient } from '../runtime/kube-client.ts';
import type { OperatorMetrics } from '../runtime/metrics.ts';
import { KINDS } from '../runtime/resource-paths.ts';
import { ServerSideApplier } from '../runtime/server-side-apply.ts';
import { runWorkers, WorkQueue } from '../runtime/work-queue.ts';
import {
  ENDPOINT_SLICE_KIND,
  SERVICE_NAME_LABEL,
  ServerVerifier,
  type VerificationOptions,
} from '../verification/server-verifier.ts';
import { childCacheView } from './cache-views.ts';
import { PlexMcpServerReconciler, type RawPlexMcpServer } from './plexmcpserver-reconciler.ts';
import { objectKey, SecretReferenceIndex } from './secret-reference-index.ts';

type AlwaysServedKind = Exclude<ChildKind, OptionalChildKind>;

export interface ControllerOptions {
  client: KubeClient;
  namespaces: readonly string[];
  workers: number;
  defaultServerImage: string;
  resyncPeriodMs: number;
  childConflictRecheckMs?: number;
  logger: Logger;
  metrics: OperatorMetrics;
  events: EventRecorder;
  clock: Clock;
  /** Hears every finished reconcile (tests count per-resource reconciles with it). */
  onReconciled?: (key: string, result: 'success' | 'requeue' | 'error') => void;
  /** Verify each server through its Service (operator/verification); false: not verified, said in the status. */
  verification: VerificationOptions | false;
  /** Reported to servers as the verifying client's version. */
  operatorVersion: string;
  /** The operator's own namespace: the servers' NetworkPolicies let it in (it verifies them). */
  operatorNamespace?: string;
  /** How long a discovery answer (is HTTPRoute / ServiceMonitor served?) is trusted; default 5 minutes. */
  discoveryTtlMs?: number;
}

export class PlexMcpServerController {
  private readonly options: ControllerOptions;
  private readonly queue: WorkQueue;
  private readonly plexMcpServers: InformerGroup<RawPlexMcpServer>;
  /** The caches of every child kind, as the reconciler reads them. */
  private readonly children: Record<ChildKind, ObjectStore<KubernetesObject>>;
  /** The informers of the child kinds every cluster serves (the optional ones are in optionalKinds). */
  private readonly childInformers: Map<AlwaysServedKind, InformerGroup<KubernetesObject>>;
  private readonly index = new SecretReferenceIndex();
  private readonly reconciler: PlexMcpServerReconciler;
  private readonly stopSignal = new AbortController();
  private workersDone: Promise<void> | undefined;
  private resyncLoop: Promise<void> | undefined;
  /** Only with verification on: the EndpointSlices of our Services, and the verifier reading them. */
  private readonly endpointSlices: InformerGroup<KubernetesObject> | undefined;
  private readonly verifier: ServerVerifier | undefined;
  /** The caches of HTTPRoutes and ServiceMonitors, running only while their CRDs are served. */
  private readonly optionalKinds: OptionalKindInformers;

  constructor(options: ControllerOptions) {
    this.options = options;
    const { client, namespaces, metrics, logger } = options;
    this.queue = new WorkQueue({
      clock: options.clock,
      onDepth: (depth) => metrics.workqueueDepth.set(depth),
      onRetry: () => metrics.workqueueRetries.inc(),
    });
    const onRestart = (info: { kind: string; namespace: string; delayMs: number; error: unknown }) => {
      metrics.informerRestarts.inc({ kind: info.kind });
      logger.warn(
        { kind: info.kind, namespace: info.namespace || '*', delayMs: info.delayMs, err: info.error },
        'Informer failed; restarting',
      );
    };
    const base = { client, clock: options.clock, onRestart };
    this.plexMcpServers = new InformerGroup<RawPlexMcpServer>(
      { ...base, kind: { apiVersion: `${GROUP}/${VERSION}`, kind: KIND, plural: PLURAL } },
      namespaces,
    );
    const owned = (kind: ChildKind) =>
      new InformerGroup<KubernetesObject>(
        { ...base, kind: KINDS[kind], labelSelector: MANAGED_BY_SELECTOR, transform: childCacheView(kind) },
        namespaces,
      );
    this.childInformers = new Map(
      CHILD_KINDS.filter((kind): kind is AlwaysServedKind => !isOptionalChildKind(kind)).map((kind) => [
        kind,
        kind === 'Secret'
          ? // All Secrets, not only ours: the Plex token Secret is the user's, and must be seen appear and change.
            new InformerGroup<KubernetesObject>(
              { ...base, kind: KINDS.Secret, transform: childCacheView('Secret') },
              namespaces,
            )
          : owned(kind),
      ]),
    );
    const discoveryTtlMs = options.discoveryTtlMs ?? DISCOVERY_TTL_MS;
    this.optionalKinds = new OptionalKindInformers(
      new ServedKinds(client, options.clock, discoveryTtlMs),
      OPTIONAL_CHILD_KINDS,
      (kind) => {
        const informer = owned(kind);
        this.enqueueOwnerOn(informer);
        return informer;
      },
    );
    this.children = Object.fromEntries(
      CHILD_KINDS.map((kind) => [
        kind,
        isOptionalChildKind(kind) ? this.optionalKinds.store(kind) : this.childInformers.get(kind),
      ]),
    ) as Record<ChildKind, ObjectStore<KubernetesObject>>;
    if (options.verification) {
      this.endpointSlices = new InformerGroup<KubernetesObject>(
        { ...base, kind: ENDPOINT_SLICE_KIND, labelSelector: MANAGED_BY_SELECTOR },
        namespaces,
      );
      this.verifier = new ServerVerifier({
        ...options.verification,
        clock: options.clock,
        endpointSlices: this.endpointSlices,
        secrets: this.secrets(),
        enqueue: (key) => this.queue.add(key),
        clientVersion: options.operatorVersion,
        onVerify: () => metrics.serverVerifications.inc(),
        onRequest: () => metrics.serverVerificationRequests.inc(),
      });
    }
    this.reconciler = new PlexMcpServerReconciler({
      client,
      plexMcpServers: this.plexMcpServers,
      children: this.children,
      applier: new ServerSideApplier(client, FIELD_MANAGER, (desired, path) =>
        logger.debug(
          { kind: desired.kind, name: desired.metadata?.name, namespace: desired.metadata?.namespace, path },
          'Child differs from the desired state',
        ),
      ),
      events: options.events,
      logger,
      clock: options.clock,
      defaultServerImage: options.defaultServerImage,
      childConflictRecheckMs: options.childConflictRecheckMs,
      verification: this.verifier ?? 'disabled',
      optionalKinds: this.optionalKinds,
      discoveryRecheckMinutes: recheckMinutes(discoveryTtlMs),
      ...(options.operatorNamespace !== undefined ? { operatorNamespace: options.operatorNamespace } : {}),
    });
    this.registerHandlers();
  }

  hasSynced(): boolean {
    return this.informers().every((informer) => informer.hasSynced());
  }

  /**
   * Starts the informers, waits until their caches are filled, then starts the workers and the resync loop. The
   * optional kinds' informers start later, when a reconcile finds their CRDs served (OptionalKindInformers).
   */
  async start(): Promise<void> {
    const { logger } = this.options;
    await Promise.all(this.informers().map((i) => i.start()));
    while (!this.hasSynced() && !this.stopSignal.signal.aborted)
      await sleep(this.options.clock, 50, this.stopSignal.signal);
    if (this.stopSignal.signal.aborted) return;
    logger.info({ resources: this.plexMcpServers.list().length }, 'Caches synced; starting workers');
    this.workersDone = runWorkers(
      this.queue,
      this.options.workers,
      (key) => this.reconcileWithMetrics(key),
      (key, error) =>
        logger.error({ resource: key, err: error }, 'Reconcile failed; will retry with backoff'),
    );
    this.resyncLoop = this.resync();
  }

  /** Stops taking keys, lets in-flight reconciles finish, then stops the informers. */
  async stop(): Promise<void> {
    this.stopSignal.abort();
    this.queue.shutDown();
    await this.workersDone;
    await this.resyncLoop;
    this.verifier?.stop();
    await Promise.all([...this.informers().map((i) => i.stop()), this.optionalKinds.stop()]);
  }

  /** The informers that always run (every kind but the optional ones). */
  private informers(): InformerGroup<KubernetesObject>[] {
    return [
      this.plexMcpServers as unknown as InformerGroup<KubernetesObject>,
      ...this.childInformers.values(),
      ...(this.endpointSlices ? [this.endpointSlices] : []),
    ];
  }

  private async reconcileWithMetrics(key: string) {
    const { metrics } = this.options;
    const end = metrics.reconcileDuration.startTimer();
    try {
      const result = await this.reconciler.reconcile(key);
      const outcome = result?.requeueAfterMs !== undefined ? 'requeue' : 'success';
      metrics.reconcileTotal.inc({ result: outcome });
      this.options.onReconciled?.(key, outcome);
      return result;
    } catch (error) {
      metrics.reconcileTotal.inc({ result: 'error' });
      this.options.onReconciled?.(key, 'error');
      throw error;
    } finally {
      end();
    }
  }

  /**
   * Level-triggered safety net: every resync period, reconcile every resource again (with unchanged state that
   * costs no writes), so a missed watch event cannot leave a resource stale for long.
   */
  private async resync(): Promise<void> {
    const signal = this.stopSignal.signal;
    for (;;) {
      await sleep(this.options.clock, this.options.resyncPeriodMs, signal);
      if (signal.aborted) return;
      for (const resource of this.plexMcpServers.list()) this.enqueue(resource);
    }
  }

  private enqueue(resource: KubernetesObject): void {
    const { name, namespace } = resource.metadata ?? {};
    if (name && namespace) this.queue.add(objectKey(namespace, name));
  }

  /** The PlexMcpServer that controls `child`, from its controller owner reference. */
  private enqueueOwner(child: KubernetesObject): void {
    const namespace = child.metadata?.namespace;
    const owner = child.metadata?.ownerReferences?.find((ref) => ref.controller && ref.kind === KIND);
    if (namespace && owner) this.queue.add(objectKey(namespace, owner.name));
  }

  private registerHandlers(): void {
    const onResource = (resource: RawPlexMcpServer) => {
      this.index.update(resource);
      this.enqueue(resource);
    };
    this.plexMcpServers.on('add', onResource);
    this.plexMcpServers.on('update', onResource);
    this.plexMcpServers.on('delete', (resource) => {
      this.index.remove(resource);
      const { name, namespace } = resource.metadata ?? {};
      if (name && namespace) this.verifier?.forget(namespace, name);
    });
    // A Service's endpoints changed (pods came, went, turned ready): its resource is verified again.
    for (const event of ['add', 'update', 'delete'] as const) {
      this.endpointSlices?.on(event, (slice) => {
        const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
        const namespace = slice.metadata?.namespace;
        if (service && namespace) this.queue.add(objectKey(namespace, service));
      });
    }

    for (const [kind, informer] of this.childInformers) if (kind !== 'Secret') this.enqueueOwnerOn(informer);
    const onSecret = (secret: KubernetesObject) => {
      this.enqueueOwner(secret);
      const { name, namespace } = secret.metadata ?? {};
      if (!name || !namespace) return;
      for (const key of this.index.resourcesReferencing(namespace, name)) this.queue.add(key);
    };
    for (const event of ['add', 'update', 'delete'] as const) this.secrets().on(event, onSecret);
  }

  /** A child that changes or goes away re-enqueues the resource that controls it. */
  private enqueueOwnerOn(informer: InformerGroup<KubernetesObject>): void {
    for (const event of ['add', 'update', 'delete'] as const) {
      informer.on(event, (child) => this.enqueueOwner(child));
    }
  }

  private secrets(): InformerGroup<KubernetesObject> {
    return this.childInformers.get('Secret') as InformerGroup<KubernetesObject>;
  }
}
