import { McpServer } from '@modelcontextprotocol/server';
import { registerAppResources } from '../apps/app-resources.ts';
import { registerAllTools } from '../tools/registry.ts';
import type { ToolCategory } from '../tools/tool-category.ts';
import type { ToolDeps } from '../tools/tool-deps.ts';
import { SERVER_NAME, SERVER_VERSION } from '../version.ts';

const INSTRUCTIONS =
  'Tools for one Plex Media Server. Find items with search_media (or get_recently_added / get_on_deck), then use ' +
  'their ids with get_media_details. get_playback_status shows what is playing; control_playback acts on it. ' +
  'Errors start with a code in brackets: [invalid_request], [not_found], [plex_unavailable], [unauthorized], [internal_error].';

/**
 * A fresh McpServer with the eight tools. Over HTTP, 2026-07-28 requests borrow instances from a pool
 * (mcp-server-pool.ts) and 2025-era requests get a fresh one each; stdio builds one per connection. Instances
 * hold no per-user state: everything long-lived (Plex pool, cache, logger) lives in `deps`.
 */
export function createMcpServer(deps: ToolDeps, categories?: ReadonlySet<ToolCategory>): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    { instructions: INSTRUCTIONS },
  );
  registerAllTools(server, deps, categories);
  registerAppResources(server);
  return server;
}
