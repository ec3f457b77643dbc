// Prometheus metrics of the operator, named like controller-runtime's so existing dashboards read them. A registry
// per operator instance (not prom-client's global one) so tests can run several operators in one process.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export class OperatorMetrics {
  readonly registry = new Registry();
  readonly reconcileTotal: Counter<'result'>;
  readonly reconcileDuration: Histogram;
  readonly workqueueDepth: Gauge;
  readonly workqueueRetries: Counter;
  readonly kubeRequests: Counter<'verb' | 'resource' | 'code'>;
  readonly informerRestarts: Counter<'kind'>;
  readonly isLeader: Gauge;
  readonly serverVerifications: Counter;
  readonly serverVerificationRequests: Counter;

  constructor(options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.reconcileTotal = new Counter({
      name: 'reconcile_total',
      help: 'Reconciles of PlexMcpServers by result (success, error, requeue).',
      labelNames: ['result'],
      registers,
    });
    this.reconcileDuration = new Histogram({
      name: 'reconcile_duration_seconds',
      help: 'Time one reconcile of a PlexMcpServer took.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.workqueueDepth = new Gauge({
      name: 'workqueue_depth',
      help: 'Keys waiting in the work queue.',
      registers,
    });
    this.workqueueRetries = new Counter({
      name: 'workqueue_retries_total',
      help: 'Keys requeued with backoff after a failed reconcile.',
      registers,
    });
    this.kubeRequests = new Counter({
      name: 'kube_api_requests_total',
      help: 'Requests the operator made to the Kubernetes API, by verb, resource and HTTP status (0 = no answer).',
      labelNames: ['verb', 'resource', 'code'],
      registers,
    });
    this.informerRestarts = new Counter({
      name: 'informer_restarts_total',
      help: 'Informers restarted after a list or watch error.',
      labelNames: ['kind'],
      registers,
    });
    this.isLeader = new Gauge({
      name: 'leader_election_master_status',
      help: '1 while this replica holds the leader Lease (or runs without leader election), else 0.',
      registers,
    });
    this.serverVerifications = new Counter({
      name: 'server_verifications_total',
      help: 'Verifications of PlexMcpServers (an MCP handshake plus /health/ready, about 3 HTTP requests each).',
      registers,
    });
    this.serverVerificationRequests = new Counter({
      name: 'server_verification_requests_total',
      help: 'HTTP requests the verifications sent to the servers (the probe load the operator puts on them).',
      registers,
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Write requests so far (POST, PUT, PATCH, DELETE), optionally excluding some resources (e.g. leases). */
  async writeRequests(excludeResources: readonly string[] = []): Promise<number> {
    const metric = await this.kubeRequests.get();
    return metric.values
      .filter((v) => v.labels.verb !== 'GET' && !excludeResources.includes(String(v.labels.resource)))
      .reduce((sum, v) => sum + v.value, 0);
  }
}
