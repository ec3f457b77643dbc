// `npm run demo -- <args>` as a child process for the demo tests: started, read until it says how to stop it,
// and stopped (SIGTERM) afterwards.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');

export interface DemoProcess {
  child: ChildProcess;
  /** Everything printed on stdout once the demo was ready (or gave up). */
  out: string;
  err(): string;
  stop(): Promise<void>;
}

export async function startDemo(args: string[], timeoutMs = 60_000): Promise<DemoProcess> {
  const child = spawn(process.execPath, ['test/plex-sim/demo.ts', ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  const deadline = Date.now() + timeoutMs;
  while (!out.includes('Press Ctrl-C') && Date.now() < deadline && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    out,
    err: () => err,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
