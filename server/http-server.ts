/**
 * The HTTP transport: Streamable HTTP on POST /mcp behind the auth gate, health and metrics, over node:http. Kept
 * apart from app.ts (the deps both transports share) so that a stdio server never loads it: cli.ts imports it only
 * for HTTP, and with it the SDK's node adapter, the auth gate and the McpServer pools.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemoryServerEventBus, type ServerEventBus } from '@modelcontextprotocol/server';
import { createServerDeps, type ServerDeps, toCacheConfig } from './app.ts';
import { createAuthGate } from './auth/auth-gate.ts';
import { categoriesKey } from './auth/scopes.ts';
import type { ServerConfig } from './config/config.ts';
import { type ConnectionLimits, limitConnections, slowClientOptions } from './http/connection-limits.ts';
import { createApp } from './http/create-app.ts';
import { createMcpServer } from './mcp/create-mcp-server.ts';
import { createMcpServerPool, type McpServerPool } from './mcp/mcp-server-pool.ts';
import { categoryOfTool } from './tools/registry.ts';
import type { ToolCategory } from './tools/tool-category.ts';

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
/** A request older than this no longer makes the server busy (see RunningHttpServer.busy). */
const BUSY_WINDOW_MS = 1_000;
/** The server stays busy this long after a request began, answered or not. */
const QUIET_MS = 50;

export interface RunningHttpServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:8080/mcp. */
  url: string;
  port: number;
  deps: ServerDeps;
  /** The reused McpServer instances behind POST /mcp (2026-07-28 requests). */
  mcpServers: Pick<McpServerPool, 'idle' | 'created'>;
  /**
   * Whether requests are being served: one began less than QUIET_MS ago (a client's next request often follows at
   * once), or one that began less than BUSY_WINDOW_MS ago has not ended (a stream held open longer, e.g.
   * subscriptions/listen, no longer counts). Idle-time work (the warm-up) waits while it is.
   */
  busy(): boolean;
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
  const registry = d.metrics?.registry;
  if (registry === undefined)
    throw new Error('startHttpServer needs deps built for HTTP (they hold the /metrics registry)');
  let listening = false;
  const auth = await createAuthGate(config, {
    logger: d.logger,
    registry,
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
    metricsRegistry: registry,
    logger: d.logger,
    healthOnly: (req) => limits?.isOverflow(req.socket) ?? false,
  });

  const server: Server = createServer({ keepAliveTimeout: 65_000, ...slowClientOptions(config.server) }, app);
  limits = limitConnections(server, config.server.maxConnections);
  let inFlight = 0;
  let lastRequestAt = Number.NEGATIVE_INFINITY;
  server.on('request', (_req, res) => {
    inFlight++;
    lastRequestAt = performance.now();
    res.once('close', () => inFlight--);
  });
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
    busy: () => {
      const since = performance.now() - lastRequestAt;
      return since < QUIET_MS || (inFlight > 0 && since < BUSY_WINDOW_MS);
    },
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
