import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { hostHeaderValidation, originValidation, toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, type McpHttpHandler } from '@modelcontextprotocol/server';
import type { Registry } from 'prom-client';
import type { ServerConfig } from '../config/config.ts';
import type { Logger } from '../observability/logger.ts';
import { bearerAuth } from './bearer-auth.ts';
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
  health: HealthState;
  metricsRegistry: Registry;
  logger: Logger;
}

export function isLoopbackHost(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host) || host.startsWith('127.');
}

/**
 * The server's HTTP surface on plain node:http: health and metrics open to any Host (kubelet and Prometheus
 * address the pod IP), and /mcp behind Host (DNS rebinding, only when bound to loopback), Origin, bearer auth and
 * a 1 MiB JSON body limit, then the SDK's `createMcpHandler`.
 *
 * No web framework: five fixed routes do not need a router, and express with body-parser cost ~23 MiB of RSS and
 * ~10% of a cached tools/call's CPU (bench:server profile). The guards are the SDK's own node:http ones.
 */
export function createApp(options: AppOptions): { app: RequestListener; mcpHandler: McpHttpHandler } {
  const { config, logger } = options;
  const authToken = config.server.authToken;
  if (!authToken) throw new Error('AUTH_TOKEN is required for the HTTP transport');

  const health = healthEndpoints(options.health);
  const mcpHandler = createMcpHandler((ctx) => options.createServer(ctx), {
    legacy: 'stateless',
    maxRequestBodySize: BODY_LIMIT_BYTES,
    onerror: (error) => logger.debug({ err: error }, 'MCP request rejected'),
  });
  const nodeHandler = toNodeHandler(mcpHandler, { maxRequestBodySize: BODY_LIMIT_BYTES });
  const guards: Array<(req: IncomingMessage, res: ServerResponse) => boolean> = [
    ...(isLoopbackHost(config.server.host) ? [hostHeaderValidation(LOCALHOST_NAMES)] : []),
    originValidation([...LOCALHOST_NAMES, ...config.server.allowedOriginHosts]),
    bearerAuth(authToken),
  ];

  async function serveMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    forceNoStore(res);
    for (const guard of guards) if (!guard(req, res)) return;
    if (req.method === 'POST') {
      const body = await readJsonBody(req, BODY_LIMIT_BYTES);
      switch (body.kind) {
        case 'json':
          return serveParsedBody(mcpHandler, req, res, body);
        case 'not-json':
          break; // the SDK reads it and answers 415
        case 'too-large':
          return sendJsonRpcError(res, 413, -32600, 'Request body too large', { Connection: 'close' });
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

  const app: RequestListener = (req, res) => {
    setSecurityHeaders(res);
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const getLike = req.method === 'GET' || req.method === 'HEAD';
    let served: Promise<void> | undefined;
    if (path === '/mcp' || path === '/mcp/') served = serveMcp(req, res);
    else if (getLike && (HEALTH_PATHS as readonly string[]).includes(path))
      served = health(path as HealthPath, res);
    else if (getLike && path === '/metrics') served = metrics(res);
    else sendJson(res, 404, { error: 'not_found' });
    served?.catch((error: unknown) => {
      logger.error({ err: error }, 'HTTP request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
      else res.destroy();
    });
  };
  return { app, mcpHandler };
}
