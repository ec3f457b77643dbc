// The demo (`npm run demo`, test/plex-sim/demo.ts) as a child process for the demo tests: spawned, its output
// collected until it is ready (or exits, or the time is up), and stopped with SIGTERM afterwards. One place for the
// spawn/collect/poll loop every demo test needs.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface DemoProcess {
  child: ChildProcess;
  /** Everything printed on stdout once the demo was ready (or gave up). */
  out: string;
  err(): string;
  stop(): Promise<void>;
}

export interface SpawnDemoOptions {
  /** The whole environment of the child (nothing else is inherited). */
  env: NodeJS.ProcessEnv;
  /** Stdout shows the demo is ready. */
  ready: (out: string) => boolean;
  timeoutMs: number;
  /**
   * Own process group: for `npm run demo`, whose npm, bootstrap and demo processes must all be stopped together.
   */
  detached?: boolean;
}

/** Starts `command` in the repository root and waits until `ready`, an exit, or the timeout. */
export async function spawnDemo(
  command: string,
  args: string[],
  options: SpawnDemoOptions,
): Promise<DemoProcess> {
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  const deadline = Date.now() + options.timeoutMs;
  while (!options.ready(out) && Date.now() < deadline && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    out,
    err: () => err,
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise((r) => child.once('exit', r));
      if (options.detached) process.kill(-child.pid, 'SIGTERM');
      else child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `node test/plex-sim/demo.ts <args>` with this process's Node, ready once it says how to stop it. */
export function startDemo(args: string[], timeoutMs = 60_000): Promise<DemoProcess> {
  return spawnDemo(process.execPath, ['test/plex-sim/demo.ts', ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    ready: (out) => out.includes('Press Ctrl-C'),
    timeoutMs,
  });
}
