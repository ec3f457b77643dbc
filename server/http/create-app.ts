import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { hostHeaderValidation, toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, type McpHttpHandler, type ServerEventBus } from '@modelcontextprotocol/server';
import type { Registry } from 'prom-client';
import type { AuthGate } from '../auth/auth-gate.ts';
import type { ServerConfig } from '../config/config.ts';
import type { Logger } from '../observability/logger.ts';
import { browserOrigins } from './browser-origins.ts';
import { serveParsedBody } from './fetch-bridge.ts';
import { HEALTH_PATHS, type HealthPath, type HealthState, healthEndpoints } from './health.ts';
import { forceNoStore } from './no-store.ts';
import { readJsonBody } from './request-body.ts';
import { sendJson, sendJsonRpcError } from './respond.ts';
import { setSecurityHeaders } from './security-headers.ts';
import type { McpServerFactoryFn } from './types.ts';

const LOCALHOST_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface AppOptions {
  config: ServerConfig;
  createServer: McpServerFactoryFn;
  /** Who may call /mcp (static bearer token and/or OAuth, server/auth/auth-gate.ts). */
  auth: AuthGate;
  health: HealthState;
  metricsRegistry: Registry;
  logger: Logger;
  /**
   * True for a request on a connection beyond SERVER_MAX_CONNECTIONS (connection-limits.ts): it gets health and
   * metrics only, so probes still answer while clients hold every regular slot.
   */
  healthOnly?: (req: IncomingMessage) => boolean;
  /** The event bus `subscriptions/listen` streams hang off (Redis pub/sub across replicas, or in-process). */
  bus?: ServerEventBus;
}

/** The methods /mcp serves (the SDK answers GET and DELETE itself); anything else is a 405 from us. */
const MCP_METHODS = ['POST', 'GET', 'DELETE'];
/** Refusals close the connection instead of reading (and discarding) whatever body the client sends after. */
const CLOSE = { Connection: 'close' } as const;

export function isLoopbackHost(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host) || host.startsWith('127.');
}

/**
 * The server's HTTP surface on plain node:http: health and metrics open to any Host (kubelet and Prometheus
 * address the pod IP), and /mcp behind Host (DNS rebinding, only when bound to loopback), Origin, authentication
 * (static bearer token and/or OAuth, with RFC 9728 metadata under /.well-known) and
 * a 1 MiB JSON body limit, then the SDK's `createMcpHandler`.
 *
 * No web framework: five fixed routes do not need a router, and express with body-parser cost ~23 MiB of RSS and
 * ~10% of a cached tools/call's CPU (bench:server profile). The guards are the SDK's own node:http ones.
 */
export function createApp(options: AppOptions): { app: RequestListener; mcpHandler: McpHttpHandler } {
  const { config, logger, auth } = options;

  const health = healthEndpoints(options.health);
  const mcpHandler = createMcpHandler((ctx) => options.createServer(ctx), {
    legacy: 'stateless',
    maxRequestBodySize: BODY_LIMIT_BYTES,
    ...(options.bus ? { bus: options.bus } : {}),
    onerror: (error) => logger.debug({ err: error }, 'MCP request rejected'),
  });
  const nodeHandler = toNodeHandler(mcpHandler, {
    maxRequestBodySize: BODY_LIMIT_BYTES,
    onerror: (error) => logger.error({ err: error }, 'MCP request failed in the SDK adapter'),
  });
  const origins = browserOrigins(config.server.allowedOrigins);
  const hostGuard = isLoopbackHost(config.server.host) ? hostHeaderValidation(LOCALHOST_NAMES) : undefined;
  const guards: Array<(req: IncomingMessage, res: ServerResponse) => boolean> = [
    ...(hostGuard ? [hostGuard] : []),
    origins.admit,
  ];

  async function serveMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    forceNoStore(res);
    // A browser's CORS preflight carries no token by design: answered before authentication (Host still checked).
    if (req.method === 'OPTIONS') {
      if (!hostGuard || hostGuard(req, res)) origins.preflight(req, res);
      return;
    }
    if (!MCP_METHODS.includes(req.method ?? '')) {
      return sendJsonRpcError(res, 405, -32000, 'Method not allowed.', {
        Allow: MCP_METHODS.join(', '),
        ...CLOSE,
      });
    }
    // Set before the guards so a refusal (401, 403) closes the connection without reading the body; a request that
    // passes keeps its connection.
    res.setHeader('Connection', 'close');
    for (const guard of guards) if (!guard(req, res)) return;
    const authenticated = auth.authenticate(req, res);
    const caller = authenticated instanceof Promise ? await authenticated : authenticated;
    if (caller === undefined) return;
    res.removeHeader('Connection');
    if (req.method === 'POST') {
      const body = await readJsonBody(req, BODY_LIMIT_BYTES);
      switch (body.kind) {
        case 'json':
          {
            // Static token: a plain `false`, so the hot path awaits nothing.
            const refused = auth.refuseOutOfScope(body.value, caller.authInfo, res);
            if (refused !== false && (await refused)) return;
          }
          return serveParsedBody(mcpHandler, req, res, body, logger, caller.authInfo);
        case 'not-json':
          break; // the SDK reads it and answers 415
        case 'too-large':
          return sendJsonRpcError(res, 413, -32600, 'Request body too large', CLOSE);
        case 'unsupported-encoding':
          return sendJsonRpcError(res, 415, -32000, 'Unsupported Content-Encoding');
        case 'invalid':
          return sendJsonRpcError(res, 400, -32700, 'Parse error');
        case 'aborted':
          res.destroy();
          return;
      }
    }
    await nodeHandler(req, res);
  }

  async function metrics(res: ServerResponse): Promise<void> {
    const text = await options.metricsRegistry.metrics();
    res.writeHead(200, {
      'Content-Type': options.metricsRegistry.contentType,
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  function route(req: IncomingMessage, res: ServerResponse): Promise<void> | undefined {
    setSecurityHeaders(res);
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const getLike = req.method === 'GET' || req.method === 'HEAD';
    const isHealth = (HEALTH_PATHS as readonly string[]).includes(path);
    if (isHealth || path === '/metrics') {
      if (getLike) return isHealth ? health(path as HealthPath, res) : metrics(res);
      sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: 'GET, HEAD', ...CLOSE });
    } else if (options.healthOnly?.(req)) {
      sendJson(res, 503, { error: 'too_many_connections' }, { 'Retry-After': '1', ...CLOSE });
    } else if (path === '/mcp' || path === '/mcp/') {
      return serveMcp(req, res);
    } else if (auth.metadata?.matches(path)) {
      auth.metadata.serve(req.method, res);
    } else if (auth.routes?.handles(path)) {
      return auth.routes.handle(req, res, path);
    } else {
      sendJson(res, 404, { error: 'not_found' }, CLOSE);
    }
    return undefined;
  }

  /** Every failure that reaches here is a bug: logged, answered 500 if nothing was sent yet, never rethrown. */
  const fail = (res: ServerResponse, error: unknown) => {
    logged.add(res);
    logger.error({ err: error }, 'HTTP request failed');
    if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' }, CLOSE);
    else res.destroy();
  };
  /** Responses whose failure is already logged with its cause. */
  const logged = new WeakSet<ServerResponse>();

  const app: RequestListener = (req, res) => {
    // Whoever answered 500 (us, the SDK, its node adapter), it is logged: a 500 is always a bug to look at.
    res.once('finish', () => {
      if (res.statusCode === 500 && !logged.has(res))
        logger.error({ method: req.method, path: (req.url ?? '').split('?', 1)[0] }, 'answered HTTP 500');
    });
    try {
      route(req, res)?.catch((error: unknown) => fail(res, error));
    } catch (error) {
      fail(res, error);
    }
  };
  return { app, mcpHandler };
}
