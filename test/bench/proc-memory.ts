/** Resource use of another process, from /proc (Linux): resident memory and CPU time. */
import { readFileSync } from 'node:fs';

export interface ProcessMemory {
  rssMiB: number;
  /** Peak resident memory since the process started (VmHWM). */
  peakRssMiB: number;
  /**
   * Anonymous resident memory (heap, stacks, buffers): what a container memory limit really has to hold. The rest
   * of RSS is file-backed (mostly the ~120 MB node binary's pages), which the kernel can drop under pressure.
   */
  rssAnonMiB: number;
  rssFileMiB: number;
}

export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return {
    rssMiB: kib('VmRSS') / 1024,
    peakRssMiB: kib('VmHWM') / 1024,
    rssAnonMiB: kib('RssAnon') / 1024,
    rssFileMiB: kib('RssFile') / 1024,
  };
}

/** User + system CPU seconds the process has used so far. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  return ticks / 100; // USER_HZ is 100 on Linux
}

/**
 * CPU time the process's main thread (where start-up runs) has used so far in ms, from the scheduler's own count
 * (/proc/<pid>/schedstat, nanoseconds): finer than /proc/<pid>/stat's 10 ms ticks, so one start-up can be read.
 */
export function processCpuMs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
}
