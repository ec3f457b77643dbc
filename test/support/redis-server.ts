/**
 * Starts a private redis-server for one test file on a free loopback port, so tests can kill and restart it without
 * touching any other Redis on the machine. Persistence is off (`--save '' --appendonly no`): a restart is a cold,
 * empty Redis, exactly like a Redis pod without a volume.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface StartRedisOptions {
  /** Path of the redis-server binary (tests get it from `inject('redisServerBinary')`). */
  binary: string;
  /** 0 or unset = a free port. */
  port?: number;
  /** When set, the server requires it (`--requirepass`). */
  password?: string;
}

export interface RunningRedis {
  /** `redis://127.0.0.1:<port>` (without the password, which tests pass separately). */
  url: string;
  port: number;
  /** Graceful stop (SIGTERM), waits for the process to exit. */
  stop(): Promise<void>;
  /** Hard kill (SIGKILL), as when a Redis pod is OOM-killed; waits for the process to exit. */
  kill(): Promise<void>;
  /** Starts the server again on the same port (after stop/kill; kills it first if it is still running). */
  restart(): Promise<void>;
  /** Whether the process is running right now. */
  running(): boolean;
  /** Freezes the process (SIGSTOP): connections stay open but nothing is answered, like a hung or partitioned Redis. */
  pause(): void;
  /** Lets a paused process continue (SIGCONT). */
  resume(): void;
}

const READY_TIMEOUT_MS = 10_000;

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function startRedisServer(options: StartRedisOptions): Promise<RunningRedis> {
  const port = options.port && options.port > 0 ? options.port : await freeLoopbackPort();
  // Its own working directory so nothing it might write lands in the repository.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plexmcp-redis-'));
  let child: ChildProcess | undefined;

  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    '--dir',
    dir,
    '--loglevel',
    'notice',
  ];
  if (options.password) args.push('--requirepass', options.password);

  async function launch(): Promise<void> {
    const proc = spawn(options.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`redis-server on port ${port} not ready after ${READY_TIMEOUT_MS} ms:\n${output}`));
      }, READY_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`redis-server on port ${port} exited early (${code ?? signal}):\n${output}`));
      });
      proc.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    // Keep draining its output so a full pipe never blocks it.
    proc.stdout?.resume();
    proc.stderr?.resume();
  }

  async function terminate(signal: NodeJS.Signals): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGCONT'); // a paused process would not act on SIGTERM
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
  }

  await launch();

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    kill: () => terminate('SIGKILL'),
    pause: () => {
      child?.kill('SIGSTOP');
    },
    resume: () => {
      child?.kill('SIGCONT');
    },
    async stop() {
      await terminate('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
    async restart() {
      await terminate('SIGKILL');
      await launch();
    },
  };
}
