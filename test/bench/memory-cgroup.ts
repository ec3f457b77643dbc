/**
 * A real memory limit for one benchmarked process, as Kubernetes sets one: a memory cgroup of its own, created as a
 * child of this process's own memory cgroup (so it sits under whatever limit this process already has), given the
 * limit, and removed afterwards. The kernel enforces the limit and counts usage the way the kubelet reads it
 * (memory.usage_in_bytes / memory.current), OOM kills included.
 *
 * Only the child cgroup this module created is ever written to: never this process's own cgroup, never a parent.
 * cgroup v1 (the `memory` controller line of /proc/self/cgroup) and v2 (when the memory controller is already enabled
 * for our subtree; enabling it would mean writing to our own cgroup, which we do not do).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface MemoryCgroup {
  /** Directory of the cgroup. */
  dir: string;
  limitBytes: number;
  /** A command line that joins the cgroup before exec'ing `command` (so the process is charged from its start). */
  wrap(command: string, args: string[]): { command: string; args: string[] };
  usageMiB(): number;
  /** Highest usage the kernel recorded since creation. */
  peakMiB(): number;
  /**
   * Highest kernel memory charged to the cgroup (page tables, socket buffers, slab), which cgroup v1 counts inside
   * the usage the limit applies to; NaN on v2, which keeps no peak of it.
   */
  kernelPeakMiB(): number;
  /** Usage split now: anonymous memory (heap, malloc; what an OOM kill is about) and file pages (reclaimable). */
  split(): { anonMiB: number; fileMiB: number };
  /** Processes the kernel's OOM killer killed inside this cgroup. */
  oomKills(): number;
  /** The cgroup was removed by someone else while in use (its last figures are what the readers return). */
  vanished(): boolean;
  /** Removes the cgroup (its processes must have exited). */
  remove(): void;
}

const PREFIX = 'plex-mcp-bench-';
const MiB = 2 ** 20;

/** Our own memory cgroup's directory and the interface it offers, or a reason why there is none. */
function ownMemoryCgroup(): { dir: string; v1: boolean } | { reason: string } {
  const lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n');
  const v1 = lines.map((l) => l.split(':')).find((f) => f[1]?.split(',').includes('memory'));
  if (v1?.[2] !== undefined) return { dir: path.join('/sys/fs/cgroup/memory', v1[2]), v1: true };
  const v2 = lines.map((l) => l.split(':')).find((f) => f[0] === '0' && f[1] === '');
  if (v2?.[2] !== undefined) {
    const dir = path.join('/sys/fs/cgroup', v2[2]);
    const controllers = existsSync(path.join(dir, 'cgroup.subtree_control'))
      ? readFileSync(path.join(dir, 'cgroup.subtree_control'), 'utf8')
      : '';
    if (controllers.split(/\s+/).includes('memory')) return { dir, v1: false };
    return { reason: `the memory controller is not enabled below ${dir} (cgroup v2)` };
  }
  return { reason: 'no memory cgroup in /proc/self/cgroup' };
}

/** Removes empty cgroups an earlier, interrupted run of this benchmark left under our own cgroup. */
function removeLeftovers(parent: string): void {
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(PREFIX)) continue;
    try {
      rmdirSync(path.join(parent, name));
    } catch {
      // still has processes; leave it
    }
  }
}

export function createMemoryCgroup(name: string, limitBytes: number): MemoryCgroup | { reason: string } {
  const own = ownMemoryCgroup();
  if ('reason' in own) return own;
  try {
    removeLeftovers(own.dir);
    const dir = path.join(own.dir, `${PREFIX}${process.pid}-${name}`);
    mkdirSync(dir); // not recursive: fails rather than adopt a directory this run did not create
    const file = (f: string) => path.join(dir, f);
    // Last value read of each file: should the cgroup disappear under us (something outside this process removes
    // empty cgroups, e.g. after its process was OOM-killed), the figures taken so far are reported, not a crash.
    const lastRead = new Map<string, number>();
    const read = (f: string) => {
      try {
        const value = Number(readFileSync(file(f), 'utf8').trim());
        lastRead.set(f, value);
        return value;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        return lastRead.get(f) ?? Number.NaN;
      }
    };
    if (own.v1) {
      writeFileSync(file('memory.limit_in_bytes'), String(limitBytes));
      // No swap either (a pod's limit covers memory+swap); memsw exists only when swap accounting is on.
      if (existsSync(file('memory.memsw.limit_in_bytes')))
        writeFileSync(file('memory.memsw.limit_in_bytes'), String(limitBytes));
    } else {
      writeFileSync(file('memory.max'), String(limitBytes));
      if (existsSync(file('memory.swap.max'))) writeFileSync(file('memory.swap.max'), '0');
    }
    let lastOomKills = 0;
    const oomKills = () => {
      if (!existsSync(dir)) return lastOomKills;
      const text = readFileSync(file(own.v1 ? 'memory.oom_control' : 'memory.events'), 'utf8');
      lastOomKills = Number(/^oom_kill (\d+)/m.exec(text)?.[1] ?? 0);
      return lastOomKills;
    };
    return {
      dir,
      limitBytes,
      wrap: (command, args) => ({
        command: '/bin/sh',
        // $0 is the cgroup directory; the shell moves itself in, then becomes the command.
        args: ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', dir, command, ...args],
      }),
      usageMiB: () => read(own.v1 ? 'memory.usage_in_bytes' : 'memory.current') / MiB,
      peakMiB: () =>
        read(
          own.v1
            ? 'memory.max_usage_in_bytes'
            : existsSync(file('memory.peak'))
              ? 'memory.peak'
              : 'memory.current',
        ) / MiB,
      kernelPeakMiB: () => (own.v1 ? read('memory.kmem.max_usage_in_bytes') / MiB : Number.NaN),
      split: () => {
        try {
          const stat = readFileSync(file('memory.stat'), 'utf8');
          const field = (name: string) =>
            Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(stat)?.[1] ?? Number.NaN);
          return own.v1
            ? { anonMiB: field('rss') / MiB, fileMiB: field('cache') / MiB }
            : { anonMiB: field('anon') / MiB, fileMiB: field('file') / MiB };
        } catch {
          return { anonMiB: Number.NaN, fileMiB: Number.NaN };
        }
      },
      oomKills,
      vanished: () => !existsSync(dir),
      remove: () => {
        if (existsSync(dir)) rmdirSync(dir);
      },
    };
  } catch (error) {
    return { reason: `cannot create a memory cgroup under ${own.dir}: ${(error as Error).message}` };
  }
}
