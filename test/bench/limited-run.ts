/**
 * bench:server's memory-limited runs: the server inside a real memory cgroup (memory-cgroup.ts) with the limit a
 * PlexMcpServer sets in spec.resources.limits.memory, and exactly the environment the operator renders for that
 * limit (NODE_OPTIONS and the in-memory cache bound, from cdk8s serverConfigData), under the 50-client load.
 */
import { serverConfigData } from '../../cdk8s/plex-mcp-server/index.ts';
import { parsePlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import type { GcSummary } from './gc-trace.ts';
import { createMemoryCgroup } from './memory-cgroup.ts';
import { processMemory } from './proc-memory.ts';
import {
  type Measured,
  type MeasureOptions,
  measure,
  startMcpServer,
  stopServer,
  type ToolCall,
  warm,
} from './server-harness.ts';

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
  return {
    NODE_OPTIONS: data.NODE_OPTIONS ?? '',
    ...(data.CACHE_MAX_BYTES ? { CACHE_MAX_BYTES: data.CACHE_MAX_BYTES } : {}),
  };
}

export interface LimitedRun {
  limitMiB: number;
  nodeOptions: string;
  cache: boolean;
  run: Measured;
  idleCgroupMiB: number;
  /** The kernel's own high-water mark for the cgroup (memory.max_usage_in_bytes), start-up included. */
  peakCgroupMiB: number;
  peakRssMiB: number;
  /** Highest anonymous memory in the cgroup (sampled every 100 ms): what the limit really has to hold. */
  peakAnonMiB: number;
  /** File pages in the cgroup at that moment (reclaimable under pressure, yet counted as usage). */
  fileAtPeakAnonMiB: number;
  oomKills: number;
  gc: GcSummary;
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
      { nodeOptions, cgroup, traceGc: true },
    );
    let run = NOT_RUN;
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
    };
    const result: LimitedRun = {
      limitMiB: options.limitMiB,
      nodeOptions,
      cache: options.cache,
      run,
      idleCgroupMiB: server.idleCgroupMiB,
      peakCgroupMiB: cgroup.peakMiB(),
      peakRssMiB,
      peakAnonMiB,
      fileAtPeakAnonMiB,
      oomKills: cgroup.oomKills(),
      gc,
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
