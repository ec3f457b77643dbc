// The operator process of `npm run bench:operator` with probing on (from the production build in dist/bench-build,
// as main.js runs it: leader election, workers, metrics and health ports, verification with its default interval,
// concurrency, rate and timeout). One difference: kwok's pods have no network, so every endpoint the verifier picks
// is mapped to the one real server process the bench runs, as the cluster tests map theirs (BENCH_SERVER_URL: the
// bench's token proxy in front of it, test/bench/token-proxy.ts).
// Environment: KUBECONFIG, BENCH_SERVER_URL, BENCH_METRICS_PORT, BENCH_HEALTH_PORT, BENCH_WORKERS and
// BENCH_VERIFY_CONCURRENCY (optional: --workers, --verify-concurrency).
import { parseOperatorFlags } from '../../dist/bench-build/operator/config/operator-flags.js';
import { registerLeanClientNode } from '../../dist/bench-build/operator/runtime/client-node-lean/register.js';
import { createLogger } from '../../dist/bench-build/server/observability/logger.js';

// As main.js does: client-node loaded through the lean hook, so before anything imports it.
registerLeanClientNode();
const { KubeConfig } = await import('../../dist/bench-build/operator/runtime/client-node.js');
const { startOperator } = await import('../../dist/bench-build/operator/manager.js');

const serverUrl = process.env.BENCH_SERVER_URL;
if (!serverUrl) throw new Error('BENCH_SERVER_URL is not set');
// The operator's own defaults for everything the bench does not set.
const parsed = parseOperatorFlags(
  [
    `--metrics-port=${process.env.BENCH_METRICS_PORT}`,
    `--health-port=${process.env.BENCH_HEALTH_PORT}`,
    ...(process.env.BENCH_WORKERS ? [`--workers=${process.env.BENCH_WORKERS}`] : []),
    ...(process.env.BENCH_VERIFY_CONCURRENCY
      ? [`--verify-concurrency=${process.env.BENCH_VERIFY_CONCURRENCY}`]
      : []),
  ],
  {},
);
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const { flags } = parsed;
const kubeConfig = new KubeConfig();
kubeConfig.loadFromDefault();
const operator = await startOperator({
  kubeConfig,
  logger: createLogger({ level: 'warn', secrets: [], service: 'plex-mcp-operator' }),
  defaultServerImage: 'plex-mcp:bench',
  leaderElection: { namespace: 'default' },
  workers: flags.workers,
  metricsPort: flags.metricsPort,
  healthPort: flags.healthPort,
  processMetrics: true,
  verification: {
    intervalMs: flags.verifyIntervalSeconds * 1000,
    concurrency: flags.verifyConcurrency,
    timeoutMs: flags.verifyTimeoutSeconds * 1000,
    endpointOverride: () => serverUrl,
  },
});
process.once('SIGTERM', () => {
  operator.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
