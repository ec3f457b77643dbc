import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemoryServerEventBus, type ServerEventBus } from '@modelcontextprotocol/server';
import { createAuthGate } from './auth/auth-gate.ts';
import { createHomeSwitch } from './auth/plex-tv/home-switch.ts';
import { PlexTvClient } from './auth/plex-tv/plex-tv-client.ts';
import { categoriesKey } from './auth/scopes.ts';
import type { CacheConfig } from './cache/cache-config.ts';
import { createToolCache } from './cache/cache-factory.ts';
import { createCacheMetrics } from './cache/cache-metrics.ts';
import type { ToolCache } from './cache/tool-cache.ts';
import type { ServerConfig } from './config/config.ts';
import { ENV } from './config/settings.ts';
import { type ConnectionLimits, limitConnections, slowClientOptions } from './http/connection-limits.ts';
import { createApp } from './http/create-app.ts';
import type { ReadinessCheck } from './http/health.ts';
import { plexReadinessCheck } from './http/plex-readiness.ts';
import { followWithCache, type LiveInvalidation } from './live/live-invalidation.ts';
import { createLiveMetrics } from './live/live-metrics.ts';
import { createPlexLive, type PlexLive } from './live/plex-live.ts';
import { createMcpServer } from './mcp/create-mcp-server.ts';
import { createMcpServerPool, type McpServerPool } from './mcp/mcp-server-pool.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetrics, type ServerMetrics } from './observability/metrics.ts';
import { createPlexClient } from './plex/create-plex-client.ts';
import { shouldServeStale } from './plex/errors.ts';
import type { PlexClient } from './plex/plex-client.ts';
import type { PlexRequestPolicy } from './plex/request-policy.ts';
import { createPlexResilience } from './resilience/plex-resilience.ts';
import { createResilienceMetrics } from './resilience/resilience-metrics.ts';
import { urisForChange } from './resources/live-resource-changes.ts';
import { createResourceNotifier, type ResourceNotifier } from './resources/resource-notifier.ts';
import { urisForKind } from './resources/resource-uris.ts';
import { categoryOfTool } from './tools/registry.ts';
import { toolAccessOf } from './tools/tool-access.ts';
import type { ToolCategory } from './tools/tool-category.ts';
import type { ToolDeps } from './tools/tool-deps.ts';
import { SERVER_NAME } from './version.ts';

/** Everything long-lived a server process holds; shared by every request and both transports. */
export interface ServerDeps extends ToolDeps {
  config: ServerConfig;
  /** This Plex Media Server's machine identifier, asked of Plex once (a failure is retried on the next call). */
  machineIdentifier(): Promise<string>;
  metrics: ServerMetrics;
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

/**
 * Builds logger, metrics, the Plex client (behind the cockatiel resilience policy) and the tool cache (Redis,
 * memory or disabled, per configuration). Any part can be overridden, e.g. by tests.
 */
export async function createServerDeps(
  config: ServerConfig,
  overrides: ServerDepsOverrides = {},
): Promise<ServerDeps> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const metrics = overrides.metrics ?? createMetrics();
  let policy = overrides.policy;
  if (!overrides.plex && !policy) {
    const resilienceMetrics = createResilienceMetrics(metrics.registry);
    const resilience = createPlexResilience({
      deadlineMs: config.plex.timeoutMs,
      logger,
      events: resilienceMetrics,
    });
    resilienceMetrics.observeCircuit(() => resilience.circuitState());
    policy = resilience;
  }
  const plex = overrides.plex ?? createPlexClient(config, policy, logger);
  const cache =
    overrides.cache ??
    createToolCache(toCacheConfig(config), {
      shouldServeStale,
      logger,
      metrics: createCacheMetrics(metrics.registry),
    });
  const live =
    overrides.live ??
    createPlexLive({
      enabled: config.plex.events.enabled,
      plex,
      logger,
      metrics: createLiveMetrics(metrics.registry),
      timings: { idleTimeoutMs: config.plex.events.idleTimeoutMs, recycleMs: config.plex.events.recycleMs },
    });
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
          plexTv: new PlexTvClient({
            baseUrl: config.plex.plexTv.url,
            resourcesBaseUrl: config.plex.plexTv.resourcesUrl,
            clientIdentifier: config.plex.clientIdentifier,
            product: SERVER_NAME,
          }),
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
    observer: metrics.observer,
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

/**
 * The event bus behind `subscriptions/listen`: over Redis pub/sub when Redis is configured, so a change seen by
 * any replica reaches the streams every replica holds; in-process otherwise.
 */
async function resourceBus(config: ServerConfig, deps: ServerDeps): Promise<ServerEventBus> {
  const redis = toCacheConfig(config).redis;
  if (!redis) return new InMemoryServerEventBus();
  const { createRedisEventBus } = await import('./resources/redis-event-bus.ts');
  return createRedisEventBus({ ...redis, plexServerUrl: config.plex.url, logger: deps.logger });
}

/** Idle McpServer instances kept for reuse: about the concurrency a single replica sees; more are built on demand. */
const MAX_IDLE_MCP_SERVERS = 64;

export interface RunningHttpServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:8080/mcp. */
  url: string;
  port: number;
  deps: ServerDeps;
  /** The reused McpServer instances behind POST /mcp (2026-07-28 requests). */
  mcpServers: Pick<McpServerPool, 'idle' | 'created'>;
  /** Stops accepting, lets in-flight requests finish (bounded), then closes deps it created. */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Starts the HTTP server in this process (used by main.ts, tests and benchmarks). When `deps` is given the caller
 * owns it and close() leaves it open.
 */
export async function startHttpServer(
  config: ServerConfig,
  deps?: ServerDeps,
  signInLimits?: { tokenPerMinute?: number; pinsPerMinute?: number },
): Promise<RunningHttpServer> {
  const ownDeps = deps === undefined;
  const d = deps ?? (await createServerDeps(config));
  let listening = false;
  const auth = await createAuthGate(config, {
    logger: d.logger,
    registry: d.metrics.registry,
    categoryOfTool,
    machineIdentifier: d.machineIdentifier,
    ...(signInLimits && { signInLimits }),
  });
  // Reused McpServer instances for 2026-07-28 requests (see mcp-server-pool.ts for why that is safe), one pool per
  // set of tool categories a caller may see: the static token sees all, an OAuth token those its scopes cover.
  const pools = new Map<string, McpServerPool>();
  // The static token always yields the same Set object: remember its pool so the bearer hot path builds no key.
  const poolBySet = new WeakMap<ReadonlySet<ToolCategory>, McpServerPool>();
  const poolFor = (categories: ReadonlySet<ToolCategory>): McpServerPool => {
    const known = poolBySet.get(categories);
    if (known !== undefined) return known;
    const key = categoriesKey(categories);
    let pool = pools.get(key);
    if (pool === undefined) {
      pool = createMcpServerPool({
        // Modern requests can hold a subscriptions/listen stream; stateless 2025-era ones have nothing to push on.
        create: (era) =>
          createMcpServer(d, categories, {
            ttlSeconds: config.cache.ttlSeconds,
            push: { via: era === 'modern' ? 'listen' : 'none' },
            personal: config.auth.mode === 'plex',
          }),
        maxIdle: MAX_IDLE_MCP_SERVERS,
      });
      pools.set(key, pool);
    }
    poolBySet.set(categories, pool);
    return pool;
  };
  const mcpServers: Pick<McpServerPool, 'idle' | 'created'> = {
    idle: () => [...pools.values()].reduce((sum, p) => sum + p.idle(), 0),
    created: () => [...pools.values()].reduce((sum, p) => sum + p.created(), 0),
  };
  const bus = await resourceBus(config, d);
  const stopPushing = d.resources.addSink((uri) => bus.publish({ kind: 'resource_updated', uri }));
  let limits: ConnectionLimits | undefined;
  const { app, mcpHandler } = createApp({
    bus,
    config,
    createServer: (ctx) => poolFor(auth.categories(ctx.authInfo)).factory(ctx),
    auth,
    health: { started: () => listening, readinessChecks: d.readinessChecks },
    metricsRegistry: d.metrics.registry,
    logger: d.logger,
    healthOnly: (req) => limits?.isOverflow(req.socket) ?? false,
  });

  const server: Server = createServer({ keepAliveTimeout: 65_000, ...slowClientOptions(config.server) }, app);
  limits = limitConnections(server, config.server.maxConnections);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  listening = true;
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `http://${hostForUrl === '0.0.0.0' ? '127.0.0.1' : hostForUrl}:${port}/mcp`;
  d.logger.info({ host: config.server.host, port }, 'HTTP server listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    deps: d,
    mcpServers,
    close(options = {}) {
      closing ??= (async () => {
        listening = false;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const grace = setTimeout(() => server.closeAllConnections(), options.graceMs ?? 10_000);
        await closed;
        clearTimeout(grace);
        await mcpHandler.close();
        await auth.close?.();
        stopPushing();
        await (bus as { close?: () => Promise<void> }).close?.();
        if (ownDeps) await d.close();
      })();
      return closing;
    },
  };
}
