/**
 * `npm run bench:server`: how fast the MCP server answers tools/call over HTTP, against the ceiling of a bare Node
 * http server measured in the same run on the same machine.
 *
 * Processes: the Plex simulator, the MCP server (memory cache), the MCP server with CACHE_ENABLED=false, the bare
 * baseline server and, when redis-server is installed, the MCP server on Redis: each in its own process, so RSS is
 * the server's own. This process only generates load (closed loop, N keep-alive clients, 2026-07-28 JSON answers).
 *
 * Scenarios: cached = search_media and get_media_details alternating over 20 warmed argument sets; uncached = the
 * same calls with the cache off (every call reaches the simulator); coalescing = 100 concurrent identical cold
 * search_media calls, counting the simulator's /hubs/search requests.
 *
 * The server is the production build (`tsc -p tsconfig.build.json` into a private dir under .vitest-cache/, then
 * `node server/main.js`, as `npm start` runs it); BENCH_SOURCE=1 runs server/main.ts from source instead (Node's type
 * stripping adds memory, so RSS from source is not what a container sees).
 *
 * Environment: BENCH_CONCURRENCY (50), BENCH_SECONDS (8), BENCH_WARMUP_SECONDS (2), BENCH_ITEMS (2000),
 * BENCH_REDIS (auto: when redis-server is found; 0 to skip), BENCH_SOURCE (0).
 * Last line: {"cached_rps","ceiling_rps","ratio","p50_ms","p99_ms","uncached_rps","rss_mib","coalesced_plex_requests"}.
 */
import { type ChildProcess, execFile, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ADJECTIVES } from '../plex-sim/words.ts';
import { findRedisServer } from '../support/redis-global-setup.ts';
import { freeLoopbackPort, startRedisServer } from '../support/redis-server.ts';
import { type LoadResult, runLoad } from './http-load.ts';
import { processCpuSeconds, processMemory } from './proc-memory.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 2000);
const COALESCE_CALLS = 100;
const PROTOCOL = '2026-07-28';
const CAPPED_NODE_OPTIONS =
  process.env.BENCH_CAPPED_NODE_OPTIONS ?? '--max-old-space-size=48 --max-semi-space-size=4';

const plexToken = randomBytes(18).toString('base64url');
const authToken = randomBytes(32).toString('base64url');
const children: ChildProcess[] = [];

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function forkChild<T>(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; message: T }> {
  const child = fork(path.join(here, script), args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(child);
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`${script} exited with ${code} before it was ready`);
    }),
  ])) as [T];
  return { child, message };
}

/** The simulator's CLI in its own process (it must not share this process's event loop with the load generator). */
async function startSimulator(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freeLoopbackPort();
  const child = fork(
    path.join(repo, 'test/plex-sim/main.ts'),
    // `--token=<t>`: a random token may start with '-', which parseArgs would take for an option.
    ['--port', String(port), `--token=${plexToken}`, '--items', String(ITEMS)],
    {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  children.push(child);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`plex simulator exited with ${code}: ${out}`)));
  });
  child.stdout?.resume();
  return { url: `http://127.0.0.1:${port}`, child };
}

/** Compiles the server as `npm run build` does, into a private directory (other builds may run in parallel). */
async function buildServer(): Promise<string> {
  const outDir = path.join(repo, '.vitest-cache', `bench-dist-${process.pid}`);
  await mkdir(outDir, { recursive: true });
  cleanups.push(() => rm(outDir, { recursive: true, force: true }));
  const tsc = path.join(repo, 'node_modules/typescript/bin/tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], {
      cwd: repo,
    });
  } catch (error) {
    // tsc emits despite type errors elsewhere (operator/, cdk8s/ may be mid-change); only server/ errors matter.
    const output = String((error as { stdout?: string }).stdout ?? error);
    const serverErrors = output.split('\n').filter((line) => line.startsWith('server/'));
    if (serverErrors.length > 0) throw new Error(`server/ does not compile:\n${serverErrors.join('\n')}`);
  }
  await copyFile(path.join(repo, 'package.json'), path.join(outDir, 'package.json'));
  return path.join(outDir, 'server', 'main.js');
}

let serverEntry = path.join(repo, 'server', 'main.ts');
const cleanups: Array<() => Promise<void>> = [];

/** Runs the server binary in its own process and waits until /health/live answers. */
async function startMcpServer(plexUrl: string, env: Record<string, string>) {
  const port = await freeLoopbackPort();
  const { NODE_OPTIONS: nodeOptions, ...rest } = env;
  const child = spawn(process.execPath, [serverEntry], {
    cwd: repo,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
      PLEX_SERVER_URL: plexUrl,
      PLEX_TOKEN: plexToken,
      AUTH_TOKEN: authToken,
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: String(port),
      LOG_LEVEL: 'warn',
      ...rest,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready`);
    const live = await fetch(`${base}/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (live) break;
    if (Date.now() > deadline) throw new Error('server not live after 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, message: { url: `${base}/mcp` } };
}

function stopServer(child: ChildProcess): void {
  child.kill('SIGTERM');
}

interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

function rpc(call: ToolCall, id: number): { body: string; headers: Record<string, string> } {
  return {
    headers: { 'mcp-method': 'tools/call', 'mcp-name': call.name },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: {
        name: call.name,
        arguments: call.arguments,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': PROTOCOL,
          'io.modelcontextprotocol/clientCapabilities': {},
          'io.modelcontextprotocol/clientInfo': { name: 'plex-mcp-bench', version: '1.0.0' },
        },
      },
    }),
  };
}

const mcpHeaders = {
  authorization: `Bearer ${authToken}`,
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': PROTOCOL,
};

const toolCallOk = (status: number, body: string) =>
  status === 200 && body.includes('"result"') && !body.includes('"isError":true');

async function callTool(
  url: string,
  call: ToolCall,
): Promise<{ structuredContent?: Record<string, unknown>; raw: string }> {
  const { body, headers } = rpc(call, 1);
  const res = await fetch(url, { method: 'POST', headers: { ...mcpHeaders, ...headers }, body });
  const raw = await res.text();
  if (!toolCallOk(res.status, raw))
    throw new Error(`${call.name} failed: HTTP ${res.status} ${raw.slice(0, 300)}`);
  const parsed = JSON.parse(raw) as { result: { structuredContent?: Record<string, unknown> } };
  return {
    raw,
    ...(parsed.result.structuredContent ? { structuredContent: parsed.result.structuredContent } : {}),
  };
}

async function simRequestCount(simUrl: string, endpoint: string): Promise<number> {
  const res = await fetch(`${simUrl}/__sim/requests`);
  const counts = (await res.json()) as Record<string, unknown>;
  // Accept both a flat {path: n} map and {counts: {path: n}}.
  const map = (typeof counts.counts === 'object' && counts.counts ? counts.counts : counts) as Record<
    string,
    number
  >;
  return Number(map[endpoint] ?? 0);
}

/** The warmed argument sets: 20 searches, and 20 item ids taken from their answers. */
async function workload(url: string): Promise<ToolCall[]> {
  const searches: ToolCall[] = ADJECTIVES.slice(0, 20).map((word) => ({
    name: 'search_media',
    arguments: { query: word },
  }));
  const ids: string[] = [];
  for (const search of searches) {
    const { structuredContent } = await callTool(url, search);
    for (const item of (structuredContent?.items ?? []) as Array<{ id: string }>) {
      if (ids.length < 20 && !ids.includes(item.id)) ids.push(item.id);
    }
  }
  if (ids.length === 0) throw new Error('warm-up searches found no items');
  const details: ToolCall[] = ids.map((id) => ({ name: 'get_media_details', arguments: { media_id: id } }));
  const calls: ToolCall[] = [];
  for (let i = 0; i < Math.max(searches.length, details.length); i++) {
    calls.push(searches[i % searches.length] as ToolCall, details[i % details.length] as ToolCall);
  }
  return calls;
}

async function warm(url: string, calls: ToolCall[]): Promise<number> {
  let bytes = 0;
  for (const call of calls) bytes = Math.max(bytes, Buffer.byteLength((await callTool(url, call)).raw));
  return bytes;
}

interface Measured extends LoadResult {
  /** Largest RSS of the server process seen during the run. */
  rssMiB: number;
  /** CPU used during the whole run (warm-up included) per wall second: 1.0 = one core busy. */
  serverCpu: number;
  simCpu: number;
  /** Server CPU time per request (warm-up included), microseconds: robust when other work steals CPU. */
  serverCpuUsPerRequest: number;
}

let simPid: number | undefined;

/** Runs a load while sampling the server's RSS and the CPU used by it and by the simulator. */
async function measure(url: string, calls: ToolCall[], pid: number | undefined): Promise<Measured> {
  let rssMiB = 0;
  const cpu0 = {
    server: pid ? processCpuSeconds(pid) : 0,
    sim: simPid ? processCpuSeconds(simPid) : 0,
    t: performance.now(),
  };
  const sampler = setInterval(() => {
    if (pid) rssMiB = Math.max(rssMiB, processMemory(pid).rssMiB);
  }, 100);
  const result = await runLoad({
    url,
    headers: mcpHeaders,
    request: (i) => rpc(calls[i % calls.length] as ToolCall, i + 1),
    label: (i) => (calls[i % calls.length] as ToolCall).name,
    concurrency: CONCURRENCY,
    durationMs: SECONDS * 1000,
    warmupMs: WARMUP_SECONDS * 1000,
    ok: toolCallOk,
  });
  clearInterval(sampler);
  if (pid) rssMiB = Math.max(rssMiB, processMemory(pid).rssMiB);
  const wall = (performance.now() - cpu0.t) / 1000;
  const serverCpuSeconds = pid ? processCpuSeconds(pid) - cpu0.server : Number.NaN;
  return {
    ...result,
    rssMiB,
    serverCpuUsPerRequest: (serverCpuSeconds / result.totalRequests) * 1e6,
    serverCpu: pid ? (processCpuSeconds(pid) - cpu0.server) / wall : Number.NaN,
    simCpu: simPid ? (processCpuSeconds(simPid) - cpu0.sim) / wall : Number.NaN,
  };
}

function row(name: string, r: Measured): string {
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  return [
    name.padEnd(34),
    f(r.rps, 0).padStart(8),
    f(r.p50Ms, 2).padStart(8),
    f(r.p90Ms, 2).padStart(8),
    f(r.p99Ms, 2).padStart(8),
    String(r.errors).padStart(7),
    String(r.bodyBytes).padStart(7),
    (r.rssMiB ? f(r.rssMiB) : '-').padStart(8),
    f(r.serverCpu, 2).padStart(7),
    f(r.simCpu, 2).padStart(7),
    f(r.serverCpuUsPerRequest, 0).padStart(9),
  ].join(' ');
}

async function main(): Promise<void> {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  log(
    `plex-mcp server benchmark: ${CONCURRENCY} clients, ${SECONDS} s per scenario (+${WARMUP_SECONDS} s warm-up), ${ITEMS} items, Node ${process.version}, ${os.cpus().length} CPUs, load average ${load}`,
  );
  if (process.env.BENCH_SOURCE !== '1') {
    const started = performance.now();
    serverEntry = await buildServer();
    log(
      `built the server in ${((performance.now() - started) / 1000).toFixed(1)} s: ${path.relative(repo, serverEntry)}`,
    );
  }
  const sim = await startSimulator();
  simPid = sim.child.pid;

  // 1. Cached (in-memory store, the default without REDIS_URL).
  const cached = await startMcpServer(sim.url, { CACHE_ENABLED: 'true' });
  const cachedUrl = cached.message.url;
  const calls = await workload(cachedUrl);
  const bodyBytes = await warm(cachedUrl, calls);

  // 2. The ceiling: a bare node:http server answering a body as large as the largest cached answer.
  const baseline = await forkChild<{ port: number }>('baseline-server.ts', [], {
    BODY_BYTES: String(bodyBytes),
  });
  const ceiling = await measure(`http://127.0.0.1:${baseline.message.port}/mcp`, calls, baseline.child.pid);
  baseline.child.disconnect();
  log(`ceiling done: ${ceiling.rps.toFixed(0)} req/s`);

  const cachedRun = await measure(cachedUrl, calls, cached.child.pid);
  const cachedPeak = cached.child.pid ? processMemory(cached.child.pid).peakRssMiB : Number.NaN;
  log(`cached done: ${cachedRun.rps.toFixed(0)} req/s`);

  // The same with the heap capped as in a container with the design's 128 MiB limit (V8 otherwise sizes its heap
  // from this machine's memory and collects lazily, which inflates RSS without being needed).
  const capped = await startMcpServer(sim.url, { CACHE_ENABLED: 'true', NODE_OPTIONS: CAPPED_NODE_OPTIONS });
  await warm(capped.message.url, calls);
  const cappedRun = await measure(capped.message.url, calls, capped.child.pid);
  stopServer(capped.child);
  log(`cached (capped heap) done: ${cappedRun.rps.toFixed(0)} req/s`);

  // 3. Coalescing: 100 identical cold calls at once → one Plex search.
  const coldQuery = ADJECTIVES[ADJECTIVES.length - 1] as string;
  const before = await simRequestCount(sim.url, '/hubs/search');
  const coalesced = await Promise.all(
    Array.from({ length: COALESCE_CALLS }, () =>
      callTool(cachedUrl, { name: 'search_media', arguments: { query: coldQuery } }),
    ),
  );
  const coalescedPlexRequests = (await simRequestCount(sim.url, '/hubs/search')) - before;
  stopServer(cached.child);
  log(`coalescing: ${coalesced.length} calls → ${coalescedPlexRequests} Plex search request(s)`);

  // 4. Uncached: the same calls with CACHE_ENABLED=false, every one reaching the simulator.
  const uncached = await startMcpServer(sim.url, { CACHE_ENABLED: 'false' });
  await warm(uncached.message.url, calls.slice(0, 4));
  const uncachedRun = await measure(uncached.message.url, calls, uncached.child.pid);
  stopServer(uncached.child);
  log(`uncached done: ${uncachedRun.rps.toFixed(0)} req/s`);

  // 5. Cached on Redis (the cluster default, Managed Redis), when redis-server is available.
  let redisRun: Measured | undefined;
  const redisBinary = process.env.BENCH_REDIS === '0' ? undefined : findRedisServer();
  if (redisBinary) {
    const redis = await startRedisServer({ binary: redisBinary });
    try {
      const onRedis = await startMcpServer(sim.url, { CACHE_ENABLED: 'true', REDIS_URL: redis.url });
      await new Promise((r) => setTimeout(r, 500)); // let it connect before warming
      await warm(onRedis.message.url, calls);
      redisRun = await measure(onRedis.message.url, calls, onRedis.child.pid);
      log(`cached (redis) done: ${redisRun.rps.toFixed(0)} req/s`);
      stopServer(onRedis.child);
    } finally {
      await redis.stop();
    }
  }

  const header = [
    'scenario'.padEnd(34),
    'req/s'.padStart(8),
    'p50 ms'.padStart(8),
    'p90 ms'.padStart(8),
    'p99 ms'.padStart(8),
    'errors'.padStart(7),
    'bytes'.padStart(7),
    'RSS MiB'.padStart(8),
    'srv CPU'.padStart(7),
    'sim CPU'.padStart(7),
    'CPU µs/req'.padStart(9),
  ].join(' ');
  const perTool = (r: Measured) =>
    Object.entries(r.byLabel).map(([tool, t]) =>
      [
        `  ${tool}`.padEnd(34),
        t.rps.toFixed(0).padStart(8),
        t.p50Ms.toFixed(2).padStart(8),
        ''.padStart(8),
        t.p99Ms.toFixed(2).padStart(8),
      ].join(' '),
    );
  const lines = [
    header,
    row('baseline node:http (ceiling)', ceiling),
    row('tools/call cached (memory)', cachedRun),
    ...perTool(cachedRun),
    row('  same, heap capped (see note)', cappedRun),
    ...(redisRun ? [row('tools/call cached (redis)', redisRun), ...perTool(redisRun)] : []),
    row('tools/call uncached (cache off)', uncachedRun),
    ...perTool(uncachedRun),
  ];
  console.log(lines.join('\n'));
  console.log(
    `server: ${path.relative(repo, serverEntry)}; cached/ceiling ratio ${(cachedRun.rps / ceiling.rps).toFixed(3)}; server peak RSS (VmHWM) ${cachedPeak.toFixed(1)} MiB; ` +
      `coalescing: ${COALESCE_CALLS} identical cold calls → ${coalescedPlexRequests} Plex request(s)`,
  );
  // The closed-loop generator shares the machine with the server: when it, not the server, is the bottleneck (the
  // bare server then idles part of the time), the rps ratio flatters; CPU time per request does not depend on that.
  console.log(
    `server CPU per request: cached ${cachedRun.serverCpuUsPerRequest.toFixed(0)} µs vs bare node:http ` +
      `${ceiling.serverCpuUsPerRequest.toFixed(0)} µs (CPU-efficiency ratio ${(ceiling.serverCpuUsPerRequest / cachedRun.serverCpuUsPerRequest).toFixed(3)}); ` +
      `bare server busy ${(ceiling.serverCpu * 100).toFixed(0)}% of a core during its run`,
  );
  // Other work on the machine steals CPU from every process here; say how busy it was so numbers can be judged.
  console.log(
    `load average before ${load}, after ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (${os.cpus().length} CPUs)`,
  );
  console.log(
    `heap capped = NODE_OPTIONS="${CAPPED_NODE_OPTIONS}"; srv/sim CPU = cores busy in the server / simulator process`,
  );
  for (const [name, r] of [
    ['ceiling', ceiling],
    ['cached', cachedRun],
    ['capped', cappedRun],
    ['uncached', uncachedRun],
    ['redis', redisRun],
  ] as const) {
    if (r?.firstError) log(`${name}: first error: ${r.firstError}`);
  }
  const round = (n: number, d: number) => Number(n.toFixed(d));
  console.log(
    JSON.stringify({
      cached_rps: round(cachedRun.rps, 1),
      ceiling_rps: round(ceiling.rps, 1),
      ratio: round(cachedRun.rps / ceiling.rps, 3),
      p50_ms: round(cachedRun.p50Ms, 3),
      p99_ms: round(cachedRun.p99Ms, 3),
      uncached_rps: round(uncachedRun.rps, 1),
      rss_mib: round(Math.max(cachedRun.rssMiB, cachedPeak), 1),
      coalesced_plex_requests: coalescedPlexRequests,
    }),
  );
}

try {
  await main();
} finally {
  for (const child of children) if (child.connected) child.disconnect();
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
}
