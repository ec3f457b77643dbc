// Defaults of what a PlexMcpServer becomes, in one place so the docs, the CRD descriptions and tests agree.
import type { V1ResourceRequirements } from '@kubernetes/client-node';
import { memoryBytes } from './quantity.ts';

/** The port the server listens on inside the pod (the Service maps spec.service.port to it). */
export const SERVER_CONTAINER_PORT = 8080;
export const REDIS_PORT = 6379;

/** uid/gid of the image's `plexmcp` user (Dockerfile). */
export const SERVER_UID = 10001;
/** uid/gid of the `redis` user in the official redis images. */
export const REDIS_UID = 999;

export const DEFAULT_REDIS_IMAGE = 'redis:7.4-alpine';

/**
 * Requests fit a home-lab node. The limit is 256Mi, not 128Mi: `npm run bench:server` (50 clients, cached calls)
 * measured ~85-90 MiB RSS idle (of which ~50 MiB are the node binary's file pages) and ~150 MiB under load with
 * the heap flags below (~100 MiB of it anonymous), so 128Mi would leave the kernel reclaiming the binary's pages
 * or OOM-killing the pod under load. 256Mi also leaves the in-memory cache (a quarter of the limit, see
 * server-config.ts) room inside V8's old space (half of the limit, see serverNodeOptions).
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
 * The old-space cap (half the limit) makes V8 collect well before the limit while still holding the in-memory
 * cache (a quarter of the limit) and the live set (~17 MiB idle); the semi-space cap bounds the young generation.
 * Measured with `npm run bench:server:heap` (2 cores, 50 clients, cached calls): 64/4 and 96/4 and 128/8 cost
 * ~15-30% more CPU per request than V8's defaults, with ~100 MiB anonymous RSS at peak instead of ~350; 40/1 cut
 * the peak to ~80 MiB anonymous but cost ~50% more CPU per request; semi-space 1-2 MiB cost more CPU than 4.
 */
export function serverNodeOptions(memoryLimitBytes: number): string {
  const mib = Math.floor(memoryLimitBytes / 2 ** 20);
  const oldSpace = Math.max(32, Math.floor(mib * SERVER_OLD_SPACE_SHARE));
  return `--max-old-space-size=${oldSpace} --max-semi-space-size=${SERVER_SEMI_SPACE_MIB}`;
}

/** Share of the container's memory limit V8's old space may use; the rest is code, native memory and buffers. */
export const SERVER_OLD_SPACE_SHARE = 0.5;
/** Young-generation semi-space, MiB. */
export const SERVER_SEMI_SPACE_MIB = 4;

/**
 * NODE_OPTIONS for the default memory limit: the Dockerfile's ENV carries the same string (a unit test keeps them
 * equal) and bench:server runs the server with it.
 */
export const SERVER_NODE_OPTIONS = serverNodeOptions(
  memoryBytes(DEFAULT_SERVER_RESOURCES.limits?.memory) ?? 256 * 2 ** 20,
);
