import type { McpServer } from '@modelcontextprotocol/server';
import { APP_MIME_TYPE, NOW_PLAYING_URI, POSTER_GRID_URI } from './app-meta.ts';
import { assembleViewHtml } from './view-html.ts';

interface View {
  name: string;
  title: string;
  description: string;
  script: string;
}

const VIEWS: Readonly<Record<string, View>> = {
  [POSTER_GRID_URI]: {
    name: 'poster_grid',
    title: 'Plex poster grid',
    description:
      'Posters, titles, years and progress of search_media, get_recently_added, get_on_deck results',
    script: 'poster-grid.js',
  },
  [NOW_PLAYING_URI]: {
    name: 'now_playing',
    title: 'Plex now playing',
    description: 'Active Plex sessions with a moving progress bar and play/pause/stop/seek buttons',
    script: 'now-playing.js',
  },
};

/**
 * Images arrive inline (data: URLs from the tools' image blocks) and tools are called through the host, so a view
 * loads nothing from anywhere: no connect or resource domains, which is also the spec's default policy.
 */
const UI_META = { csp: { connectDomains: [], resourceDomains: [] }, prefersBorder: true };

/** Views change only with a release; hosts may keep them for an hour. */
const CACHE_HINT = { ttlMs: 3_600_000, cacheScope: 'public' as const };

/** Built on the first read, not at start: most connections never read a view. */
const built = new Map<string, string>();
export function viewHtml(uri: string): string {
  const view = VIEWS[uri];
  if (!view) throw new Error(`no view ${uri}`);
  let html = built.get(uri);
  if (html === undefined) {
    html = assembleViewHtml(view.title, view.script);
    built.set(uri, html);
  }
  return html;
}

/** The `ui://` resources of the MCP Apps views (text/html;profile=mcp-app). */
export function registerAppResources(server: McpServer): void {
  for (const [uri, view] of Object.entries(VIEWS)) {
    server.registerResource(
      view.name,
      uri,
      {
        title: view.title,
        description: view.description,
        mimeType: APP_MIME_TYPE,
        _meta: { ui: UI_META },
        cacheHint: CACHE_HINT,
      },
      async () => ({
        contents: [{ uri, mimeType: APP_MIME_TYPE, text: viewHtml(uri), _meta: { ui: UI_META } }],
      }),
    );
  }
}
