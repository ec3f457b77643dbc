// The image's compile cache (issue #18, start-up): V8's compiled code of every module a default server start loads,
// made once when the image is built, so a container's start reads it instead of compiling the bundle again (about
// 20 ms of an HTTP start). It starts the built server over HTTP (until it listens) and over stdio, each shut down
// cleanly (Node writes the cache as it exits), with NODE_COMPILE_CACHE=<dir> and the image's NODE_OPTIONS: V8
// rejects code cached under other flags, so a server started with other heap flags (the operator's for a memory
// limit other than the default) compiles as it would without the cache. No secret goes into it: the tokens here
// are random and unused, and the cache holds compiled code only.
//   node .ci/build/bake-compile-cache.ts <dir>      (run from the repository root, after `npm run build`)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { SERVER_NODE_OPTIONS } from '../../cdk8s/plex-mcp-server/defaults.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const MAIN_JS = path.join(repoRoot, 'dist/server/main.js');
const START_TIMEOUT_MS = 60_000;

/** What a run waits for before it stops the server: it sees the server's stderr so far, and whether it still runs. */
type StopWhen = (stderr: () => string, alive: () => boolean) => Promise<void>;

/** Runs the server until `stop` resolves (then SIGTERM; it must exit 0). */
function run(dir: string, args: string[], stop: StopWhen): Promise<void> {
  const token = () => randomBytes(24).toString('base64url');
  const child = spawn(process.execPath, [MAIN_JS, ...args], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NODE_OPTIONS: SERVER_NODE_OPTIONS,
      NODE_COMPILE_CACHE: dir,
      PLEX_SERVER_URL: 'http://127.0.0.1:9',
      PLEX_TOKEN: token(),
      AUTH_TOKEN: token(),
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server (${args.join(' ') || 'http'}) did not start: ${stderr}`));
    }, START_TIMEOUT_MS);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    if (args.includes('--stdio')) child.stdin.end();
    stop(
      () => stderr,
      () => child.exitCode === null && child.signalCode === null,
    ).then(
      () => child.kill('SIGTERM'),
      (error: unknown) => {
        child.kill('SIGKILL');
        reject(error);
      },
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`the server (${args.join(' ') || 'http'}) exited with ${code}: ${stderr}`));
    });
  });
}

/**
 * Over HTTP: once a request to the port it logged is answered, the start is done (its SIGTERM handler is set, and
 * every module of a start is loaded). Gives up when the server is gone (run() reports how it exited).
 */
async function answered(stderr: () => string, alive: () => boolean): Promise<void> {
  while (alive()) {
    const line = stderr()
      .split('\n')
      .find((l) => l.includes('HTTP server listening'));
    if (line) {
      const { port } = JSON.parse(line) as { port: number };
      await (await fetch(`http://127.0.0.1:${port}/health/live`)).arrayBuffer();
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node .ci/build/bake-compile-cache.ts <dir>\n');
  process.exit(2);
}
await run(dir, [], answered);
// Over stdio, stdin ends at once: the server shuts down as when its client goes away, and exits 0 by itself.
await run(dir, ['--stdio'], () => new Promise(() => undefined));
const entries = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
if (entries.length === 0) throw new Error(`no compile cache was written to ${dir}`);
process.stdout.write(`compile cache: ${entries.length} modules in ${dir}\n`);
