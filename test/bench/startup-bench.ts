/**
 * `npm run bench:startup`: start-up and what the import graph costs, without the rest of bench:server.
 *
 * 1. Start-up as startup-time.ts measures it (spawn to the first answered tools/list, stdio and HTTP; medians of
 *    BENCH_STARTS runs), and over HTTP the first tools/call after start (an uncached search_media) against the
 *    median of BENCH_WARM_CALLS uncached search_media calls made after it by the same client: sent at once after
 *    tools/list (the worst case), and in BENCH_STARTS more starts after BENCH_FIRST_CALL_GAP_MS of idle time (the
 *    realistic case: a client's model takes seconds between listing the tools and calling one).
 * 2. The import cost of each top-level package and server subsystem: a fresh process per row that registers the
 *    start-up hook main.ts registers (server/startup/zod-english-only.ts) and then does nothing but `await import()`
 *    it (median of BENCH_IMPORT_RUNS), with the number of modules it loads. The production build is a bundle
 *    (.ci/build/server-bundle.ts), which has no module per subsystem, so the rows import tsc's emit of the same
 *    sources instead; "at start" then reads the bundle's chunks back into their sources (its metafile). Each row counts what it
 *    pulls in, so shared dependencies (zod, the SDK) appear in every row that loads them; `cli` is the whole graph
 *    the server loads before it reads its configuration. No compile cache, as in the container (--stdio turns one
 *    on: see server/main.ts). "at start" says whether a stdio / HTTP start-up of the default configuration loaded
 *    the row (from test/support/loaded-modules-hook.ts).
 *
 * The server runs as bench:server runs it: the production build (the bundle) with the container's NODE_OPTIONS, against the
 * Plex simulator, with CACHE_ENABLED=false (so every call reaches Plex).
 * Environment: BENCH_STARTS (7), BENCH_WARM_CALLS (20), BENCH_FIRST_CALL_GAP_MS (1000; 0 skips the gap case),
 * BENCH_IMPORT_RUNS (3; 0 skips the table), BENCH_SOURCE (0: 1 runs server/main.ts from source), BENCH_ENTRY (a
 * main.js to run instead, e.g. a trial bundle), BENCH_NODE_OPTIONS (default: the container's).
 * Last line, one JSON object: startup_ms_stdio, startup_ms_http, startup_cpu_ms_stdio / _http (the server's CPU
 * time at the answer: steadier than wall time on a shared machine), first_call_ms, warm_call_ms, first_call_ratio
 * (the call at once after tools/list), first_call_after_gap_ms, first_call_after_gap_ratio (after the gap, against
 * the warm calls of those starts), modules_at_start_stdio, modules_at_start_http, import_ms (row → ms).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { SERVER_BUNDLE_META } from '../../.ci/build/build.ts';
import { BUNDLE_WORKING_DIR } from '../../.ci/build/server-bundle.ts';
import { SERVER_NODE_OPTIONS } from '../../cdk8s/plex-mcp-server/defaults.ts';
import { ADJECTIVES } from '../plex-sim/words.ts';
import { sourceModulesOf } from '../support/bundle-modules.ts';
import {
  buildServer,
  compileServerModules,
  log,
  repo,
  shutdownAll,
  startSimulator,
} from './server-harness.ts';
import { FIRST_CALL_GAP_MS, httpStartup, median, stdioStartup } from './startup-time.ts';

const STARTS = Number(process.env.BENCH_STARTS ?? 7);
const WARM_CALLS = Number(process.env.BENCH_WARM_CALLS ?? 20);
const IMPORT_RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 3);
const NODE_OPTIONS = process.env.BENCH_NODE_OPTIONS ?? SERVER_NODE_OPTIONS;
const startEnv = { CACHE_ENABLED: 'false' };

/** The packages the server imports (package.json dependencies). */
const PACKAGES = [
  '@modelcontextprotocol/server',
  '@modelcontextprotocol/server/stdio',
  '@modelcontextprotocol/node',
  'zod',
  'pino',
  'prom-client',
  'cockatiel',
  'lru-cache',
  'eventsource-parser',
  'ioredis',
  'jose',
  'oidc-provider',
];

/** One entry module per server subsystem (a path under server/, without extension). */
const SUBSYSTEMS = [
  'config/config',
  'observability/logger',
  'observability/metrics',
  'plex/create-plex-client',
  'resilience/plex-resilience',
  'cache/cache-factory',
  'cache/redis-store',
  'live/plex-live',
  'tools/registry',
  'mcp/create-mcp-server',
  'apps/with-app',
  'auth/auth-gate',
  'auth/oauth-verifier',
  'auth/sign-in/plex-sign-in',
  'auth/plex-tv/plex-tv-client',
  'http/create-app',
  'resources/redis-event-bus',
  'stdio',
  'app',
  'cli',
];

/** Imports `specifier` in a fresh process; its wall time and the modules it loaded. */
async function importCost(
  specifier: string,
  serverDir: string,
  ext: string,
): Promise<{ ms: number; modules: number }> {
  // As the server loads it: after main.ts's start-up hook (zod without its other locales), counted from there.
  const zodHook = pathToFileURL(path.join(serverDir, 'startup', `zod-english-only${ext}`)).href;
  const script = `
    import { registerHooks } from 'node:module';
    (await import(${JSON.stringify(zodHook)})).registerZodEnglishOnly();
    let modules = 0;
    registerHooks({ load: (url, context, next) => (modules++, next(url, context)) });
    const t0 = performance.now();
    await import(${JSON.stringify(specifier)});
    process.stdout.write(JSON.stringify({ ms: performance.now() - t0, modules }));
    process.exit(0);`;
  // cli runs main() on import: with this environment it stops at the configuration check, after the import.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...NODE_OPTIONS.split(' ').filter(Boolean), '--input-type=module', '-e', script],
    { cwd: repo, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
  );
  return JSON.parse(stdout) as { ms: number; modules: number };
}

/** The module URLs one start-up loaded, by preloading loaded-modules-hook.ts into the server. */
async function loadedAtStart(entry: string, simUrl: string, transport: 'stdio' | 'http'): Promise<string[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plex-mcp-loaded-'));
  const file = path.join(dir, 'modules.txt');
  const hook = path.join(repo, 'test/support/loaded-modules-hook.ts');
  const options = `${NODE_OPTIONS} --import=${hook}`;
  const env = { ...startEnv, LOADED_MODULES_FILE: file };
  try {
    if (transport === 'stdio') await stdioStartup(entry, simUrl, options, env);
    else await httpStartup(entry, simUrl, options, searchCall(0), { env });
    // The hook's own module is not part of the server's graph.
    return (await readFile(file, 'utf8')).split('\n').filter((url) => url && !url.endsWith(hook));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The URL of the module a row imports, as the loaded-module list spells it: for a bundle (read back into its
 * sources), the subsystem's source module.
 */
function rowUrl(row: string, serverDir: string, ext: string, bundled: boolean): string {
  if (PACKAGES.includes(row)) return import.meta.resolve(row);
  if (bundled) return pathToFileURL(path.join(repo, 'server', `${row}.ts`)).href;
  return pathToFileURL(`${path.join(serverDir, row)}${ext}`).href;
}

/**
 * Whether a start loaded a row's module. A bundle holds no code of a package entry that only re-exports (cockatiel's
 * index), so its metafile lists no such input: there a package's row counts as loaded when any module of the package
 * was.
 */
function loadedRow(row: string, url: string, loaded: string[], bundled: boolean): boolean {
  if (loaded.includes(url)) return true;
  if (!bundled || !PACKAGES.includes(row) || row.split('/').length > (row.startsWith('@') ? 2 : 1))
    return false;
  return loaded.some((module) => module.includes(`/node_modules/${row}/`));
}

const searchCall = (i: number) => ({
  name: 'search_media',
  arguments: { query: ADJECTIVES[i % ADJECTIVES.length] as string },
});

async function main(): Promise<void> {
  log(
    `plex-mcp start-up benchmark: Node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0]}`,
  );
  let entry = process.env.BENCH_ENTRY ?? path.join(repo, 'server', 'main.ts');
  if (process.env.BENCH_SOURCE !== '1' && !process.env.BENCH_ENTRY) entry = await buildServer();
  // A bundle's metafile (next to its directory, as .ci/build/build.ts writes it): its chunks' sources.
  const metaFile = path.join(path.dirname(entry), '..', SERVER_BUNDLE_META);
  const metafile = existsSync(metaFile)
    ? (JSON.parse(await readFile(metaFile, 'utf8')) as Metafile)
    : undefined;
  let serverDir = path.dirname(entry);
  let ext = path.extname(entry);
  if (metafile && IMPORT_RUNS > 0) {
    serverDir = path.dirname(await compileServerModules());
    ext = '.js';
  }
  log(`server: ${path.relative(repo, entry)}, NODE_OPTIONS "${NODE_OPTIONS}"`);
  const sim = await startSimulator(200);

  const stdioMs: number[] = [];
  const stdioCpuMs: number[] = [];
  const httpMs: number[] = [];
  const httpCpuMs: number[] = [];
  const firstMs: number[] = [];
  const warmMs: number[] = [];
  const gapFirstMs: number[] = [];
  const gapWarmMs: number[] = [];
  // Distinct queries per start and per call: nothing is answered from a cache, every call reaches Plex.
  const calls = (start: number) => {
    const offset = start * (WARM_CALLS + 1);
    const warmCalls = Array.from({ length: WARM_CALLS }, (_, j) => searchCall(offset + 1 + j));
    return { first: searchCall(offset), warmCalls };
  };
  for (let i = 0; i < STARTS; i++) {
    const stdio = await stdioStartup(entry, sim.url, NODE_OPTIONS, startEnv);
    stdioMs.push(stdio.toolsListMs);
    stdioCpuMs.push(stdio.cpuMs);
    const { first, warmCalls } = calls(i);
    const run = await httpStartup(entry, sim.url, NODE_OPTIONS, first, { env: startEnv, warmCalls });
    httpMs.push(run.toolsListMs);
    httpCpuMs.push(run.cpuMs);
    firstMs.push(run.firstCallMs);
    warmMs.push(run.warmCallMs);
    if (FIRST_CALL_GAP_MS > 0) {
      const gap = calls(STARTS + i);
      const gapRun = await httpStartup(entry, sim.url, NODE_OPTIONS, gap.first, {
        env: startEnv,
        warmCalls: gap.warmCalls,
        gapMs: FIRST_CALL_GAP_MS,
      });
      gapFirstMs.push(gapRun.firstCallMs);
      gapWarmMs.push(gapRun.warmCallMs);
    }
  }
  log(
    `stdio ${stdioMs.map((m) => m.toFixed(0)).join(' ')} ms; http ${httpMs.map((m) => m.toFixed(0)).join(' ')} ms`,
  );

  const atStart = {
    stdio: await loadedAtStart(entry, sim.url, 'stdio'),
    http: await loadedAtStart(entry, sim.url, 'http'),
  };
  const sources = (loaded: string[]) =>
    metafile ? sourceModulesOf(loaded, metafile, BUNDLE_WORKING_DIR) : loaded;
  const sourcesAtStart = { stdio: sources(atStart.stdio), http: sources(atStart.http) };
  const rows: Array<{ row: string; ms: number; modules: number; stdio: boolean; http: boolean }> = [];
  // BENCH_IMPORT_RUNS=0 skips the import table (for quick before/after start-up runs).
  for (const row of IMPORT_RUNS > 0 ? [...PACKAGES, ...SUBSYSTEMS] : []) {
    const specifier = PACKAGES.includes(row) ? row : `${path.join(serverDir, row)}${ext}`;
    const runs = [];
    for (let i = 0; i < IMPORT_RUNS; i++) runs.push(await importCost(specifier, serverDir, ext));
    const url = rowUrl(row, serverDir, ext, metafile !== undefined);
    rows.push({
      row: PACKAGES.includes(row) ? row : `server/${row}`,
      ms: median(runs.map((r) => r.ms)),
      modules: median(runs.map((r) => r.modules)),
      stdio: loadedRow(row, url, sourcesAtStart.stdio, metafile !== undefined),
      http: loadedRow(row, url, sourcesAtStart.http, metafile !== undefined),
    });
  }

  const yes = (b: boolean) => (b ? 'yes' : '-');
  console.log(
    `${'import (fresh process, alone)'.padEnd(38)} ${'ms'.padStart(7)} ${'modules'.padStart(8)}  at start: stdio http`,
  );
  for (const r of rows) {
    console.log(
      `${r.row.padEnd(38)} ${r.ms.toFixed(1).padStart(7)} ${String(r.modules).padStart(8)}  ${yes(r.stdio).padStart(15)} ${yes(r.http).padStart(4)}`,
    );
  }
  const round = (n: number, d: number) => Number(n.toFixed(d));
  const first = median(firstMs);
  const warmCall = median(warmMs);
  const gapFirst = median(gapFirstMs);
  const gapWarm = median(gapWarmMs);
  console.log(
    `start-up to the first answered tools/list: stdio ${median(stdioMs).toFixed(0)} ms, HTTP ${median(httpMs).toFixed(0)} ms ` +
      `(CPU ${median(stdioCpuMs).toFixed(0)} / ${median(httpCpuMs).toFixed(0)} ms; ${atStart.stdio.length} / ${atStart.http.length} modules loaded); first tools/call ${first.toFixed(1)} ms = ` +
      `${(first / warmCall).toFixed(1)}x a warm uncached one (${warmCall.toFixed(2)} ms)` +
      (FIRST_CALL_GAP_MS > 0
        ? `; after ${FIRST_CALL_GAP_MS} ms idle ${gapFirst.toFixed(1)} ms = ${(gapFirst / gapWarm).toFixed(1)}x (${gapWarm.toFixed(2)} ms)`
        : ''),
  );
  console.log(
    JSON.stringify({
      startup_ms_stdio: round(median(stdioMs), 0),
      startup_ms_http: round(median(httpMs), 0),
      startup_cpu_ms_stdio: round(median(stdioCpuMs), 0),
      startup_cpu_ms_http: round(median(httpCpuMs), 0),
      first_call_ms: round(first, 1),
      warm_call_ms: round(warmCall, 2),
      first_call_ratio: round(first / warmCall, 2),
      first_call_after_gap_ms: round(gapFirst, 1),
      first_call_after_gap_ratio: round(gapFirst / gapWarm, 2),
      modules_at_start_stdio: atStart.stdio.length,
      modules_at_start_http: atStart.http.length,
      import_ms: Object.fromEntries(rows.map((r) => [r.row, round(r.ms, 1)])),
    }),
  );
}

try {
  await main();
} finally {
  await shutdownAll();
}
