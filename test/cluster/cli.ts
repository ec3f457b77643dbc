/**
 * `npm run cluster:up` / `npm run cluster:down`: the test control plane for humans. State, logs and the admin
 * kubeconfig live in `.cluster/` at the repo root (git-ignored); the component processes keep running after this
 * command exits, and `down` stops exactly the PIDs recorded by `up`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingBinariesError } from './binaries.ts';
import { readControlPlaneState, startControlPlane, stopControlPlaneInDir } from './control-plane.ts';
import { isRunning } from './processes.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// PLEX_MCP_CLUSTER_DIR lets a test drive the CLI without touching a developer's own .cluster/.
const stateDir = path.resolve(process.env.PLEX_MCP_CLUSTER_DIR || path.join(repoRoot, '.cluster'));

async function up(): Promise<void> {
  const existing = await readControlPlaneState(stateDir).catch(() => undefined);
  if (existing?.processes.some(isRunning)) {
    console.log(`A control plane is already running (${existing.server}).`);
    console.log(`  export KUBECONFIG=${existing.kubeconfigPath}`);
    console.log('Stop it with: npm run cluster:down');
    return;
  }
  const plane = await startControlPlane({ stateDir, nodes: 2 });
  const relKubeconfig = path.relative(process.cwd(), plane.kubeconfigPath) || plane.kubeconfigPath;
  console.log(
    `Kubernetes control plane ready in ${(plane.readyInMs / 1000).toFixed(1)} s at ${plane.server}`,
  );
  if (plane.thirdPartyCrds.length > 0) console.log(`CRDs installed: ${plane.thirdPartyCrds.join(', ')}`);
  console.log('');
  console.log(`  export KUBECONFIG=${plane.kubeconfigPath}`);
  console.log('  kubectl get nodes            # two kwok nodes, Ready');
  console.log(`  TEST_KUBECONFIG=${relKubeconfig} npm run test:cluster   # reuse it for the cluster tests`);
  console.log('');
  console.log(`Logs: ${path.join(plane.stateDir, 'logs')}/<component>.log`);
  for (const p of plane.processes) console.log(`  ${p.name.padEnd(24)} pid ${p.pid}`);
  console.log('Stop it with: npm run cluster:down');
}

async function down(): Promise<void> {
  const state = await readControlPlaneState(stateDir).catch((error: unknown) => {
    console.error(`ignoring unreadable ${stateDir}: ${String(error)}`);
    return undefined;
  });
  if (!state) {
    console.log(`No control plane recorded in ${stateDir}; nothing to stop.`);
    return;
  }
  const { stopped } = await stopControlPlaneInDir(stateDir);
  console.log(`Stopped ${stopped} control-plane process(es); removed ${stateDir}.`);
}

const command = process.argv[2];
try {
  if (command === 'up') await up();
  else if (command === 'down') await down();
  else {
    console.error('usage: node test/cluster/cli.ts up|down');
    process.exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof MissingBinariesError ? error.message : error);
  process.exitCode = 1;
}
