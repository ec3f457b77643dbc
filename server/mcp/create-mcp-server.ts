import { McpServer } from '@modelcontextprotocol/server';
import { registerAppResources } from '../apps/app-resources.ts';
import { registerPlexPrompts } from '../prompts/plex-prompts.ts';
import { pushOverConnection } from '../resources/connection-push.ts';
import { registerPlexResources } from '../resources/plex-resources.ts';
import type { ResourceNotifier } from '../resources/resource-notifier.ts';
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
/** How resource update notifications reach this instance's client, if at all. */
export type ResourcePush =
  /** Stateless 2025-era HTTP: no stream to push on, so no subscriptions offered. */
  | { via: 'none' }
  /** 2026-07-28 HTTP: the handler's `subscriptions/listen` streams, fed by its event bus. */
  | { via: 'listen' }
  /** stdio: this instance sends them on its connection (2025 resources/subscribe or 2026 listen). */
  | { via: 'connection'; era: 'legacy' | 'modern'; notifier: ResourceNotifier };

export interface McpSurface {
  /** The plex:// resources' cache lifetimes (CACHE_TTL_*, seconds); no plex:// resources without it. */
  ttlSeconds?: Readonly<Record<string, number>>;
  push?: ResourcePush;
  /** Callers are different Plex people (AUTH_MODE=plex): nothing that cannot tell them apart (completions). */
  personal?: boolean;
}

export function createMcpServer(
  deps: ToolDeps,
  categories?: ReadonlySet<ToolCategory>,
  surface: McpSurface = {},
): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    { instructions: INSTRUCTIONS },
  );
  registerAllTools(server, deps, categories);
  registerAppResources(server);
  // The plex:// resources read what the read tools read: only for callers allowed to read.
  if (!categories || categories.has('read'))
    registerPlexPrompts(server, deps, { completions: surface.personal !== true });
  if (surface.ttlSeconds && (!categories || categories.has('read'))) {
    const push = surface.push ?? { via: 'none' };
    registerPlexResources(
      server,
      { ...deps, ttlSeconds: surface.ttlSeconds },
      { subscribe: push.via !== 'none' },
    );
    if (push.via === 'connection') pushOverConnection(server, push.notifier, push.era);
  }
  return server;
}
