/**
 * Starting and stopping the control plane's component processes, by PID, safely.
 *
 * Each component runs in its own process group with stdout/stderr going to `<name>.log`, so it survives the
 * starter exiting (`npm run cluster:up`) and never writes into the test output. A stop may come from another
 * process (`npm run cluster:down`) long after the start, so a record keeps the PID *and* the kernel's start time
 * of that PID: a PID that was reused by an unrelated process is never signalled.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';

export const ProcessRecordSchema = z.object({
  name: z.string(),
  pid: z.number().int().positive(),
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot): identifies this PID's incarnation. */
  startTime: z.string(),
  binary: z.string(),
  logFile: z.string(),
});
export type ProcessRecord = z.infer<typeof ProcessRecordSchema>;

/** Start time of a live process, or undefined if none (or only a zombie) holds that PID. */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may contain spaces: parse after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0]; // field 3
  if (state === 'Z' || state === 'X') return undefined;
  return fields[19]; // field 22
}

export function isRunning(record: ProcessRecord): boolean {
  return processStartTime(record.pid) === record.startTime;
}

export function startProcess(options: {
  name: string;
  binary: string;
  args: string[];
  logDir: string;
  env?: NodeJS.ProcessEnv;
}): ProcessRecord {
  const logFile = path.join(options.logDir, `${options.name}.log`);
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(options.binary, options.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: options.env ?? process.env,
      cwd: options.logDir,
    });
    if (child.pid === undefined) throw new Error(`could not start ${options.name} (${options.binary})`);
    // A crash is noticed by the readiness checks (and shown from the log), not by this handle.
    child.on('error', () => {});
    child.unref();
    const startTime = processStartTime(child.pid);
    if (startTime === undefined) {
      throw new Error(`${options.name} exited immediately; see ${logFile}:\n${tailOfFileSync(logFile)}`);
    }
    return { name: options.name, pid: child.pid, startTime, binary: options.binary, logFile };
  } finally {
    closeSync(fd);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. Never touches a reused PID. */
export async function stopProcess(record: ProcessRecord, graceMs = 5_000): Promise<void> {
  if (!isRunning(record)) return;
  try {
    process.kill(record.pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isRunning(record)) {
    if (Date.now() > deadline) {
      try {
        process.kill(record.pid, 'SIGKILL');
      } catch {
        return;
      }
      // SIGKILL cannot be ignored; wait briefly for the kernel (and our SIGCHLD reaper) to finish it.
      const killDeadline = Date.now() + 5_000;
      while (isRunning(record) && Date.now() < killDeadline) await sleep(50);
      return;
    }
    await sleep(50);
  }
}

export function tailOfFileSync(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function tailOfFile(file: string, lines = 25): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Last-resort cleanup for a starter that is exiting without running its async stop (e.g. the test runner was
 * interrupted): SIGKILL every recorded process that is still the one we started. Synchronous, for 'exit' handlers.
 */
export function killRecordedProcessesSync(records: ProcessRecord[]): void {
  for (const record of records) {
    if (!isRunning(record)) continue;
    try {
      process.kill(record.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
