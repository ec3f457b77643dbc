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

export function registerAllTools(server: McpServer, deps: ToolDeps): void {
  for (const tool of TOOLS) registerTool(server, tool, deps);
}
