/**
 * The processes and requests the server benchmarks share (server-bench.ts, server-profile.ts): the Plex simulator
 * and the MCP server each in their own process, the production build of the server, the tools/call requests and
 * the warmed workload, and one `measure` that runs a load with the chosen generator while sampling the server's
 * RSS and CPU from /proc.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer as buildProductionServer, compileTypeScript } from '../../.ci/build/build.ts';
import { ADJECTIVES } from '../plex-sim/words.ts';
import { freeLoopbackPort } from '../support/redis-server.ts';
import { GcTrace } from './gc-trace.ts';
import { type LoadResult, runLoad } from './http-load.ts';
import type { MemoryCgroup } from './memory-cgroup.ts';
import { processCpuSeconds, processMemory } from './proc-memory.ts';
import { findWrk, runWrkLoad } from './wrk-load.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');

export const PROTOCOL = '2026-07-28';
export const plexToken = randomBytes(18).toString('base64url');
export const authToken = randomBytes(32).toString('base64url');
const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Stops every child this module started and removes temporary builds. */
export async function shutdownAll(): Promise<void> {
  for (const child of children) if (child.connected) child.disconnect();
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
}

export async function forkChild<T>(
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
export async function startSimulator(items: number): Promise<{ url: string; child: ChildProcess }> {
  const port = await freeLoopbackPort();
  const child = fork(
    path.join(repo, 'test/plex-sim/main.ts'),
    // `--token=<t>`: a random token may start with '-', which parseArgs would take for an option.
    ['--port', String(port), `--token=${plexToken}`, '--items', String(items)],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
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

/**
 * Builds the server as `npm run build` does (.ci/build/build.ts: its bundle and the Apps views), into a private
 * directory (other builds may run in parallel) inside the repo, so the packages the bundle leaves external resolve.
 */
export async function buildServer(): Promise<string> {
  const outDir = path.join(repo, '.vitest-cache', `bench-dist-${process.pid}`);
  await mkdir(outDir, { recursive: true });
  cleanups.push(() => rm(outDir, { recursive: true, force: true }));
  await buildProductionServer(path.join(outDir, 'server'));
  await copyFile(path.join(repo, 'package.json'), path.join(outDir, 'package.json'));
  return path.join(outDir, 'server', 'main.js');
}

/**
 * tsc's emit of the server's sources, one module per source file, into a private directory: the modules the
 * production bundle is made of, for what needs them one by one (bench:startup's import table). Returns its main.js.
 */
export async function compileServerModules(): Promise<string> {
  const outDir = path.join(repo, '.vitest-cache', `bench-modules-${process.pid}`);
  cleanups.push(() => rm(outDir, { recursive: true, force: true }));
  compileTypeScript(outDir);
  return path.join(outDir, 'server', 'main.js');
}

export interface StartedServer {
  child: ChildProcess;
  url: string;
  /** RSS right after /health/live first answered, before any MCP request. */
  idleRssMiB: number;
  idleRssAnonMiB: number;
  /** Memory-cgroup usage at the idle sample (only when started in a cgroup). */
  idleCgroupMiB: number;
  /** GC pauses from `--trace-gc` (only with `traceGc`). */
  gc?: GcTrace;
}

/**
 * Runs the server binary in its own process, with exactly the NODE_OPTIONS given (none: V8's defaults for this
 * machine), and waits until /health/live answers. `nodeArgs` go before the script (e.g. --cpu-prof).
 */
export async function startMcpServer(
  entry: string,
  plexUrl: string,
  env: Record<string, string>,
  options: {
    nodeOptions?: string | undefined;
    nodeArgs?: string[];
    /** Runs the server inside this memory cgroup (memory-cgroup.ts). */
    cgroup?: MemoryCgroup | undefined;
    /** Runs it with --trace-gc and collects the pauses it prints (stdout is otherwise unused over HTTP). */
    traceGc?: boolean;
  } = {},
): Promise<StartedServer> {
  const port = await freeLoopbackPort();
  const nodeArgs = [...(options.traceGc ? ['--trace-gc'] : []), ...(options.nodeArgs ?? []), entry];
  const line = options.cgroup
    ? options.cgroup.wrap(process.execPath, nodeArgs)
    : { command: process.execPath, args: nodeArgs };
  const child = spawn(line.command, line.args, {
    cwd: repo,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}),
      PLEX_SERVER_URL: plexUrl,
      PLEX_TOKEN: plexToken,
      AUTH_TOKEN: authToken,
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: String(port),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', options.traceGc ? 'pipe' : 'ignore', 'inherit'],
  });
  children.push(child);
  const gc = options.traceGc && child.stdout ? new GcTrace(child.stdout) : undefined;
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
  await new Promise((r) => setTimeout(r, 300)); // let startup garbage settle before the idle sample
  const idle = child.pid ? processMemory(child.pid) : undefined;
  return {
    child,
    url: `${base}/mcp`,
    idleRssMiB: idle?.rssMiB ?? Number.NaN,
    idleRssAnonMiB: idle?.rssAnonMiB ?? Number.NaN,
    idleCgroupMiB: options.cgroup ? options.cgroup.usageMiB() : Number.NaN,
    ...(gc ? { gc } : {}),
  };
}

/** SIGTERM, resolved when the process has exited (so a --cpu-prof file is complete). */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

export function rpc(call: ToolCall, id: number): { body: string; headers: Record<string, string> } {
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

export const mcpHeaders = {
  authorization: `Bearer ${authToken}`,
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': PROTOCOL,
};

export const toolCallOk = (status: number, body: string) =>
  status === 200 && body.includes('"result"') && !body.includes('"isError":true');

export async function callTool(
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

export async function simRequestCount(simUrl: string, endpoint: string): Promise<number> {
  const res = await fetch(`${simUrl}/__sim/requests`);
  const counts = (await res.json()) as Record<string, unknown>;
  // Accept both a flat {path: n} map and {counts: {path: n}}.
  const map = (typeof counts.counts === 'object' && counts.counts ? counts.counts : counts) as Record<
    string,
    number
  >;
  return Number(map[endpoint] ?? 0);
}

/** The warmed argument sets: 20 searches, and 20 item ids taken from their answers, alternating. */
export async function workload(url: string): Promise<ToolCall[]> {
  const searches: ToolCall[] = SEARCH_WORDS.map((word) => ({
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

/** The search words of the workloads (the warm cached set, and the uncached search_media run). */
export const SEARCH_WORDS = ADJECTIVES.slice(0, 20);

/**
 * The uncached targets of #18: get_recently_added (50 items) and search_media, and the Plex answers they read (the
 * uncached floor GETs the same ones). bench:server runs each alone; bench:server:profile can profile one of them.
 */
export const uncachedTools: Array<{ label: string; calls: ToolCall[]; plexPaths: string[] }> = [
  {
    label: 'search_media',
    calls: SEARCH_WORDS.map((query) => ({ name: 'search_media', arguments: { query } })),
    plexPaths: SEARCH_WORDS.map(
      (query) => `/hubs/search?query=${encodeURIComponent(query)}&limit=10&includeCollections=0`,
    ),
  },
  {
    label: 'get_recently_added(50)',
    calls: [{ name: 'get_recently_added', arguments: { limit: 50 } }],
    plexPaths: ['/library/recentlyAdded?X-Plex-Container-Start=0&X-Plex-Container-Size=50'],
  },
];

/** Calls each once (filling the cache); returns the largest answer's size. */
export async function warm(url: string, calls: ToolCall[]): Promise<number> {
  let bytes = 0;
  for (const call of calls) bytes = Math.max(bytes, Buffer.byteLength((await callTool(url, call)).raw));
  return bytes;
}

/** The load generator: wrk when available (see wrk-load.ts), else the Node one in http-load.ts. */
export interface LoadGenerator {
  name: string;
  wrk?: string;
}

/** BENCH_LOADGEN=wrk|node|auto (auto: wrk if installed or installable with apt-get, else node). */
export function chooseLoadGenerator(): LoadGenerator {
  const wanted = process.env.BENCH_LOADGEN ?? 'auto';
  if (wanted === 'node') return { name: 'node (undici Pool, BENCH_LOADGEN=node)' };
  const wrk = findWrk(process.env.BENCH_INSTALL_WRK !== '0');
  if (wrk) return { name: `wrk (${wrk}, 1 thread, Lua script checks every answer)`, wrk };
  if (wanted === 'wrk')
    throw new Error('BENCH_LOADGEN=wrk but wrk is not installed (apt-get install -y wrk)');
  return {
    name: 'node (undici Pool) - wrk not found; this generator caps the ceiling, so the ratio is pessimistic',
  };
}

export interface Measured extends LoadResult {
  /** Largest RSS of the server process seen during the run (sampled every 100 ms). */
  rssMiB: number;
  /** Largest anonymous RSS seen during the run (see proc-memory.ts). */
  rssAnonMiB: number;
  /** CPU used during the whole run (warm-up included) per wall second: 1.0 = one core busy. */
  serverCpu: number;
  simCpu: number;
  /** Server CPU time per request (warm-up included), microseconds: robust when other work steals CPU. */
  serverCpuUsPerRequest: number;
  /** With `cgroup`: the largest memory-cgroup usage sampled during the run, and one sample per second. */
  cgroupPeakMiB: number;
  cgroupSeriesMiB: number[];
}

export interface MeasureOptions {
  generator: LoadGenerator;
  concurrency: number;
  seconds: number;
  warmupSeconds: number;
  simPid?: number | undefined;
  /** `tool-call` judges answers as tools/call results; `status-200` only checks the status (the bare ceiling). */
  rule: 'tool-call' | 'status-200';
  /** The server's memory cgroup, sampled with its RSS. */
  cgroup?: MemoryCgroup | undefined;
}

/** The load knobs the server benchmarks share, read from the environment in one place. */
export interface LoadKnobs {
  /** BENCH_CONCURRENCY (50): keep-alive clients in a closed loop. */
  concurrency: number;
  /** BENCH_SECONDS: measured seconds per run (each bench has its own default). */
  seconds: number;
  /** BENCH_WARMUP_SECONDS (2). */
  warmupSeconds: number;
  /** BENCH_ITEMS (2000): the simulator's library size. */
  items: number;
}

export function loadKnobs(defaultSeconds: number): LoadKnobs {
  return {
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 50),
    seconds: Number(process.env.BENCH_SECONDS ?? defaultSeconds),
    warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 2),
    items: Number(process.env.BENCH_ITEMS ?? 2000),
  };
}

/** A process's CPU seconds, NaN once it has gone (an OOM kill must not hide the figures measured so far). */
function cpuSecondsOrNaN(pid: number): number {
  try {
    return processCpuSeconds(pid);
  } catch {
    return Number.NaN;
  }
}

/** Runs a load while sampling the server's RSS and the CPU used by it and by the simulator. */
export async function measure(
  url: string,
  calls: ToolCall[],
  pid: number | undefined,
  options: MeasureOptions,
): Promise<Measured> {
  let rssMiB = 0;
  let rssAnonMiB = 0;
  let cgroupPeakMiB = 0;
  const cgroupSeriesMiB: number[] = [];
  let samples = 0;
  const sample = () => {
    if (!pid) return;
    try {
      const m = processMemory(pid);
      rssMiB = Math.max(rssMiB, m.rssMiB);
      rssAnonMiB = Math.max(rssAnonMiB, m.rssAnonMiB);
    } catch {
      // the process is gone (e.g. OOM-killed): the load result says so
    }
    if (options.cgroup) {
      const usage = options.cgroup.usageMiB();
      cgroupPeakMiB = Math.max(cgroupPeakMiB, usage);
      if (samples++ % 10 === 0) cgroupSeriesMiB.push(usage);
    }
  };
  const { simPid } = options;
  const cpu0 = {
    server: pid ? processCpuSeconds(pid) : 0,
    sim: simPid ? processCpuSeconds(simPid) : 0,
    t: performance.now(),
  };
  const sampler = setInterval(sample, 100);
  const common = {
    url,
    headers: mcpHeaders,
    request: (i: number) => rpc(calls[i % calls.length] as ToolCall, i + 1),
    concurrency: options.concurrency,
    durationMs: options.seconds * 1000,
    warmupMs: options.warmupSeconds * 1000,
  };
  const result = options.generator.wrk
    ? await runWrkLoad({
        ...common,
        wrk: options.generator.wrk,
        rule: options.rule,
        distinctRequests: calls.length,
      })
    : await runLoad({
        ...common,
        label: (i) => (calls[i % calls.length] as ToolCall).name,
        ok: options.rule === 'tool-call' ? toolCallOk : (status) => status === 200,
      });
  clearInterval(sampler);
  sample();
  const wall = (performance.now() - cpu0.t) / 1000;
  const serverCpuSeconds = pid ? cpuSecondsOrNaN(pid) - cpu0.server : Number.NaN;
  return {
    ...result,
    rssMiB,
    rssAnonMiB,
    cgroupPeakMiB: options.cgroup ? cgroupPeakMiB : Number.NaN,
    cgroupSeriesMiB,
    serverCpuUsPerRequest: (serverCpuSeconds / result.totalRequests) * 1e6,
    serverCpu: pid ? serverCpuSeconds / wall : Number.NaN,
    simCpu: simPid ? (processCpuSeconds(simPid) - cpu0.sim) / wall : Number.NaN,
  };
}
