/**
 * The starter's own promises (issue #4): `cluster:up` leaves a usable plane running after the command exits, with
 * the PIDs recorded; `cluster:down` stops exactly those PIDs and removes the state; a stop never signals a PID that
 * now belongs to some other process. Runs its own plane in a temp dir (PLEX_MCP_CLUSTER_DIR), so it neither needs
 * nor touches the shared test cluster or a developer's .cluster/.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { readControlPlaneState, stopControlPlaneInDir } from '../../cluster/control-plane.ts';
import { isRunning, type ProcessRecord, processStartTime, stopProcess } from '../../cluster/processes.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cli = path.join(repoRoot, 'test/cluster/cli.ts');

describe('stopProcess', () => {
  it('never signals a PID whose start time differs from the record (PID reuse), and stops a matching one', async () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    const pid = child.pid;
    if (pid === undefined) throw new Error('could not spawn sleep');
    const startTime = processStartTime(pid);
    expect(startTime).toBeDefined();
    const base: ProcessRecord = {
      name: 'sleep',
      pid,
      startTime: String(startTime),
      binary: 'sleep',
      logFile: '',
    };
    try {
      await stopProcess({ ...base, startTime: `${startTime}0` });
      expect(processStartTime(pid)).toBe(startTime);

      await stopProcess(base);
      expect(isRunning(base)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

// Starting a second plane needs the binaries; SKIP_CLUSTER_TESTS=1 skips this like every other cluster suite.
describe.skipIf(!inject('kubeconfig'))('npm run cluster:up / cluster:down', () => {
  let stateDir = '';

  afterAll(async () => {
    // Safety net if an assertion failed between up and down: stop only what this test's up recorded.
    if (stateDir && existsSync(stateDir)) await stopControlPlaneInDir(stateDir);
  });

  it('starts a detached plane with recorded PIDs and an admin kubeconfig, and down stops exactly those', async () => {
    stateDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'plex-mcp-cli-test-')), 'cluster');
    const env = { ...process.env, PLEX_MCP_CLUSTER_DIR: stateDir };

    const up = await run(process.execPath, [cli, 'up'], { env, cwd: repoRoot, timeout: 150_000 });
    expect(up.stdout).toContain(`export KUBECONFIG=${path.join(stateDir, 'kubeconfig')}`);

    // The CLI has exited; the components must still be running, each recorded with its PID.
    const state = await readControlPlaneState(stateDir);
    expect(state?.processes.map((p) => p.name).sort()).toEqual(
      ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'].sort(),
    );
    for (const p of state?.processes ?? []) expect(isRunning(p), `${p.name} running`).toBe(true);
    for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']) {
      expect(existsSync(path.join(stateDir, 'logs', `${name}.log`)), `${name}.log`).toBe(true);
    }

    const kc = new KubeConfig();
    kc.loadFromFile(path.join(stateDir, 'kubeconfig'));
    const nodes = (await kc.makeApiClient(CoreV1Api).listNode()).items;
    const ready = nodes.filter((n) =>
      n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    expect(ready.map((n) => n.metadata?.name).sort()).toEqual(['kwok-node-0', 'kwok-node-1']);

    // A second `up` on a running plane must not start another one.
    const again = await run(process.execPath, [cli, 'up'], { env, cwd: repoRoot, timeout: 30_000 });
    expect(again.stdout).toContain('already running');
    expect((await readControlPlaneState(stateDir))?.processes.map((p) => p.pid)).toEqual(
      state?.processes.map((p) => p.pid),
    );

    const down = await run(process.execPath, [cli, 'down'], { env, cwd: repoRoot, timeout: 60_000 });
    expect(down.stdout).toContain('Stopped 5 control-plane process(es)');
    for (const p of state?.processes ?? []) expect(isRunning(p), `${p.name} stopped`).toBe(false);
    expect(existsSync(stateDir)).toBe(false);
    await rm(path.dirname(stateDir), { recursive: true, force: true });
  });
});
