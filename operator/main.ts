#!/usr/bin/env node
// plex-mcp-operator: reconciles PlexMcpServer resources. In a cluster it uses the pod's service account and
// leader election; locally (`npm run operator`) it uses KUBECONFIG / ~/.kube/config and runs at once.
import { createLogger } from '../server/observability/logger.ts';
import { applyV8Flag } from '../server/startup/v8-flag.ts';
import { noMaglevFlag } from './config/no-maglev.ts';
import { OPERATOR_USAGE, parseOperatorFlags, wantsHelp } from './config/operator-flags.ts';
import { registerLeanClientNode } from './runtime/client-node-lean/register.ts';

applyV8Flag(noMaglevFlag);
// Before anything imports @kubernetes/client-node: the modules below are imported dynamically for that reason.
registerLeanClientNode();
const { KubeConfig } = await import('./runtime/client-node.ts');
const { startOperator } = await import('./manager.ts');

const SHUTDOWN_TIMEOUT_MS = 25_000;

async function main(): Promise<void> {
  if (wantsHelp(process.argv.slice(2))) {
    process.stdout.write(OPERATOR_USAGE);
    return;
  }
  const parsed = parseOperatorFlags(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    for (const error of parsed.errors) process.stderr.write(`plex-mcp-operator: ${error}\n`);
    process.exit(2);
  }
  const { flags } = parsed;
  // The one logger factory and redaction list (the server's); the operator knows no secret values, only fields.
  const logger = createLogger({ level: flags.logLevel, secrets: [], service: 'plex-mcp-operator' });

  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const inCluster = Boolean(process.env.KUBERNETES_SERVICE_HOST) && !process.env.KUBECONFIG;
  const leaderElect = flags.leaderElect ?? inCluster;
  // Verifying means reaching the pods' addresses: in a cluster, yes; from a laptop, not (the status then says so).
  const verifyServers = flags.verifyServers ?? inCluster;
  const leaseNamespace =
    flags.leaderElectionNamespace ??
    kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ??
    'default';

  const operator = await startOperator({
    kubeConfig,
    logger,
    namespaces: flags.namespaces,
    defaultServerImage: flags.serverImage,
    leaderElection: leaderElect ? { namespace: leaseNamespace } : false,
    workers: flags.workers,
    metricsPort: flags.metricsPort,
    healthPort: flags.healthPort,
    processMetrics: true,
    // In a cluster the Deployment sets POD_NAMESPACE: the servers' NetworkPolicies let that namespace in.
    ...(process.env.POD_NAMESPACE ? { operatorNamespace: process.env.POD_NAMESPACE } : {}),
    verification: verifyServers
      ? {
          intervalMs: flags.verifyIntervalSeconds * 1000,
          concurrency: flags.verifyConcurrency,
          timeoutMs: flags.verifyTimeoutSeconds * 1000,
        }
      : false,
  });
  logger.info(
    {
      identity: operator.identity,
      namespaces: flags.namespaces.length > 0 ? flags.namespaces : 'all',
      leaderElection: leaderElect,
      verifyServers,
      metricsPort: operator.metricsPort,
      healthPort: operator.healthPort,
      server: kubeConfig.getCurrentCluster()?.server,
    },
    'plex-mcp-operator started',
  );

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'Shutting down');
    // A hung API call must not keep the pod in Terminating forever.
    setTimeout(() => {
      logger.error('Shutdown timed out');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    operator.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  // Lost the Lease without being asked to stop: exit non-zero so the pod restarts with clean state.
  if ((await operator.done) === 'lost-leadership') process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`plex-mcp-operator: ${(error as Error).message}\n`);
  process.exit(1);
});
