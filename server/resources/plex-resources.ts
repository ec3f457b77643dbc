/**
 * The plex:// resources: what the server, its libraries, its sessions, its playlists and one item look like now,
 * each read as a stable JSON document (the structured result of the matching tool, so both say the same facts)
 * plus a short text form, with the cache lifetime of the answer advertised (2026-07-28 `ttlMs`, and `_meta` for
 * 2025-era clients). Clients that subscribe get `notifications/resources/updated` when Plex's events (or a write
 * through any replica) change them; see resource-notifier.ts and README "Cache, health and metrics".
 */
import {
  type McpServer,
  ResourceNotFoundError,
  ResourceTemplate,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { plexAccessOf } from '../auth/caller.ts';
import { runAsPlexIdentity } from '../plex/plex-identity.ts';
import type { AnyToolDefinition } from '../tools/define-tool.ts';
import { getMediaDetailsTool } from '../tools/get-media-details.ts';
import { getPlaybackStatusTool } from '../tools/get-playback-status.ts';
import { getPlexStatusTool } from '../tools/get-plex-status.ts';
import { listLibrariesTool } from '../tools/list-libraries.ts';
import { listPlaylistsTool } from '../tools/list-playlists.ts';
import type { ToolDeps } from '../tools/tool-deps.ts';
import { ToolError, toToolError } from '../tools/tool-error.ts';
import { ITEM_TEMPLATE, LIBRARIES_URI, PLAYLISTS_URI, SERVER_URI, SESSIONS_URI } from './resource-uris.ts';

/** `_meta` key saying how long (ms) a read stays right without an update notification. */
export const TTL_META_KEY = 'plexmcp.dev/ttl_ms';

interface FixedResource {
  name: string;
  uri: string;
  title: string;
  description: string;
  tool: AnyToolDefinition;
  /** Seconds the answer may be kept (the server's own cache lifetime for it). */
  ttlSeconds(deps: ResourceDeps): number;
}

export interface ResourceDeps extends ToolDeps {
  ttlSeconds: Readonly<Record<string, number>>;
}

const FIXED: readonly FixedResource[] = [
  {
    name: 'server',
    uri: SERVER_URI,
    title: 'Plex server',
    description: 'Reachability, name, version, active streams and event-stream mode (as get_plex_status)',
    tool: getPlexStatusTool,
    ttlSeconds: () => 0,
  },
  {
    name: 'libraries',
    uri: LIBRARIES_URI,
    title: 'Plex libraries',
    description: 'Libraries with ids, types, item counts and scan times (as list_libraries)',
    tool: listLibrariesTool,
    ttlSeconds: (d) => d.ttlSeconds.libraries ?? 0,
  },
  {
    name: 'sessions',
    uri: SESSIONS_URI,
    title: 'Plex sessions',
    description: 'What is playing now, live from Plex events (as get_playback_status)',
    tool: getPlaybackStatusTool,
    ttlSeconds: (d) => (d.live?.status().mode === 'live' ? 1 : (d.ttlSeconds.sessions ?? 0)),
  },
  {
    name: 'playlists',
    uri: PLAYLISTS_URI,
    title: 'Plex playlists',
    description: "The owner's playlists (as list_playlists)",
    tool: listPlaylistsTool,
    ttlSeconds: (d) => d.ttlSeconds.playlists ?? 0,
  },
];

/**
 * A tool's answer as resource contents: the structured JSON, then the text. Errors as MCP resource errors. With
 * AUTH_MODE=plex the read runs with the signed-in person's own Plex access, as their tool calls do.
 */
async function readThrough(
  uri: string,
  tool: AnyToolDefinition,
  args: Record<string, unknown>,
  deps: ToolDeps,
  ttlMs: number,
  ctx: ServerContext,
) {
  let outcome: Awaited<ReturnType<AnyToolDefinition['run']>>;
  try {
    const run = () => tool.run(tool.input.parse(args), deps);
    const access = plexAccessOf(ctx.http?.authInfo);
    outcome = access === undefined ? await run() : await runAsPlexIdentity(access, run);
  } catch (thrown) {
    const error = thrown instanceof ToolError ? thrown : toToolError(thrown);
    if (error.code === 'not_found' || error.code === 'invalid_request') throw new ResourceNotFoundError(uri);
    throw new Error(`[${error.code}] ${error.message}`);
  }
  const meta = { [TTL_META_KEY]: ttlMs };
  return {
    contents: [
      { uri, mimeType: 'application/json', text: JSON.stringify(outcome.structured), _meta: meta },
      { uri, mimeType: 'text/plain', text: outcome.text, _meta: meta },
    ],
  };
}

/** Registers the plex:// resources on one McpServer instance. */
export function registerPlexResources(
  server: McpServer,
  deps: ResourceDeps,
  options: { subscribe: boolean },
): void {
  for (const r of FIXED) {
    const ttlMs = r.ttlSeconds(deps) * 1000;
    server.registerResource(
      r.name,
      r.uri,
      {
        title: r.title,
        description: r.description,
        mimeType: 'application/json',
        _meta: { [TTL_META_KEY]: ttlMs },
        cacheHint: { ttlMs, cacheScope: 'private' },
      },
      async (uri, ctx) => readThrough(uri.href, r.tool, {}, deps, r.ttlSeconds(deps) * 1000, ctx),
    );
  }
  const itemTtlMs = (deps.ttlSeconds.mediaDetails ?? 0) * 1000;
  server.registerResource(
    'item',
    new ResourceTemplate(ITEM_TEMPLATE, { list: undefined }),
    {
      title: 'Plex item',
      description: 'One movie, show, episode, album or track by its id (as get_media_details)',
      mimeType: 'application/json',
      _meta: { [TTL_META_KEY]: itemTtlMs },
      cacheHint: { ttlMs: itemTtlMs, cacheScope: 'private' },
    },
    async (uri, variables, ctx) => {
      const id = String(Array.isArray(variables.id) ? variables.id[0] : variables.id);
      if (!/^\d{1,12}$/.test(id)) throw new ResourceNotFoundError(uri.href);
      return readThrough(uri.href, getMediaDetailsTool, { media_id: id }, deps, itemTtlMs, ctx);
    },
  );
  if (options.subscribe)
    server.server.registerCapabilities({ resources: { subscribe: true, listChanged: false } });
}
