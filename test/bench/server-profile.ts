/**
 * `npm run bench:server:profile`: where a cached tools/call spends the server's CPU. Runs the built server with
 * `node --cpu-prof` under the cached workload of bench:server (same generator, same NODE_OPTIONS), stops it, and
 * prints self time by package / our module and the top functions. The .cpuprofile is kept for Chrome DevTools.
 *
 * Environment: BENCH_PROFILE_CACHE (true; false profiles uncached calls, each reaching the simulator),
 * BENCH_PROFILE_TOOL (unset: the mixed workload; search_media or get_recently_added: only that tool's calls, as in
 * bench:server's single-tool uncached runs; best with BENCH_CONCURRENCY=1 or 10), BENCH_PROFILE_FLOOR (1: profile
 * that tool's uncached floor, sdk-floor-server.ts, instead of our server: what the SDK and one Plex GET cost alone),
 * BENCH_PROFILE_SECONDS (10), BENCH_CONCURRENCY (50), BENCH_ITEMS (2000), BENCH_NODE_OPTIONS,
 * BENCH_PROFILE_DIR (.vitest-cache/profiles), BENCH_LOADGEN, BENCH_TOP (25).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SERVER_NODE_OPTIONS } from '../../cdk8s/plex-mcp-server/defaults.ts';
import {
  buildServer,
  chooseLoadGenerator,
  forkChild,
  log,
  measure,
  plexToken,
  repo,
  shutdownAll,
  startMcpServer,
  startSimulator,
  stopServer,
  uncachedTools,
  warm,
  workload,
} from './server-harness.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/<pkg>` (scoped too), our file relative to the build dir, or `node:internal`. */
function ownerOf(url: string): string {
  if (url === '') return '(native/gc/idle)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/');
    return (parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]) ?? url;
  }
  if (url.startsWith('node:')) return 'node: (core)';
  const server = url.indexOf('/server/');
  return server >= 0 ? url.slice(server + 1) : url;
}

/** The uncached floor of `tool` (as bench:server runs it, but with --cpu-prof), in place of our server. */
async function floorTarget(
  tool: (typeof uncachedTools)[number] | undefined,
  simUrl: string,
  dir: string,
): Promise<{ child: ChildProcess; url: string }> {
  if (!tool) throw new Error('BENCH_PROFILE_FLOOR=1 needs BENCH_PROFILE_TOOL');
  const floor = await forkChild<{ port: number }>('sdk-floor-server.ts', [], {
    NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}`,
    PLEX_URL: simUrl,
    PLEX_TOKEN: plexToken,
    PLEX_PATHS: JSON.stringify(tool.plexPaths),
  });
  return { child: floor.child, url: `http://127.0.0.1:${floor.message.port}/mcp` };
}

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_PROFILE_SECONDS ?? 10);
  const top = Number(process.env.BENCH_TOP ?? 25);
  const dir = process.env.BENCH_PROFILE_DIR ?? path.join(repo, '.vitest-cache', 'profiles');
  await mkdir(dir, { recursive: true });
  const before = new Set(await readdir(dir));
  const generator = chooseLoadGenerator();
  const nodeOptions = process.env.BENCH_NODE_OPTIONS ?? SERVER_NODE_OPTIONS;
  log(`load generator: ${generator.name}; server NODE_OPTIONS="${nodeOptions}"`);
  const sim = await startSimulator(Number(process.env.BENCH_ITEMS ?? 2000));
  const toolName = process.env.BENCH_PROFILE_TOOL;
  const tool = uncachedTools.find((t) => t.calls[0]?.name === toolName);
  if (toolName !== undefined && !tool)
    throw new Error(`BENCH_PROFILE_TOOL: no uncached workload for ${toolName}`);
  const profiled =
    process.env.BENCH_PROFILE_FLOOR === '1' ? await floorTarget(tool, sim.url, dir) : undefined;
  const server =
    profiled ??
    (await startMcpServer(
      await buildServer(),
      sim.url,
      { CACHE_ENABLED: process.env.BENCH_PROFILE_CACHE === 'false' ? 'false' : 'true' },
      { nodeOptions, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] },
    ));
  const calls = tool?.calls ?? (await workload(server.url));
  await warm(server.url, calls);
  const run = await measure(server.url, calls, server.child.pid, {
    generator,
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 50),
    seconds,
    warmupSeconds: 1,
    rule: 'tool-call',
  });
  if (profiled) {
    profiled.child.disconnect();
    await once(profiled.child, 'exit');
  } else await stopServer(server.child);
  log(
    `${run.rps.toFixed(0)} req/s, ${run.errors} errors, ${run.serverCpuUsPerRequest.toFixed(0)} µs CPU/req (profiling adds overhead)`,
  );
  const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
  if (!file) throw new Error(`no new .cpuprofile in ${dir}`);
  const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CpuProfile;

  // Self time per node from the samples and their time deltas.
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    total += us;
    const owner = functionName === '(garbage collector)' ? '(garbage collector)' : ownerOf(url);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${ownerOf(url)}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  console.log(`profile: ${path.join(dir, file)} (busy samples only: ${(total / 1e6).toFixed(2)} s)`);
  console.log('\nself time by package / module:');
  for (const [owner, us] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${pct(us)}  ${owner}`);
  console.log('\ntop functions (self time):');
  for (const [fn, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${pct(us)}  ${fn}`);
}

try {
  await main();
} finally {
  await shutdownAll();
}
