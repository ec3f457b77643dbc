import type { McpRequestContext, McpServer } from '@modelcontextprotocol/server';

/**
 * Builds (or lends, see server/mcp/mcp-server-pool.ts) the McpServer that serves one HTTP request; `era` says
 * which protocol generation the request speaks, `authInfo` the verified OAuth token (undefined for the static token).
 */
export type McpServerFactoryFn = (ctx: Pick<McpRequestContext, 'era' | 'authInfo'>) => McpServer;
