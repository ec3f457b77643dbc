/**
 * bench:server's memory-limited runs: the server inside a real memory cgroup (memory-cgroup.ts) with the limit a
 * PlexMcpServer sets in spec.resources.limits.memory, and exactly the environment the operator renders for that
 * limit (NODE_OPTIONS and the in-memory cache bound, from cdk8s serverConfigData), under the 50-client load.
 */
import { serverProcessEnv } from '../../cdk8s/plex-mcp-server/defaults.ts';
import { serverConfigData } from '../../cdk8s/plex-mcp-server/index.ts';
import { parsePlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import type { GcSummary } from './gc-trace.ts';
import { createMemoryCgroup } from './memory-cgroup.ts';
import { processMemory } from './proc-memory.ts';
import {
  callTool,
  type Measured,
  type MeasureOptions,
  measure,
  startMcpServer,
  stopServer,
  type ToolCall,
  warm,
} from './server-harness.ts';

/**
 * Fills the in-memory cache past its bound with distinct answers (browse_library pages of every library over
 * sizes, sorts, watched filters and years), so a limited run measures the limit holding a full cache and not the
 * 40 answers of the workload. Eight calls at a time; it stops once the structured answers (about what the cache
 * stores) pass 1.5 times the bound, so the LRU has evicted. Returns the calls made and those bytes.
 */
export async function fillCache(url: string, boundBytes: number): Promise<{ calls: number; bytes: number }> {
  const { structuredContent } = await callTool(url, { name: 'list_libraries', arguments: {} });
  const libraries = ((structuredContent?.libraries ?? []) as Array<{ id: string }>).map((l) => l.id);
  if (libraries.length === 0) throw new Error('cache fill: list_libraries found no library');
  const goal = 1.5 * boundBytes;
  let calls = 0;
  let bytes = 0;
  function* distinctCalls(): Generator<ToolCall> {
    for (let limit = 100; limit >= 1; limit -= 7)
      for (const unwatched of [undefined, true, false])
        for (const sort of ['title', 'added', 'year', 'year_asc', 'rating', 'last_viewed'])
          for (let year = 1920; year <= 2030; year += 5)
            for (const library of libraries)
              yield {
                name: 'browse_library',
                arguments: {
                  library,
                  sort,
                  limit,
                  year_from: year,
                  ...(unwatched === undefined ? {} : { unwatched }),
                },
              };
  }
  const pending = distinctCalls();
  const worker = async (): Promise<void> => {
    for (let next = pending.next(); !next.done && bytes <= goal; next = pending.next()) {
      const answer = await callTool(url, next.value);
      calls++;
      bytes += Buffer.byteLength(JSON.stringify(answer.structuredContent ?? {}));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  if (bytes <= goal)
    throw new Error(`cache fill: ${calls} distinct calls gave ${bytes} bytes, under 1.5x the bound`);
  return { calls, bytes };
}

/** What the operator puts in the ConfigMap for a resource with this memory limit and no Redis (in-memory cache). */
export function limitedEnv(limitMiB: number, cache: boolean): Record<string, string> {
  const parsed = parsePlexMcpServer({
    apiVersion: 'plexmcp.dev/v1alpha1',
    kind: 'PlexMcpServer',
    metadata: { name: 'bench', namespace: 'bench' },
    spec: {
      plex: { url: 'http://plex.invalid:32400', tokenSecretRef: { name: 'plex-token', key: 'token' } },
      cache: { enabled: cache },
      redis: { mode: 'Disabled' },
      resources: { requests: { memory: '50Mi' }, limits: { memory: `${limitMiB}Mi` } },
    },
  });
  if (!parsed.ok) throw new Error(`bench resource does not parse: ${parsed.errors.join('; ')}`);
  const data = serverConfigData(parsed.value);
  // What the limit decides: the process environment (NODE_OPTIONS, and MALLOC_ARENA_MAX at a tight limit) and the
  // in-memory cache's bound.
  const fromLimit = [...Object.keys(serverProcessEnv(limitMiB * 2 ** 20)), 'CACHE_MAX_BYTES'];
  return Object.fromEntries(
    fromLimit.flatMap((key) => (data[key] === undefined ? [] : [[key, data[key] as string]])),
  );
}

export interface LimitedRun {
  limitMiB: number;
  nodeOptions: string;
  cache: boolean;
  run: Measured;
  idleCgroupMiB: number;
  /** The kernel's own high-water mark for the cgroup (memory.max_usage_in_bytes), start-up included. */
  peakCgroupMiB: number;
  /** The kernel memory's high-water mark (memory-cgroup.ts kernelPeakMiB; NaN where the kernel keeps none). */
  peakKernelMiB: number;
  peakRssMiB: number;
  /** Highest anonymous memory in the cgroup (sampled every 100 ms): what the limit really has to hold. */
  peakAnonMiB: number;
  /** File pages in the cgroup at that moment (reclaimable under pressure, yet counted as usage). */
  fileAtPeakAnonMiB: number;
  oomKills: number;
  gc: GcSummary;
  /** The cache fill before the load (fill: true): calls made and the bytes of their answers. */
  fill?: { calls: number; bytes: number };
  /** Why the load could not finish (the server was killed, say); the figures above are then partial. */
  failure?: string;
}

const NOT_RUN: Measured = {
  requests: 0,
  totalRequests: 0,
  errors: 0,
  seconds: 0,
  rps: Number.NaN,
  p50Ms: Number.NaN,
  p90Ms: Number.NaN,
  p99Ms: Number.NaN,
  maxMs: Number.NaN,
  bodyBytes: 0,
  byLabel: {},
  rssMiB: Number.NaN,
  rssAnonMiB: Number.NaN,
  serverCpu: Number.NaN,
  simCpu: Number.NaN,
  serverCpuUsPerRequest: Number.NaN,
  cgroupPeakMiB: Number.NaN,
  cgroupSeriesMiB: [],
};

export async function runLimited(options: {
  entry: string;
  simUrl: string;
  limitMiB: number;
  cache: boolean;
  calls: ToolCall[];
  measure: MeasureOptions;
  /** Instead of the rendered environment's (bench:server:limited's A/B runs); the rendered one otherwise. */
  nodeOptions?: string | undefined;
  env?: Record<string, string>;
  /** V8/Node flags for the command line, before the entry (flags NODE_OPTIONS refuses; A/B runs only). */
  nodeArgs?: string[];
  /** Cached runs only: fill the cache past its bound (fillCache) before the workload's warm-up and load. */
  fill?: boolean;
}): Promise<LimitedRun> {
  const rendered = limitedEnv(options.limitMiB, options.cache);
  const { NODE_OPTIONS: renderedNodeOptions = '', ...renderedEnv } = rendered;
  const nodeOptions = options.nodeOptions ?? renderedNodeOptions;
  const env = { ...renderedEnv, ...options.env };
  const cgroup = createMemoryCgroup(
    `${options.limitMiB}m-${options.cache ? 'cached' : 'uncached'}`,
    options.limitMiB * 2 ** 20,
  );
  if ('reason' in cgroup) throw new Error(`limited run impossible: ${cgroup.reason}`);
  try {
    const server = await startMcpServer(
      options.entry,
      options.simUrl,
      { ...env, CACHE_ENABLED: String(options.cache) },
      { nodeOptions, cgroup, traceGc: true, ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}) },
    );
    let run = NOT_RUN;
    let fill: { calls: number; bytes: number } | undefined;
    let failure: string | undefined;
    let peakAnonMiB = 0;
    let fileAtPeakAnonMiB = Number.NaN;
    const sampler = setInterval(() => {
      const split = cgroup.split();
      if (split.anonMiB > peakAnonMiB) {
        peakAnonMiB = split.anonMiB;
        fileAtPeakAnonMiB = split.fileMiB;
      }
    }, 100);
    try {
      if (options.fill && options.cache) {
        const bound = Number(env.CACHE_MAX_BYTES ?? Number.NaN);
        if (!Number.isFinite(bound)) throw new Error('cache fill: no CACHE_MAX_BYTES rendered or given');
        fill = await fillCache(server.url, bound);
      }
      await warm(server.url, options.calls);
      server.gc?.mark();
      run = await measure(server.url, options.calls, server.child.pid, { ...options.measure, cgroup });
    } catch (error) {
      const exit = server.child.signalCode ?? server.child.exitCode;
      failure = `${(error as Error).message.split('\n')[0]}${exit === null ? '' : ` (server exited: ${exit})`}`;
    }
    clearInterval(sampler);
    let peakRssMiB = Number.NaN;
    try {
      peakRssMiB = processMemory(server.child.pid as number).peakRssMiB;
    } catch {
      // killed
    }
    const gc = server.gc?.summary() ?? {
      scavenges: 0,
      markCompacts: 0,
      totalPauseMs: 0,
      maxPauseMs: 0,
      maxCommittedMB: 0,
      maxLiveAfterFullMB: 0,
    };
    const result: LimitedRun = {
      limitMiB: options.limitMiB,
      nodeOptions,
      cache: options.cache,
      run,
      idleCgroupMiB: server.idleCgroupMiB,
      peakCgroupMiB: cgroup.peakMiB(),
      peakKernelMiB: cgroup.kernelPeakMiB(),
      peakRssMiB,
      peakAnonMiB,
      fileAtPeakAnonMiB,
      oomKills: cgroup.oomKills(),
      gc,
      ...(fill ? { fill } : {}),
      ...(failure || cgroup.vanished()
        ? {
            failure: [
              failure,
              cgroup.vanished() ? 'its cgroup was removed while it ran (figures up to then)' : '',
            ]
              .filter(Boolean)
              .join('; '),
          }
        : {}),
    };
    await stopServer(server.child);
    return result;
  } finally {
    try {
      cgroup.remove();
    } catch {
      // a process still inside (an error above); the next run removes the empty cgroup
    }
  }
}
