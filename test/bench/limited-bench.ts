/**
 * `npm run bench:server:limited`: only bench:server's memory-limited runs, repeated, to tell a limit that holds from
 * one that holds by luck. Each run is the 50-client load inside a real memory cgroup with the environment the
 * operator renders for that limit (limited-run.ts), and prints the cgroup's idle and peak usage, its peak anonymous
 * memory (what an OOM kill is about: file pages are reclaimable) with the file pages beside it, RSS, V8's largest
 * committed heap after a GC and its largest live heap after a full GC, GC pauses, throughput and OOM kills.
 * bench:server's own JSON line stays the figure of record; this is the quick loop for changing what the operator
 * renders for small limits.
 *
 * Environment: BENCH_LIMIT_MIB (100), BENCH_REPEATS (3), BENCH_CACHE (both|cached|uncached), BENCH_FILL (0; 1
 * fills the cache past its bound before each cached run, limited-run.ts fillCache), BENCH_CONCURRENCY (50),
 * BENCH_SECONDS (8), BENCH_WARMUP_SECONDS (2), BENCH_ITEMS (2000), BENCH_LOADGEN (auto|wrk|node); for A/B runs
 * BENCH_LIMITED_NODE_OPTIONS (instead of the rendered NODE_OPTIONS), BENCH_LIMITED_NODE_ARGS (space-separated
 * flags for the command line, e.g. ones NODE_OPTIONS refuses) and BENCH_LIMITED_ENV (a JSON object of extra
 * server environment, e.g. {"CACHE_MAX_BYTES":"8388608"}). Last line: one JSON object per (cache, run).
 */
import { z } from 'zod';
import { type LimitedRun, limitedEnv, runLimited } from './limited-run.ts';
import {
  buildServer,
  chooseLoadGenerator,
  loadKnobs,
  log,
  shutdownAll,
  startMcpServer,
  startSimulator,
  stopServer,
  workload,
} from './server-harness.ts';

const LIMIT_MIB = Number(process.env.BENCH_LIMIT_MIB ?? 100);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const CACHE = z.enum(['both', 'cached', 'uncached']).parse(process.env.BENCH_CACHE ?? 'both');
const NODE_OPTIONS = process.env.BENCH_LIMITED_NODE_OPTIONS;
const NODE_ARGS = (process.env.BENCH_LIMITED_NODE_ARGS ?? '').split(' ').filter(Boolean);
const FILL = z.enum(['0', '1']).parse(process.env.BENCH_FILL ?? '0') === '1';
const EXTRA_ENV = z.record(z.string(), z.string()).parse(JSON.parse(process.env.BENCH_LIMITED_ENV ?? '{}'));

const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');

async function main(): Promise<void> {
  const generator = chooseLoadGenerator();
  const entry = await buildServer();
  const knobs = loadKnobs(8);
  const sim = await startSimulator(knobs.items);
  // The workload's ids come from a search against this simulator, by a server outside any limit.
  const scout = await startMcpServer(entry, sim.url, { CACHE_ENABLED: 'true' });
  const calls = await workload(scout.url);
  await stopServer(scout.child);

  const rendered = limitedEnv(LIMIT_MIB, true);
  log(
    `limited runs at ${LIMIT_MIB} MiB, ${REPEATS} each; load generator ${generator.name}; rendered environment ${JSON.stringify(rendered)}`,
  );
  if (NODE_OPTIONS !== undefined) log(`NODE_OPTIONS instead: "${NODE_OPTIONS}"`);
  if (NODE_ARGS.length) log(`node flags: ${NODE_ARGS.join(' ')}`);
  if (Object.keys(EXTRA_ENV).length) log(`extra environment: ${JSON.stringify(EXTRA_ENV)}`);
  console.log(
    [
      'run'.padEnd(14),
      'idle cg'.padStart(8),
      'peak cg'.padStart(8),
      'kernel'.padStart(7),
      'anon'.padStart(7),
      'file'.padStart(6),
      'RSS'.padStart(7),
      'heap'.padStart(6),
      'live'.padStart(6),
      'GCs y/o'.padStart(9),
      'max ms'.padStart(7),
      'req/s'.padStart(7),
      'errors'.padStart(7),
      'OOM'.padStart(4),
    ].join(' '),
  );
  const runs: Array<{ cache: boolean; run: LimitedRun }> = [];
  const modes = CACHE === 'both' ? [true, false] : [CACHE === 'cached'];
  for (const cache of modes) {
    for (let i = 0; i < REPEATS; i++) {
      const run = await runLimited({
        entry,
        simUrl: sim.url,
        limitMiB: LIMIT_MIB,
        cache,
        calls,
        measure: {
          generator,
          concurrency: knobs.concurrency,
          seconds: knobs.seconds,
          warmupSeconds: knobs.warmupSeconds,
          simPid: sim.child.pid,
          rule: 'tool-call',
        },
        nodeOptions: NODE_OPTIONS,
        env: EXTRA_ENV,
        fill: FILL,
        nodeArgs: NODE_ARGS,
      });
      runs.push({ cache, run });
      console.log(
        [
          `${cache ? 'cached' : 'uncached'} #${i + 1}`.padEnd(14),
          f(run.idleCgroupMiB).padStart(8),
          f(run.peakCgroupMiB).padStart(8),
          f(run.peakKernelMiB).padStart(7),
          f(run.peakAnonMiB).padStart(7),
          f(run.fileAtPeakAnonMiB).padStart(6),
          f(run.peakRssMiB).padStart(7),
          f(run.gc.maxCommittedMB).padStart(6),
          f(run.gc.maxLiveAfterFullMB).padStart(6),
          `${run.gc.scavenges}/${run.gc.markCompacts}`.padStart(9),
          f(run.gc.maxPauseMs).padStart(7),
          f(run.run.rps, 0).padStart(7),
          String(run.run.errors).padStart(7),
          String(run.oomKills).padStart(4),
          run.fill
            ? ` filled by ${run.fill.calls} calls (${f(run.fill.bytes / 2 ** 20)} MiB of answers)`
            : '',
          run.failure ? ` ${run.failure}` : '',
        ].join(' '),
      );
    }
  }
  console.log(
    JSON.stringify(
      runs.map(({ cache, run }) => ({
        cache,
        idle_cgroup_mib: Number(f(run.idleCgroupMiB)),
        peak_cgroup_mib: Number(f(run.peakCgroupMiB)),
        peak_kernel_mib: Number(f(run.peakKernelMiB)),
        peak_anon_mib: Number(f(run.peakAnonMiB)),
        peak_rss_mib: Number(f(run.peakRssMiB)),
        rps: Math.round(run.run.rps),
        oom_kills: run.oomKills,
        live_after_full_gc_mb: run.gc.maxLiveAfterFullMB,
        ...(run.fill ? { fill_calls: run.fill.calls } : {}),
        ...(run.failure ? { failure: run.failure } : {}),
      })),
    ),
  );
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(shutdownAll);
