import type { McpServer } from '@modelcontextprotocol/server';

/** Builds the McpServer that serves one HTTP request (stateless) or one stdio connection. */
export type McpServerFactoryFn = () => McpServer;
