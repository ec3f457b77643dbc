/**
 * Runs the server as a real process (`node server/main.ts` or a built `main.js`) and collects everything it writes
 * to stderr, for tests of the binary: configuration errors, HTTP startup, logs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
export const MAIN_TS = path.join(REPO_ROOT, 'server/main.ts');

export interface SpawnedServer {
  child: ChildProcess;
  stderr(): string;
  stdout(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  /** Waits for the 'HTTP server listening' log line and returns the port. */
  listening(timeoutMs?: number): Promise<number>;
  stop(): Promise<number | string>;
}

/** Only what a server needs from the parent environment, so nothing of the developer's leaks into tests. */
export function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
}

export function spawnServer(entry: string, args: string[], env: Record<string, string>): SpawnedServer {
  const child = spawn(process.execPath, [entry, ...args], {
    cwd: REPO_ROOT,
    env: { ...baseEnv(), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    exited,
    async listening(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        for (const line of err.split('\n')) {
          if (!line.includes('HTTP server listening')) continue;
          const port = (JSON.parse(line) as { port?: number }).port;
          if (typeof port === 'number') return port;
        }
        if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`server did not start listening: ${err}`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * An MCP client of the server run as a stdio process (`entry --stdio`, e.g. MAIN_TS or a built main.js) on the
 * Plex at `plex`, as a desktop client starts it.
 */
export async function connectStdioClient(
  entry: string,
  plex: { url: string; token: string },
  options: { name: string; era?: 'legacy' | 'modern'; env?: Record<string, string> },
): Promise<Client> {
  const client = new Client(
    { name: options.name, version: '1.0.0' },
    options.era ? { versionNegotiation: { mode: options.era === 'modern' ? 'auto' : 'legacy' } } : {},
  );
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [entry, '--stdio'],
      cwd: REPO_ROOT,
      env: {
        ...baseEnv(),
        PLEX_SERVER_URL: plex.url,
        PLEX_TOKEN: plex.token,
        LOG_LEVEL: 'warn',
        ...options.env,
      },
      stderr: 'pipe',
    }),
  );
  return client;
}
