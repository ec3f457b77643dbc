// Rootful podman as these machines need it (../shared/container/NOTES.md): runc with the cgroupfs manager (crun 1.8
// refuses cgroup v1 hybrid hosts), ulimits no higher than the host's hard limits (no CAP_SYS_RESOURCE here), and every
// container under the memory cgroup of the process that started it, so a CI job's limits and accounting cover them.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Podman {
  /** Runs podman; throws with its stderr on failure. */
  run(args: string[], options?: { input?: string; timeoutMs?: number }): string;
  /** Runs podman and returns status and output without throwing. */
  tryRun(args: string[]): { status: number; stdout: string; stderr: string };
  /** The cgroup path (memory controller) every container is created under. */
  cgroupParent: string;
  env: NodeJS.ProcessEnv;
}

/** Our memory cgroup, from /proc/self/cgroup (v1 `N:memory:/path`, else the v2 `0::/path`). */
export function ownCgroup(): string {
  const lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n');
  const memory =
    lines.find((l) => /^\d+:([^:]*,)?memory(,[^:]*)?:/.test(l)) ?? lines.find((l) => l.startsWith('0::'));
  if (!memory) throw new Error('cannot find our cgroup in /proc/self/cgroup');
  return memory.slice(memory.indexOf(':', memory.indexOf(':') + 1) + 1);
}

function hardLimit(flag: '-Hn' | '-Hu'): number {
  const printed = execFileSync('bash', ['-c', `ulimit ${flag}`], { encoding: 'utf8' }).trim();
  return printed === 'unlimited' ? 1_048_576 : Number(printed);
}

export function createPodman(stateDir: string): Podman {
  mkdirSync(stateDir, { recursive: true });
  const nofile = Math.min(hardLimit('-Hn'), 65_536);
  const nproc = Math.min(hardLimit('-Hu'), 4_096);
  const conf = path.join(stateDir, 'containers.conf');
  writeFileSync(
    conf,
    [
      '[containers]',
      `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]`,
      '[engine]',
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, CONTAINERS_CONF: conf };
  const cgroupParent = ownCgroup();
  return {
    cgroupParent,
    env,
    run(args, options = {}) {
      const result = spawnSync('podman', args, {
        env,
        encoding: 'utf8',
        input: options.input,
        timeout: options.timeoutMs ?? 600_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      if (result.status !== 0) {
        const tail = `${result.stderr ?? ''}${result.error ? ` ${result.error.message}` : ''}`
          .trim()
          .split('\n');
        throw new Error(
          `podman ${args.slice(0, 3).join(' ')} … failed (${result.status}): ${tail.slice(-12).join('\n')}`,
        );
      }
      return result.stdout;
    },
    tryRun(args) {
      const result = spawnSync('podman', args, { env, encoding: 'utf8' });
      return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
    },
  };
}

/** Whether a process id is alive (a run's prefix carries its pid, so leftovers of dead runs can be told apart). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
