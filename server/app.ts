import { createHomeSwitch } from './auth/plex-tv/home-switch.ts';
import type { CacheConfig } from './cache/cache-config.ts';
import { createToolCache } from './cache/cache-factory.ts';
import type { CacheMetrics } from './cache/cache-metrics.ts';
import type { ToolCache } from './cache/tool-cache.ts';
import type { ServerConfig } from './config/config.ts';
import { ENV } from './config/settings.ts';
import type { ReadinessCheck } from './http/health.ts';
import { plexReadinessCheck } from './http/plex-readiness.ts';
import { followWithCache, type LiveInvalidation } from './live/live-invalidation.ts';
import type { LiveMetrics } from './live/live-metrics.ts';
import { createPlexLive, type PlexLive } from './live/plex-live.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import type { ServerMetrics } from './observability/metrics.ts';
import { createPlexClient } from './plex/create-plex-client.ts';
import { shouldServeStale } from './plex/errors.ts';
import type { PlexClient } from './plex/plex-client.ts';
import type { PlexRequestPolicy } from './plex/request-policy.ts';
import { createPlexResilience } from './resilience/plex-resilience.ts';
import type { ResilienceMetrics } from './resilience/resilience-metrics.ts';
import { urisForChange } from './resources/live-resource-changes.ts';
import { createResourceNotifier, type ResourceNotifier } from './resources/resource-notifier.ts';
import { urisForKind } from './resources/resource-uris.ts';
import { toolAccessOf } from './tools/tool-access.ts';
import type { ToolDeps } from './tools/tool-deps.ts';
import { SERVER_NAME } from './version.ts';

/** Everything long-lived a server process holds; shared by every request and both transports. */
export interface ServerDeps extends ToolDeps {
  config: ServerConfig;
  /** This Plex Media Server's machine identifier, asked of Plex once (a failure is retried on the next call). */
  machineIdentifier(): Promise<string>;
  /** The Prometheus registry /metrics serves; absent over stdio, which serves no metrics (see loadPrometheus). */
  metrics: ServerMetrics | undefined;
  /** Checks behind /health/ready (Plex now; the cache adds its own). */
  readinessChecks: ReadinessCheck[];
  /** "This plex:// resource changed", heard by the HTTP event bus and every stdio connection. */
  resources: ResourceNotifier;
  /** Event-driven cache invalidation (absent when the cache is disabled). */
  liveInvalidation: LiveInvalidation | undefined;
  /** Closes the cache and the Plex pool. */
  close(): Promise<void>;
}

export interface ServerDepsOverrides {
  logger?: Logger;
  plex?: PlexClient;
  cache?: ToolCache;
  policy?: PlexRequestPolicy;
  metrics?: ServerMetrics;
  live?: PlexLive;
  /**
   * Whether to connect the event stream of the PlexLive built here now (default) or leave it to the caller's
   * `deps.live.start()`: the server's own start (cli.ts) connects it once the transport is ready and idle.
   */
  startLive?: boolean;
}

export function secretsOf(config: ServerConfig): string[] {
  return [
    config.plex.token,
    config.server.authToken,
    config.redis.password,
    config.redis.url,
    config.auth.oauth?.introspection?.clientSecret,
    config.tools.confirmKey,
    config.auth.plexSignIn?.key,
  ].filter((s): s is string => typeof s === 'string');
}

/** The cache module's own configuration, from the validated environment. */
export function toCacheConfig(config: ServerConfig): CacheConfig {
  return {
    enabled: config.cache.enabled,
    ttlSeconds: config.cache.ttlSeconds,
    staleSeconds: config.cache.staleSeconds,
    maxBytes: config.cache.maxBytes,
    redis: config.redis.url
      ? { url: config.redis.url, password: config.redis.password, tls: config.redis.tls }
      : undefined,
    plexServerUrl: config.plex.url,
  };
}

/** The server's Prometheus registry and, on it, the metrics of the parts createServerDeps builds. */
interface Prometheus {
  server: ServerMetrics;
  resilience(): ResilienceMetrics;
  cache(): CacheMetrics;
  live(): LiveMetrics;
}

/**
 * The Prometheus metrics, loaded only where something reads them: /metrics over HTTP (or a registry the caller
 * passes). A stdio server serves no metrics, so it does not load prom-client (which brings @opentelemetry/api: ~90
 * modules of start-up) and its parts count nothing.
 */
async function loadPrometheus(config: ServerConfig, given?: ServerMetrics): Promise<Prometheus | undefined> {
  if (given === undefined && config.transport !== 'http') return undefined;
  const [{ createMetrics }, { createResilienceMetrics }, { createCacheMetrics }, { createLiveMetrics }] =
    await Promise.all([
      import('./observability/metrics.ts'),
      import('./resilience/resilience-metrics.ts'),
      import('./cache/cache-metrics.ts'),
      import('./live/live-metrics.ts'),
    ]);
  const server = given ?? createMetrics();
  return {
    server,
    resilience: () => createResilienceMetrics(server.registry),
    cache: () => createCacheMetrics(server.registry),
    live: () => createLiveMetrics(server.registry),
  };
}

/**
 * Builds logger, metrics, the Plex client (behind the cockatiel resilience policy) and the tool cache (Redis,
 * memory or disabled, per configuration). Any part can be overridden, e.g. by tests.
 */
export async function createServerDeps(
  config: ServerConfig,
  overrides: ServerDepsOverrides = {},
): Promise<ServerDeps> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const prometheus = await loadPrometheus(config, overrides.metrics);
  const metrics = prometheus?.server;
  let policy = overrides.policy;
  if (!overrides.plex && !policy) {
    const resilienceMetrics = prometheus?.resilience();
    const resilience = createPlexResilience({
      deadlineMs: config.plex.timeoutMs,
      logger,
      events: resilienceMetrics,
    });
    resilienceMetrics?.observeCircuit(() => resilience.circuitState());
    policy = resilience;
  }
  const plex = overrides.plex ?? createPlexClient(config, policy, logger);
  const cache =
    overrides.cache ??
    createToolCache(toCacheConfig(config), {
      shouldServeStale,
      logger,
      metrics: prometheus?.cache(),
    });
  let live = overrides.live;
  if (!live) {
    live = createPlexLive({
      enabled: config.plex.events.enabled,
      plex,
      logger,
      metrics: prometheus?.live(),
      timings: { idleTimeoutMs: config.plex.events.idleTimeoutMs, recycleMs: config.plex.events.recycleMs },
    });
    if (overrides.startLive !== false) live.start();
  }
  const resources = createResourceNotifier();
  live.onChange((change) => resources.changed(urisForChange(change)));
  const liveInvalidation =
    cache.status().mode === 'disabled' ? undefined : followWithCache(live, cache, logger);
  const machineIdentifier = () => plex.machineIdentifier();
  // With the owner's token, `user` may name a profile of their Plex Home: acted as through plex.tv's switch.
  const homeSwitch =
    config.auth.mode === 'plex'
      ? undefined
      : createHomeSwitch({
          plexTv: {
            baseUrl: config.plex.plexTv.url,
            resourcesBaseUrl: config.plex.plexTv.resourcesUrl,
            clientIdentifier: config.plex.clientIdentifier,
            product: SERVER_NAME,
          },
          ownerToken: config.plex.token,
          machineIdentifier,
        });
  if (
    config.tools.confirmKey === undefined &&
    config.transport === 'http' &&
    config.tools.writeAccess === 'library'
  ) {
    logger.info(
      `${ENV.confirmTokenKey} is not set: confirmation tokens of delete_playlist and remove_from_playlist work on this replica only`,
    );
  }
  return {
    config,
    logger,
    metrics,
    plex,
    cache,
    access: toolAccessOf(config.tools),
    observer: metrics?.observer,
    posters: config.posters,
    live,
    machineIdentifier,
    ...(homeSwitch && { homeSwitch }),
    liveInvalidation,
    resources,
    notifyChanged: (kinds) => resources.changed(kinds.flatMap(urisForKind)),
    // Ready = able to serve: Plex reachable, or a cache that can answer (stale) while it is not.
    readinessChecks: [
      plexReadinessCheck(plex, { critical: cache.status().mode === 'disabled' }),
      cacheReadinessCheck(cache),
      liveReadinessCheck(live),
    ],
    async close() {
      liveInvalidation?.stop();
      resources.close();
      await live.close();
      await Promise.allSettled([cache.close(), plex.close()]);
    },
  };
}

/** Reported on /health/ready but never critical: without Redis the tools still answer straight from Plex. */
function cacheReadinessCheck(cache: ToolCache): ReadinessCheck {
  return {
    name: 'cache',
    critical: false,
    async check() {
      const { mode, connected } = cache.status();
      return { status: mode === 'redis' && !connected ? 'degraded' : 'ok', mode, connected };
    },
  };
}

/**
 * The event stream, reported on /health/ready but never critical: without it the server answers as it did before
 * it existed (cache lifetimes). `degraded` while it is down or unsupported, so the fallback is visible.
 */
function liveReadinessCheck(live: PlexLive): ReadinessCheck {
  return {
    name: 'events',
    critical: false,
    async check() {
      const { mode, stream } = live.status();
      return {
        // Connecting (at start, or right after a drop) is not yet a fallback worth flagging.
        status: stream.state === 'disconnected' || stream.state === 'unsupported' ? 'degraded' : 'ok',
        mode,
        state: stream.state,
        ...(stream.reason ? { reason: stream.reason } : {}),
        since: stream.since,
        reconnects: stream.reconnects,
      };
    },
  };
}
