import type { McpServer } from '@modelcontextprotocol/server';
import { withApp } from '../apps/with-app.ts';
import { DETAILS_POSTER, LIST_POSTERS, SESSION_POSTERS, withPosters } from '../images/with-posters.ts';
import { controlPlaybackTool } from './control-playback.ts';
import { type AnyToolDefinition, registerTool } from './define-tool.ts';
import { getMediaDetailsTool } from './get-media-details.ts';
import { getOnDeckTool } from './get-on-deck.ts';
import { getPlaybackStatusTool } from './get-playback-status.ts';
import { getPlexStatusTool } from './get-plex-status.ts';
import { getRecentlyAddedTool } from './get-recently-added.ts';
import { listLibrariesTool } from './list-libraries.ts';
import { searchMediaTool } from './search-media.ts';
import type { ToolCategory } from './tool-category.ts';
import type { ToolDeps } from './tool-deps.ts';

/** The eight tools, in the order tools/list shows them (deterministic, as 2026-07-28 asks). */
export const TOOLS: readonly AnyToolDefinition[] = [
  withPosters(searchMediaTool, LIST_POSTERS),
  withPosters(getMediaDetailsTool, DETAILS_POSTER),
  listLibrariesTool,
  withPosters(getPlaybackStatusTool, SESSION_POSTERS),
  controlPlaybackTool,
  withPosters(getRecentlyAddedTool, LIST_POSTERS),
  withPosters(getOnDeckTool, LIST_POSTERS),
  getPlexStatusTool,
].map(withApp);

const TOOLS_BY_NAME = new Map(TOOLS.map((tool) => [tool.name, tool]));

/** The category of a tool we serve, by name (the OAuth scope gate asks before a tools/call reaches the SDK). */
export function categoryOfTool(name: string): ToolCategory | undefined {
  return TOOLS_BY_NAME.get(name)?.category;
}

/** Registers the tools, or only those in `categories` (an OAuth token's scopes decide which it sees). */
export function registerAllTools(
  server: McpServer,
  deps: ToolDeps,
  categories?: ReadonlySet<ToolCategory>,
): void {
  for (const tool of TOOLS)
    if (!categories || categories.has(tool.category)) registerTool(server, tool, deps);
}
