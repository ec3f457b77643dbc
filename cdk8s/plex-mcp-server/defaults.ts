// Defaults of what a PlexMcpServer becomes, in one place so the docs, the CRD descriptions and tests agree.
import type { V1ResourceRequirements } from '@kubernetes/client-node';
import { memoryBytes } from './quantity.ts';

/** The port the server listens on inside the pod (the Service maps spec.service.port to it). */
export const SERVER_CONTAINER_PORT = 8080;
/** Name of that port on the container and the Service (and so on the EndpointSlices the operator verifies by). */
export const SERVER_PORT_NAME = 'http';
export const REDIS_PORT = 6379;

/** uid/gid of the image's `plexmcp` user (Dockerfile). */
export const SERVER_UID = 10001;
/** uid/gid of the `redis` user in the official redis images. */
export const REDIS_UID = 999;

export const DEFAULT_REDIS_IMAGE = 'redis:7.4-alpine';

/**
 * Requests fit a home-lab node. The limit is 256Mi, not 128Mi: `npm run bench:server` (50 clients, cached calls)
 * measured ~85-90 MiB RSS idle (of which ~50 MiB are the node binary's file pages) and 150-180 MiB under load
 * with the heap flags below (100-130 MiB of it anonymous), so 128Mi would leave the kernel reclaiming the binary's
 * pages or OOM-killing the pod under load. 256Mi also leaves the in-memory cache (inMemoryCacheBytes: 48 MiB)
 * room inside V8's old space (half of the limit, see serverNodeOptions).
 */
export const DEFAULT_SERVER_RESOURCES: V1ResourceRequirements = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { memory: '256Mi' },
};

export const DEFAULT_REDIS_RESOURCES: V1ResourceRequirements = {
  requests: { cpu: '25m', memory: '32Mi' },
  limits: { memory: '128Mi' },
};

/** Share of the Redis container's memory limit Redis may fill before evicting (the rest is overhead). */
export const REDIS_MAXMEMORY_SHARE = 0.75;
/** maxmemory when the Redis container has no memory limit: Redis must never grow unbounded. */
export const REDIS_FALLBACK_MAXMEMORY_BYTES = 96 * 1024 * 1024;

/**
 * V8 heap flags for the server container, from its memory limit (NODE_OPTIONS). Without them V8 sizes its heap
 * from the machine's RAM and collects lazily: bench:server saw 350-400 MiB RSS under load on a 24 GiB machine.
 * - Old space: half the limit, leaving at least SERVER_OUTSIDE_OLD_SPACE_MIB. V8 collects well before the limit,
 *   and the in-memory cache (inMemoryCacheBytes) plus the live set fit.
 * - Semi-space: limit/16, at most 16 MiB. A small young generation promotes the garbage of every in-flight request
 *   (requests outlive several scavenges under load), which then costs full GCs: with old space 128 MiB,
 *   `npm run bench:server:heap` and an uncached A/B measured (CPU per request, max anonymous RSS)
 *   semi 4: cached 404 us / 98 MiB, uncached 2768 us / 109 MiB;  semi 16: cached 370 us / 120 MiB, uncached
 *   2098 us / 119 MiB;  semi 32: cached 347 us / 169 MiB (peak RSS 225 MiB, too close to 256Mi), uncached 1329 us.
 *   V8's defaults on that machine: cached ~270-300 us, uncached ~900 us, but ~350 MiB anonymous.
 *   V8 rounds a semi-space size up to a power of two, so the flag is rounded down to one: limit/16 of the design's
 *   100Mi is 6, which V8 made 8 (a 16 MiB young generation, committed from the first requests on; idle anonymous
 *   memory 49.9 MiB with 6, 43.8 MiB with 4, measured with process.memoryUsage and smaps_rollup).
 *   At a tight limit (isTightMemoryLimit) it is limit/32: 2 MiB at 100Mi (see serverProcessEnv for what it saved).
 */
export function serverNodeOptions(memoryLimitBytes: number): string {
  const { oldSpaceMiB, semiSpaceMiB } = serverHeapMiB(memoryLimitBytes);
  return `--max-old-space-size=${oldSpaceMiB} --max-semi-space-size=${semiSpaceMiB}`;
}

/**
 * Whether the limit is tight: under 111Mi, where half of it as old space would not leave
 * SERVER_OUTSIDE_OLD_SPACE_MIB outside. There the outside is made smaller too: a halved young generation
 * (serverHeapMiB) and two malloc arenas (serverProcessEnv).
 */
export function isTightMemoryLimit(memoryLimitBytes: number): boolean {
  const mib = Math.floor(memoryLimitBytes / 2 ** 20);
  return Math.floor(mib * SERVER_OLD_SPACE_SHARE) > mib - SERVER_OUTSIDE_OLD_SPACE_MIB;
}

/** The V8 heap sizes serverNodeOptions gives a server with this memory limit, MiB. */
export function serverHeapMiB(memoryLimitBytes: number): { oldSpaceMiB: number; semiSpaceMiB: number } {
  const mib = Math.floor(memoryLimitBytes / 2 ** 20);
  const semiSpaceShare = isTightMemoryLimit(memoryLimitBytes) ? 32 : 16;
  return {
    oldSpaceMiB: Math.max(
      32,
      Math.min(Math.floor(mib * SERVER_OLD_SPACE_SHARE), mib - SERVER_OUTSIDE_OLD_SPACE_MIB),
    ),
    semiSpaceMiB: powerOfTwoAtMost(
      Math.min(SERVER_MAX_SEMI_SPACE_MIB, Math.max(1, Math.floor(mib / semiSpaceShare))),
    ),
  };
}

/**
 * glibc's malloc arenas at a tight limit (MALLOC_ARENA_MAX). By default glibc gives each thread that allocates
 * its own arena, up to 8 per core; V8's worker threads (concurrent compilation and GC) then kept 17-22 MiB in
 * six arenas at the peak of the 50-client load at 100Mi, next to the main thread's 10-14 MiB (smaps). Two
 * arenas share that memory instead of each holding its own free space.
 */
export const TIGHT_LIMIT_MALLOC_ARENAS = 2;

/**
 * The server process's environment for its memory limit (the ConfigMap): V8's heap flags, and at a tight limit
 * the malloc arena cap. At 100Mi, bench:server:limited (50 cached clients, quiet machine, 7 runs each) measured
 * peak cgroup usage 91.1-100.0 MiB (median 96.6) with semi-space 4 and glibc's default arenas, 77.5-92.1
 * (median 87.5) with semi-space 2 and two arenas, at the same throughput (1428-1867 vs 1560-1990 req/s); idle
 * 45-47 -> 40-42 MiB. Each alone took off about half of that. The price is uncached throughput at that limit:
 * 277-350 req/s against 367-386 (a small young generation promotes the in-flight Plex answers: 2x the
 * scavenges), its peak 81-85 -> 69-71 MiB; with a full cache (BENCH_FILL=1) the cached load peaked at 72-86 MiB.
 * With Maglev's inlining also off in such a small heap (server/startup/maglev-inlining.ts, set by the server
 * itself), the 100Mi runs measured cached peaks 74.5-89.1 MiB (median 76) and uncached 343-375 req/s.
 */
export function serverProcessEnv(memoryLimitBytes: number): Record<string, string> {
  return {
    NODE_OPTIONS: serverNodeOptions(memoryLimitBytes),
    ...(isTightMemoryLimit(memoryLimitBytes) ? { MALLOC_ARENA_MAX: String(TIGHT_LIMIT_MALLOC_ARENAS) } : {}),
  };
}

/**
 * The in-memory cache's bound (CACHE_MAX_BYTES without Redis) for a server with this memory limit: half of what
 * V8's old space leaves after SERVER_HEAP_RESERVE_MIB, at least 1 MiB. The cache lives in that old space, and a
 * cached byte costs about 1.1-1.25 bytes of heap (strings, LRU nodes, keys). `BENCH_FILL=1 npm run
 * bench:server:limited` fills the cache past its bound and then runs the 50-client load. With a quarter of the
 * limit, as before: at 100Mi (25 MiB in 50 MiB of old space) V8 ran out of heap in 2 of 2 runs (live 47 MB); at
 * 256Mi (64 MiB in 128) the live heap was 100 MB and every GC of the load was a full one (0 scavenges, 81
 * mark-compacts). With this bound the live heap stays near three quarters of the old space or less (100Mi: 6 MiB,
 * live ~34 MB of 44; 256Mi: 48 MiB, live 78.6 MB of 128).
 */
export function inMemoryCacheBytes(memoryLimitBytes: number): number {
  const { oldSpaceMiB } = serverHeapMiB(memoryLimitBytes);
  return Math.max(2 ** 20, Math.floor(((oldSpaceMiB - SERVER_HEAP_RESERVE_MIB) / 2) * 2 ** 20));
}

/**
 * Old space the server needs besides its cache, MiB: its live heap under bench:server's 50-client load with the
 * workload's few answers cached was 27.5 MB at 100Mi (the code, the SDK's and zod's schemas, in-flight requests).
 */
export const SERVER_HEAP_RESERVE_MIB = 32;

/** The largest power of two not above `mib` (at least 1). */
function powerOfTwoAtMost(mib: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(1, mib)));
}

/**
 * What the process needs besides V8's old space, MiB, at small limits: the young generation, code, glibc's arenas
 * (V8's worker threads' alone reached 23 MiB) and buffers, about 40-45 MiB under load at 100Mi. So the old space
 * leaves at least this much, which matters below 112Mi only. At 100Mi, with a full cache (BENCH_FILL=1
 * bench:server:limited, quiet machine, interleaved): old space 50 and a 9 MiB cache were OOM-killed in 2 of 4 runs
 * (peaks 93.7-100 MiB); old space 44 and its 6 MiB cache in 0 of 4 (peaks 85.9-94.2), at the same throughput.
 */
export const SERVER_OUTSIDE_OLD_SPACE_MIB = 56;
/** Share of the container's memory limit V8's old space may use; the rest is code, native memory and buffers. */
export const SERVER_OLD_SPACE_SHARE = 0.5;
/** Largest young-generation semi-space, MiB (bigger buys little CPU for a lot of RSS). */
export const SERVER_MAX_SEMI_SPACE_MIB = 16;

/**
 * NODE_OPTIONS for the default memory limit: the Dockerfile's ENV carries the same string (a unit test keeps them
 * equal) and bench:server runs the server with it.
 */
export const SERVER_NODE_OPTIONS = serverNodeOptions(
  memoryBytes(DEFAULT_SERVER_RESOURCES.limits?.memory) ?? 256 * 2 ** 20,
);
