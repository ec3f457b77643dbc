/**
 * SDK adapter: re-verify on every SDK upgrade. Reusing McpServer instances depends on how the SDK connects and tears
 * down its per-request transport (see the reasoning below). Pinned by
 * test/integration/server/sdk-adapter-pins.test.ts ("SDK pins for mcp-server-pool.ts") and, through the HTTP
 * handler, test/integration/server/mcp-server-pool.test.ts.
 */
import type { McpRequestContext, McpServer } from '@modelcontextprotocol/server';

export interface McpServerPoolOptions {
  /** Builds a fully registered server (`createMcpServer(deps)`) for a request of this era. */
  create(era: McpRequestContext['era']): McpServer;
  /** Idle instances kept for reuse; more may exist while more requests are in flight. */
  maxIdle: number;
}

export interface McpServerPool {
  /** The factory to give `createMcpHandler`: pooled instances for 2026-07-28 requests, fresh ones for 2025. */
  factory(ctx: Pick<McpRequestContext, 'era'>): McpServer;
  /** Idle instances right now (tests, metrics). */
  idle(): number;
  /** Instances built so far. */
  created(): number;
}

/**
 * Reuses McpServer instances across 2026-07-28 (modern era) HTTP requests instead of building one per request.
 *
 * Why: building an McpServer registers the eight tools (zod schemas wrapped, handlers bound) and starts with an
 * empty per-instance cache of JSON-converted input schemas, which the SDK's HTTP entry fills on every tools/call.
 * That was ~10% of a cached call's CPU plus the garbage it leaves; a reused instance keeps its registrations and
 * that cache.
 *
 * Why this is safe (SDK 2.x `createMcpHandler`, modern path; read `serveModern` in @modelcontextprotocol/server):
 * - One request at a time: an instance is handed out only from the idle stack and goes back only from its
 *   `server.onclose`, which the SDK calls after the per-request transport has closed and `server.transport` is
 *   cleared. The SDK itself refuses an instance that is still connected (`assertNotServing`), so a bug here
 *   would fail loudly, not mix two exchanges. We check `transport === undefined` again before reuse.
 * - Per-exchange state is reset or rewritten by the SDK on every request: the negotiated protocol version is set
 *   from the request, `server/discover` is (idempotently) re-installed, client capabilities are seeded from the
 *   request's envelope (they are required there), and `Protocol._onclose` clears response handlers, timeouts and
 *   abort controllers. The only leftover is the previous request's optional `clientInfo`, readable through the
 *   deprecated `getClientVersion()`, which nothing in this server calls.
 * - Instances the SDK closes without connecting them (early rejections) never call `onclose` and are simply
 *   dropped: the pool is a cache, not an owner, so nothing leaks and no instance is shared.
 * - 2025-era (legacy) requests bind an instance's era through their `initialize` handshake, so they always get
 *   a fresh instance, exactly as before; stdio builds its own instance and never sees this pool.
 */
export function createMcpServerPool(options: McpServerPoolOptions): McpServerPool {
  const idle: McpServer[] = [];
  let created = 0;

  const release = (server: McpServer) => {
    if (server.server.transport === undefined && idle.length < options.maxIdle) idle.push(server);
  };

  const build = (era: McpRequestContext['era']) => {
    const server = options.create(era);
    created++;
    return server;
  };

  return {
    factory(ctx) {
      if (ctx.era !== 'modern') return build(ctx.era);
      let server = idle.pop();
      while (server !== undefined && server.server.transport !== undefined) server = idle.pop();
      if (server === undefined) {
        const fresh = build('modern');
        // The SDK chains this after its own per-exchange close hook (it restores and calls the previous one).
        fresh.server.onclose = () => release(fresh);
        server = fresh;
      }
      return server;
    },
    idle: () => idle.length,
    created: () => created,
  };
}
