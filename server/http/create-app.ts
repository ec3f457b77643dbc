import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostHeaderValidation, originValidation, toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, type McpHttpHandler } from '@modelcontextprotocol/server';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import type { ServerConfig } from '../config/config.ts';
import type { Logger } from '../observability/logger.ts';
import { bearerAuth } from './bearer-auth.ts';
import { type HealthState, healthRouter } from './health.ts';
import { noStore } from './no-store.ts';
import { securityHeaders } from './security-headers.ts';
import type { McpServerFactoryFn } from './types.ts';

const LOCALHOST_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface AppOptions {
  config: ServerConfig;
  createServer: McpServerFactoryFn;
  health: HealthState;
  metricsRegistry: Registry;
  logger: Logger;
}

/** The SDK's node:http guards answer 403 themselves and return false; true means go on. */
function asMiddleware(guard: (req: IncomingMessage, res: ServerResponse) => boolean): RequestHandler {
  return (req, res, next) => {
    if (guard(req, res)) next();
  };
}

export function isLoopbackHost(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host) || host.startsWith('127.');
}

/**
 * The express app: health and metrics open to any Host (kubelet and Prometheus address the pod IP), and POST /mcp
 * behind Host (DNS rebinding, only when bound to loopback), Origin, bearer auth and a 1 MiB body limit.
 */
export function createApp(options: AppOptions): { app: Express; mcpHandler: McpHttpHandler } {
  const { config, logger } = options;
  const authToken = config.server.authToken;
  if (!authToken) throw new Error('AUTH_TOKEN is required for the HTTP transport');

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(securityHeaders());

  app.use(healthRouter(options.health));
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', options.metricsRegistry.contentType);
    res.send(await options.metricsRegistry.metrics());
  });

  const mcpHandler = createMcpHandler(() => options.createServer(), {
    legacy: 'stateless',
    maxRequestBodySize: BODY_LIMIT_BYTES,
    onerror: (error) => logger.debug({ err: error }, 'MCP request rejected'),
  });
  const nodeHandler = toNodeHandler(mcpHandler);

  const guards = [
    noStore(),
    ...(isLoopbackHost(config.server.host) ? [asMiddleware(hostHeaderValidation(LOCALHOST_NAMES))] : []),
    asMiddleware(originValidation([...LOCALHOST_NAMES, ...config.server.allowedOriginHosts])),
    bearerAuth(authToken),
    express.json({ limit: BODY_LIMIT_BYTES, type: ['application/json', 'application/*+json'] }),
  ];
  app.all('/mcp', ...guards, (req, res) => {
    void nodeHandler(req, res, req.body).catch((error: unknown) => {
      logger.error({ err: error }, 'MCP handler failed');
      if (!res.headersSent) res.status(500).json({ error: 'internal_error' });
    });
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const status = typeof error?.status === 'number' ? error.status : 500;
    if (status >= 500) logger.error({ err: error }, 'HTTP request failed');
    if (res.headersSent) return;
    // Body-parser errors (413 too large, 400 bad JSON) become JSON-RPC parse errors, as the MCP transport would.
    res.status(status).json({
      jsonrpc: '2.0',
      error: {
        code: status === 413 ? -32600 : -32700,
        message: status === 413 ? 'Request body too large' : 'Parse error',
      },
      id: null,
    });
  };
  app.use(onError);
  return { app, mcpHandler };
}
