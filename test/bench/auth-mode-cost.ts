/**
 * What AUTH_MODE=plex costs a process, next to the default: start-up (spawn to the "HTTP server listening" log
 * line) and idle resident memory of the built server, for AUTH_MODE=bearer (the default), oauth and plex, run
 * interleaved so the machine's load hits every mode alike. Medians of RUNS starts each; ratios against bearer
 * measured in the same run. `npm run bench:auth-modes`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { freeLoopbackPort } from '../support/redis-server.ts';
import { processMemory } from './proc-memory.ts';
import { buildServer, repo, shutdownAll } from './server-harness.ts';

const RUNS = Number(process.env.RUNS ?? 7);
const key = randomBytes(32).toString('base64url');

const MODES: Record<string, Record<string, string>> = {
  bearer: {},
  oauth: { AUTH_MODE: 'oauth', MCP_PUBLIC_URL: 'http://127.0.0.1:9/mcp', OAUTH_ISSUER: 'http://127.0.0.1:9' },
  plex: { AUTH_MODE: 'plex', MCP_PUBLIC_URL: 'http://127.0.0.1:9/mcp', PLEX_SIGN_IN_KEY: key },
};

async function once(
  entry: string,
  env: Record<string, string>,
): Promise<{ ms: number; rss: number; anon: number }> {
  const port = await freeLoopbackPort();
  const started = performance.now();
  const child = spawn(process.execPath, [entry], {
    cwd: repo,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      PLEX_SERVER_URL: 'http://127.0.0.1:9',
      PLEX_TOKEN: 'bench-plex-token',
      AUTH_TOKEN: randomBytes(32).toString('base64url'),
      SERVER_PORT: String(port),
      PLEX_EVENTS: 'false',
      CACHE_ENABLED: 'false',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ms = await new Promise<number>((resolve, reject) => {
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      err += c;
      if (err.includes('HTTP server listening')) resolve(performance.now() - started);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  await sleep(500); // start-up garbage settles before the idle sample
  const memory = processMemory(child.pid as number);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return { ms, rss: memory.rssMiB, anon: memory.rssAnonMiB };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const entry = await buildServer();
const samples: Record<string, { ms: number[]; rss: number[]; anon: number[] }> = {};
for (const mode of Object.keys(MODES)) samples[mode] = { ms: [], rss: [], anon: [] };
for (let run = 0; run < RUNS; run++) {
  for (const [mode, env] of Object.entries(MODES)) {
    const r = await once(entry, env);
    const s = samples[mode] as { ms: number[]; rss: number[]; anon: number[] };
    s.ms.push(r.ms);
    s.rss.push(r.rss);
    s.anon.push(r.anon);
  }
}
const base = samples.bearer as { ms: number[]; rss: number[]; anon: number[] };
process.stdout.write(
  `Node ${process.version}, ${RUNS} starts per mode (medians), built server, idle after start\n`,
);
for (const [mode, s] of Object.entries(samples)) {
  const ms = median(s.ms);
  const rss = median(s.rss);
  const anon = median(s.anon);
  process.stdout.write(
    `${mode.padEnd(7)} start ${ms.toFixed(0).padStart(4)} ms (x${(ms / median(base.ms)).toFixed(2)})  RSS ${rss.toFixed(1)} MiB (+${(rss - median(base.rss)).toFixed(1)})  anon ${anon.toFixed(1)} MiB (+${(anon - median(base.anon)).toFixed(1)})\n`,
  );
}
await shutdownAll();
