import { type StdioServerHandle, serveStdio } from '@modelcontextprotocol/server/stdio';
import type { ServerDeps } from './app.ts';
import { createMcpServer } from './mcp/create-mcp-server.ts';

/**
 * MCP over stdin/stdout for local clients that spawn us. stdout carries protocol messages only: the logger writes
 * to stderr, and nothing else in the process may print.
 */
export function startStdio(deps: ServerDeps): StdioServerHandle {
  // One session per process: a 2025-era client can answer an elicitation mid-call (server/tools/elicitation.ts).
  const sessionDeps = { ...deps, sessionful: true };
  return serveStdio(
    (ctx) =>
      createMcpServer(sessionDeps, undefined, {
        ttlSeconds: deps.config.cache.ttlSeconds,
        push: { via: 'connection', era: ctx.era, notifier: deps.resources },
      }),
    { onerror: (error) => deps.logger.warn({ err: error }, 'stdio transport error') },
  );
}
