// Defaults of what a PlexMcpServer becomes, in one place so the docs, the CRD descriptions and tests agree.
import type { V1ResourceRequirements } from '@kubernetes/client-node';

/** The port the server listens on inside the pod (the Service maps spec.service.port to it). */
export const SERVER_CONTAINER_PORT = 8080;
export const REDIS_PORT = 6379;

/** uid/gid of the image's `plexmcp` user (Dockerfile). */
export const SERVER_UID = 10001;
/** uid/gid of the `redis` user in the official redis images. */
export const REDIS_UID = 999;

export const DEFAULT_REDIS_IMAGE = 'redis:7.4-alpine';

/** Requests fit a home-lab node; the limit leaves headroom over the server's 100 MiB RSS target. */
export const DEFAULT_SERVER_RESOURCES: V1ResourceRequirements = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { memory: '128Mi' },
};

export const DEFAULT_REDIS_RESOURCES: V1ResourceRequirements = {
  requests: { cpu: '25m', memory: '32Mi' },
  limits: { memory: '128Mi' },
};

/** Share of the Redis container's memory limit Redis may fill before evicting (the rest is overhead). */
export const REDIS_MAXMEMORY_SHARE = 0.75;
/** maxmemory when the Redis container has no memory limit: Redis must never grow unbounded. */
export const REDIS_FALLBACK_MAXMEMORY_BYTES = 96 * 1024 * 1024;
