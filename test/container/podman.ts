// Rootful podman as these machines need it (../shared/container/NOTES.md): runc with the cgroupfs manager (crun 1.8
// refuses cgroup v1 hybrid hosts), ulimits no higher than the host's hard limits (no CAP_SYS_RESOURCE here), and every
// container under the memory cgroup of the process that started it, so a CI job's limits and accounting cover them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Podman {
  /** Removes the cgroup directories podman created for this run (only empty ones that did not exist before). */
  releaseCgroups(): void;
  /** Runs podman; throws with its stderr on failure. */
  run(args: string[], options?: { input?: string; timeoutMs?: number }): string;
  /** Runs podman and returns status and output without throwing. */
  tryRun(args: string[]): { status: number; stdout: string; stderr: string };
  /**
   * The cgroup every container and build of this run is created under: a new leaf under ours, never ours itself
   * (`podman build --cgroup-parent` runs its steps in that very cgroup and would set their limits on it).
   */
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

/** Every cgroup hierarchy mounted under /sys/fs/cgroup (v1 controllers, a v2 `unified` mount, or v2 alone). */
function cgroupMounts(): string[] {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => (f[2] === 'cgroup' || f[2] === 'cgroup2') && f[1]?.startsWith('/sys/fs/cgroup'))
    .map((f) => f[1] as string);
  return mounts;
}

/** The directories of `leaf` and its ancestors, per hierarchy, that do not exist yet (podman will create them). */
function missingCgroupDirs(leaf: string): string[] {
  const parts = leaf.split('/').filter(Boolean);
  const dirs: string[] = [];
  for (const mount of cgroupMounts()) {
    for (let i = 1; i <= parts.length; i++) {
      const dir = path.join(mount, ...parts.slice(0, i));
      if (!existsSync(dir)) dirs.push(dir);
    }
  }
  return dirs;
}

export function createPodman(stateDir: string, runName: string): Podman {
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
  const cgroupParent = `${ownCgroup().replace(/\/$/, '')}/${runName}`;
  const created = missingCgroupDirs(cgroupParent);
  return {
    cgroupParent,
    env,
    releaseCgroups() {
      // Deepest first; a directory with tasks or children left is kept (rmdir refuses), never forced.
      for (const dir of [...created].sort((a, b) => b.length - a.length)) {
        removeCgroupTree(dir);
      }
    },
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

/** rmdir of a cgroup directory and the empty child cgroups podman left in it (a cgroup is removed with rmdir). */
export function removeCgroupTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeCgroupTree(path.join(dir, entry.name));
  }
  try {
    rmdirSync(dir);
  } catch {
    // still in use (a process left in it): keep it rather than fight the kernel
  }
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
