/**
 * MCP Apps (`io.modelcontextprotocol/ui`, spec 2026-01-26) on our side: which tool shows which view, and the
 * `_meta` that says so. The names and shapes are the extension's (`@modelcontextprotocol/ext-apps`); we write them
 * here instead of importing its server helper because that package drags the MCP client SDK (~9 MB) into the
 * production install for a few lines. test/unit/server/apps/app-meta.test.ts checks them against ext-apps itself.
 */

/** The extension's MIME type for an app's HTML resource (ext-apps `RESOURCE_MIME_TYPE`). */
export const APP_MIME_TYPE = 'text/html;profile=mcp-app';

export const POSTER_GRID_URI = 'ui://plex-mcp/poster-grid.html';
export const NOW_PLAYING_URI = 'ui://plex-mcp/now-playing.html';

/** Which tool's results each view renders. Tools not named here have no app. */
export const APP_OF_TOOL: Readonly<Record<string, string>> = Object.freeze({
  search_media: POSTER_GRID_URI,
  get_recently_added: POSTER_GRID_URI,
  get_on_deck: POSTER_GRID_URI,
  browse_library: POSTER_GRID_URI,
  get_playback_status: NOW_PLAYING_URI,
});

/**
 * Result `_meta` key naming the tool that produced the result: the grid view shows four tools' results and asks
 * the same tool again (with posters) through the host, and `hostContext.toolInfo` is optional in the spec.
 */
export const RESULT_TOOL_META = 'plexmcp.dev/tool';

/**
 * A tool's `_meta` for its view, as ext-apps' `registerAppTool` normalises it: `ui.resourceUri`, plus the
 * deprecated flat `ui/resourceUri` key that hosts built on the 2025 drafts still read.
 */
export function appToolMeta(resourceUri: string): Record<string, unknown> {
  return { ui: { resourceUri }, 'ui/resourceUri': resourceUri };
}
