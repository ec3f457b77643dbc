/**
 * `npm run bench:server:heap`: the cached tools/call load of bench:server against servers started with different
 * V8 heap flags, to choose the container's NODE_OPTIONS (cdk8s/plex-mcp-server/defaults.ts) from measurements:
 * throughput and CPU per request against idle and peak RSS.
 *
 * Environment: BENCH_HEAP_SWEEP (';'-separated NODE_OPTIONS sets; '' = V8 defaults), BENCH_SECONDS (6),
 * BENCH_WARMUP_SECONDS (2), BENCH_CONCURRENCY (50), BENCH_ITEMS (2000), BENCH_LOADGEN.
 */
import { SERVER_NODE_OPTIONS } from '../../cdk8s/plex-mcp-server/defaults.ts';
import { processMemory } from './proc-memory.ts';
import {
  buildServer,
  chooseLoadGenerator,
  loadKnobs,
  log,
  measure,
  shutdownAll,
  startMcpServer,
  startSimulator,
  stopServer,
  warm,
  workload,
} from './server-harness.ts';

const DEFAULT_SWEEP = [
  '',
  '--max-semi-space-size=1',
  '--max-semi-space-size=2',
  '--max-semi-space-size=4',
  '--max-semi-space-size=8',
  '--max-old-space-size=48 --max-semi-space-size=2',
  SERVER_NODE_OPTIONS,
];

async function main(): Promise<void> {
  const sets = process.env.BENCH_HEAP_SWEEP?.split(';').map((s) => s.trim()) ?? [...new Set(DEFAULT_SWEEP)];
  const generator = chooseLoadGenerator();
  log(`load generator: ${generator.name}`);
  const entry = await buildServer();
  const knobs = loadKnobs(6);
  const sim = await startSimulator(knobs.items);
  const rows: string[] = [];
  for (const nodeOptions of sets) {
    const server = await startMcpServer(entry, sim.url, { CACHE_ENABLED: 'true' }, { nodeOptions });
    const calls = await workload(server.url);
    await warm(server.url, calls);
    const r = await measure(server.url, calls, server.child.pid, {
      generator,
      concurrency: knobs.concurrency,
      seconds: knobs.seconds,
      warmupSeconds: knobs.warmupSeconds,
      simPid: sim.child.pid,
      rule: 'tool-call',
    });
    const peak = processMemory(server.child.pid as number).peakRssMiB;
    await stopServer(server.child);
    const line = [
      (nodeOptions || '(V8 defaults)').padEnd(50),
      r.rps.toFixed(0).padStart(7),
      r.p50Ms.toFixed(2).padStart(7),
      r.p99Ms.toFixed(2).padStart(8),
      r.serverCpuUsPerRequest.toFixed(0).padStart(8),
      server.idleRssMiB.toFixed(1).padStart(8),
      peak.toFixed(1).padStart(8),
      server.idleRssAnonMiB.toFixed(1).padStart(8),
      r.rssAnonMiB.toFixed(1).padStart(8),
      String(r.errors).padStart(6),
    ].join(' ');
    log(line);
    rows.push(line);
  }
  console.log(
    [
      'NODE_OPTIONS'.padEnd(50),
      'req/s'.padStart(7),
      'p50 ms'.padStart(7),
      'p99 ms'.padStart(8),
      'µs/req'.padStart(8),
      'idle MiB'.padStart(8),
      'peak MiB'.padStart(8),
      'idle anon'.padStart(8),
      'max anon'.padStart(8),
      'errors'.padStart(6),
    ].join(' '),
  );
  console.log(rows.join('\n'));
  console.log(
    `load generator: ${generator.name}; µs/req = server CPU per request; peak = VmHWM; anon = RssAnon (heap, buffers: what a memory limit must hold; the rest of RSS is the node binary's file pages)`,
  );
}

try {
  await main();
} finally {
  await shutdownAll();
}
