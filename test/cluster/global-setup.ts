/**
 * vitest globalSetup of the `cluster` project: one Kubernetes control plane for the whole run.
 *
 * - TEST_KUBECONFIG set: use that cluster (kind, a cluster:up plane, anything) and start nothing.
 * - Otherwise: start our own plane (control-plane.ts) in a temp dir and stop it after the run.
 * Tests get the kubeconfig path through `inject('kubeconfig')` and `process.env.KUBECONFIG_FOR_TESTS`
 * (test-kube.ts wraps both).
 *
 * Missing binaries fail the run loudly, naming build.sh: the operator's proofs need a real API server, and a silently
 * skipped proof is worse than none. SKIP_CLUSTER_TESTS=1 is the explicit opt-out: kubeconfig is then '' and the
 * cluster suites skip (they use `describe.skipIf(!inject('kubeconfig'))`), with a visible notice.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { MissingBinariesError } from './binaries.ts';
import { startControlPlane } from './control-plane.ts';
import { killRecordedProcessesSync } from './processes.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute path of an admin kubeconfig; '' only when SKIP_CLUSTER_TESTS=1 (the suites then skip). */
    kubeconfig: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.SKIP_CLUSTER_TESTS === '1') {
    console.warn('\n*** SKIP_CLUSTER_TESTS=1: the Kubernetes cluster tests are SKIPPED, not passed. ***\n');
    project.provide('kubeconfig', '');
    process.env.KUBECONFIG_FOR_TESTS = '';
    return undefined;
  }

  const external = process.env.TEST_KUBECONFIG;
  if (external) {
    const file = path.resolve(external);
    if (!existsSync(file)) throw new Error(`TEST_KUBECONFIG=${external} does not exist`);
    console.log(`cluster tests use TEST_KUBECONFIG=${file}`);
    project.provide('kubeconfig', file);
    process.env.KUBECONFIG_FOR_TESTS = file;
    return undefined;
  }

  let plane: Awaited<ReturnType<typeof startControlPlane>>;
  try {
    plane = await startControlPlane({ nodes: 2 });
  } catch (error) {
    if (error instanceof MissingBinariesError) {
      throw new Error(`${error.message} Or set SKIP_CLUSTER_TESTS=1 to skip the cluster tests explicitly.`);
    }
    throw error;
  }
  console.log(`control plane ready in ${(plane.readyInMs / 1000).toFixed(1)} s at ${plane.server}`);
  project.provide('kubeconfig', plane.kubeconfigPath);
  process.env.KUBECONFIG_FOR_TESTS = plane.kubeconfigPath;
  // If the runner exits without calling the teardown (interrupted, crashed), do not leave the plane running.
  const killOnExit = () => {
    killRecordedProcessesSync(plane.processes);
    if (process.env.PLEX_MCP_KEEP_CLUSTER_STATE !== '1')
      rmSync(plane.stateDir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  return async () => {
    process.off('exit', killOnExit);
    await plane.stop();
  };
}
