import type { McpServer } from '@modelcontextprotocol/server';
import { withApp } from '../apps/with-app.ts';
import { DETAILS_POSTER, LIST_POSTERS, SESSION_POSTERS, withPosters } from '../images/with-posters.ts';
import { addToPlaylistTool } from './add-to-playlist.ts';
import { browseLibraryTool } from './browse-library.ts';
import { controlPlaybackTool } from './control-playback.ts';
import { createPlaylistTool } from './create-playlist.ts';
import { type AnyToolDefinition, registerTool } from './define-tool.ts';
import { deletePlaylistTool } from './delete-playlist.ts';
import { getMediaDetailsTool } from './get-media-details.ts';
import { getOnDeckTool } from './get-on-deck.ts';
import { getPlaybackStatusTool } from './get-playback-status.ts';
import { getPlaylistTool } from './get-playlist.ts';
import { getPlexStatusTool } from './get-plex-status.ts';
import { getRecentlyAddedTool } from './get-recently-added.ts';
import { getWatchHistoryTool } from './get-watch-history.ts';
import { listLibrariesTool } from './list-libraries.ts';
import { listPlayersTool } from './list-players.ts';
import { listPlaylistsTool } from './list-playlists.ts';
import { playMediaTool } from './play-media.ts';
import { rateMediaTool } from './rate-media.ts';
import { refreshLibraryTool } from './refresh-library.ts';
import { removeFromPlaylistTool } from './remove-from-playlist.ts';
import { searchMediaTool } from './search-media.ts';
import { isToolAllowed } from './tool-access.ts';
import type { ToolCategory } from './tool-category.ts';
import type { ToolDeps } from './tool-deps.ts';
import { markUnwatchedTool, markWatchedTool } from './watch-state-tool.ts';

/** Every tool, in the order tools/list shows them (deterministic, as 2026-07-28 asks). */
export const TOOLS: readonly AnyToolDefinition[] = [
  withPosters(searchMediaTool, LIST_POSTERS),
  withPosters(getMediaDetailsTool, DETAILS_POSTER),
  listLibrariesTool,
  withPosters(getPlaybackStatusTool, SESSION_POSTERS),
  controlPlaybackTool,
  withPosters(getRecentlyAddedTool, LIST_POSTERS),
  withPosters(getOnDeckTool, LIST_POSTERS),
  getPlexStatusTool,
  getWatchHistoryTool,
  withPosters(browseLibraryTool, LIST_POSTERS),
  listPlaylistsTool,
  getPlaylistTool,
  listPlayersTool,
  markWatchedTool,
  markUnwatchedTool,
  rateMediaTool,
  createPlaylistTool,
  addToPlaylistTool,
  removeFromPlaylistTool,
  deletePlaylistTool,
  playMediaTool,
  refreshLibraryTool,
].map(withApp);

const TOOLS_BY_NAME = new Map(TOOLS.map((tool) => [tool.name, tool]));

/** The category of a tool we serve, by name (the OAuth scope gate asks before a tools/call reaches the SDK). */
export function categoryOfTool(name: string): ToolCategory | undefined {
  return TOOLS_BY_NAME.get(name)?.category;
}

/** The tools WRITE_ACCESS lets this server offer; the others are not even listed. */
export function toolsAllowedBy(writeAccess: ToolDeps['access']['writeAccess']): AnyToolDefinition[] {
  return TOOLS.filter((tool) => isToolAllowed(tool.category, writeAccess));
}

/**
 * Registers the tools WRITE_ACCESS allows, or of those only the ones in `categories` (an OAuth token's scopes
 * decide which it sees).
 */
export function registerAllTools(
  server: McpServer,
  deps: ToolDeps,
  categories?: ReadonlySet<ToolCategory>,
): void {
  for (const tool of toolsAllowedBy(deps.access.writeAccess))
    if (!categories || categories.has(tool.category)) registerTool(server, tool, deps);
}
