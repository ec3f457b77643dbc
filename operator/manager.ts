// The operator process minus its command line: leader election, the controller while leading, health and metrics
// endpoints. main.ts runs it as the `plex-mcp-operator` bin; tests and the benchmark start it in-process.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { SERVER_VERSION } from '../server/version.ts';
import { PlexMcpServerController } from './controller/plexmcpserver-controller.ts';
import { type Clock, systemClock } from './runtime/clock.ts';
import { EventRecorder } from './runtime/event-recorder.ts';
import { type ListeningServer, startHealthServer, startMetricsServer } from './runtime/health-server.ts';
import { KubeClient } from './runtime/kube-client.ts';
import { KubeLeaseStore, LeaderElector } from './runtime/leader-election.ts';
import { OperatorMetrics } from './runtime/metrics.ts';
import type { VerificationOptions } from './verification/server-verifier.ts';

export const DEFAULT_LEASE_NAME = 'plex-mcp-operator-leader';

export interface LeaderElectionOptions {
  /** Namespace of the Lease (the operator's own namespace in a cluster). */
  namespace: string;
  name?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** Namespaces to watch; empty = all namespaces. */
  namespaces?: readonly string[];
  /** Server image for resources without spec.image. */
  defaultServerImage: string;
  /** false = run the controller at once (single replica, local development). */
  leaderElection: LeaderElectionOptions | false;
  /** This replica's identity in the Lease; default pod name/hostname plus a random suffix. */
  identity?: string;
  workers?: number;
  resyncPeriodMs?: number;
  /** How long a resource blocked by a ChildConflict waits before the next look (default 60 s). */
  childConflictRecheckMs?: number;
  /** Port for /metrics; undefined = no metrics server; 0 = any free port. */
  metricsPort?: number;
  /** Port for /healthz and /readyz; undefined = no health server; 0 = any free port. */
  healthPort?: number;
  bindAddress?: string;
  /** Register Node process metrics (off in tests that run several operators in one process). */
  processMetrics?: boolean;
  clock?: Clock;
  /** Hears every finished reconcile by resource key (tests, benchmarks). */
  onReconciled?: (key: string, result: 'success' | 'requeue' | 'error') => void;
  /**
   * Verify each server through its Service (MCP handshake + readiness detail). Default false (off, and the status
   * says so): only an operator that can reach the pod network (in the cluster) can verify.
   */
  verification?: VerificationOptions | false;
  /** The operator's own namespace (POD_NAMESPACE in a cluster): each server's NetworkPolicy lets it in. */
  operatorNamespace?: string;
  /** How long an answer of API discovery (are HTTPRoutes / ServiceMonitors served?) is trusted; default 5 min. */
  discoveryTtlMs?: number;
}

export interface RunningOperator {
  readonly identity: string;
  readonly client: KubeClient;
  readonly metrics: OperatorMetrics;
  readonly metricsPort: number | undefined;
  readonly healthPort: number | undefined;
  isLeader(): boolean;
  /** Leading with synced caches, or a healthy standby. */
  isReady(): boolean;
  /** Caches synced and workers running. */
  isActive(): boolean;
  /** Resolves when the operator stopped: 'stopped' after stop(), 'lost-leadership' if renewals failed. */
  readonly done: Promise<'stopped' | 'lost-leadership'>;
  /**
   * Stops the workers (in-flight reconciles finish), the informers, releases the Lease (unless `releaseLease` is
   * false: simulates a crash for tests), closes the servers.
   */
  stop(options?: { releaseLease?: boolean }): Promise<void>;
}

export function defaultIdentity(): string {
  return `${process.env.POD_NAME || hostname()}_${randomBytes(4).toString('hex')}`;
}

export async function startOperator(options: OperatorOptions): Promise<RunningOperator> {
  const clock = options.clock ?? systemClock;
  const identity = options.identity ?? defaultIdentity();
  const { logger } = options;
  const metrics = new OperatorMetrics({ processMetrics: options.processMetrics ?? false });
  const client = new KubeClient(options.kubeConfig);
  client.observe(({ verb, resource, status }) =>
    metrics.kubeRequests.inc({ verb, resource, code: String(status) }),
  );
  const events = new EventRecorder({ client, clock, logger, instance: identity });

  let controller: PlexMcpServerController | undefined;
  let active = false;
  let leading = options.leaderElection === false;
  const makeController = () =>
    new PlexMcpServerController({
      client,
      namespaces: options.namespaces ?? [],
      workers: options.workers ?? 4,
      defaultServerImage: options.defaultServerImage,
      resyncPeriodMs: options.resyncPeriodMs ?? 10 * 60_000,
      childConflictRecheckMs: options.childConflictRecheckMs,
      logger,
      metrics,
      events,
      clock,
      onReconciled: options.onReconciled,
      verification: options.verification ?? false,
      operatorVersion: SERVER_VERSION,
      ...(options.operatorNamespace !== undefined ? { operatorNamespace: options.operatorNamespace } : {}),
      ...(options.discoveryTtlMs !== undefined ? { discoveryTtlMs: options.discoveryTtlMs } : {}),
    });
  const startController = () => {
    controller = makeController();
    const started = controller;
    started
      .start()
      .then(() => {
        if (controller === started) active = true;
      })
      .catch((error) => logger.error({ err: error }, 'Controller failed to start'));
  };
  const stopController = async () => {
    const running = controller;
    controller = undefined;
    active = false;
    await running?.stop();
  };

  let resolveDone: (reason: 'stopped' | 'lost-leadership') => void = () => {};
  const done = new Promise<'stopped' | 'lost-leadership'>((resolve) => {
    resolveDone = resolve;
  });

  const electionStop = new AbortController();
  let election: Promise<void> | undefined;
  let elector: LeaderElector | undefined;
  if (options.leaderElection === false) {
    metrics.isLeader.set(1);
    startController();
  } else {
    const le = options.leaderElection;
    elector = new LeaderElector({
      store: new KubeLeaseStore(client, le.namespace, le.name ?? DEFAULT_LEASE_NAME),
      identity,
      clock,
      leaseDurationMs: le.leaseDurationMs,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      onStartedLeading: () => {
        leading = true;
        metrics.isLeader.set(1);
        logger.info(
          { identity, lease: `${le.namespace}/${le.name ?? DEFAULT_LEASE_NAME}` },
          'Became the leader',
        );
        startController();
      },
      onStoppedLeading: (reason) => {
        leading = false;
        metrics.isLeader.set(0);
        if (reason === 'lost') {
          logger.error({ identity }, 'Lost the leader Lease; stopping the controller');
          void stopController().then(() => resolveDone('lost-leadership'));
        }
      },
      onError: (error) => logger.warn({ err: error }, 'Leader election request failed'),
    });
    logger.info(
      { identity, lease: `${le.namespace}/${le.name ?? DEFAULT_LEASE_NAME}` },
      'Waiting to become the leader',
    );
    election = elector.run(electionStop.signal);
  }

  const isReady = () => (leading ? active : options.leaderElection !== false);
  const servers: ListeningServer[] = [];
  const host = options.bindAddress ?? '0.0.0.0';
  let metricsServer: ListeningServer | undefined;
  let healthServer: ListeningServer | undefined;
  if (options.metricsPort !== undefined) {
    metricsServer = await startMetricsServer(metrics.registry, options.metricsPort, host);
    servers.push(metricsServer);
  }
  if (options.healthPort !== undefined) {
    healthServer = await startHealthServer(
      { ready: () => ({ ready: isReady(), detail: { leader: leading, cachesSynced: active } }) },
      options.healthPort,
      host,
    );
    servers.push(healthServer);
  }

  let stopping: Promise<void> | undefined;
  const stop = (stopOptions: { releaseLease?: boolean } = {}) => {
    if (stopOptions.releaseLease === false) elector?.abandonOnStop();
    stopping ??= (async () => {
      // Workers and informers first, so nothing writes after the Lease is released to the next leader.
      await stopController();
      electionStop.abort();
      await election;
      metrics.isLeader.set(0);
      await Promise.all(servers.map((server) => server.close()));
      resolveDone('stopped');
    })();
    return stopping;
  };

  return {
    identity,
    client,
    metrics,
    metricsPort: metricsServer?.port,
    healthPort: healthServer?.port,
    isLeader: () => leading,
    isReady,
    isActive: () => active,
    done,
    stop,
  };
}
