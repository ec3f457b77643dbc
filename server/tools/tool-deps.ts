import type { CallerIdentity } from '../auth/caller.ts';
import type { CacheLookup, ToolCache } from '../cache/tool-cache.ts';
import type { PosterSettings } from '../images/poster-settings.ts';
import type { Logger } from '../observability/logger.ts';
import type { PlexClient } from '../plex/plex-client.ts';
import type { ToolAccess } from './tool-access.ts';

/** Observes each tool call (the metrics module implements it; optional so tests can omit it). */
export interface ToolCallObserver {
  toolCalled(
    tool: string,
    outcome: 'success' | 'error',
    errorCode: string | undefined,
    seconds: number,
    source?: CacheLookup<unknown>['source'],
  ): void;
}

/** What every tool handler gets. Built once per process by `createServerDeps`; shared by all requests. */
export interface ToolDeps {
  plex: PlexClient;
  cache: ToolCache;
  logger: Logger;
  /** Write policy and library allow-list. */
  access: ToolAccess;
  observer?: ToolCallObserver | undefined;
  /** Poster thumbnail size and byte bounds (POSTER_*); the defaults when absent. */
  posters?: PosterSettings | undefined;
  /** Who is calling, when an OAuth token says so (set per call; absent for the static token and stdio). */
  caller?: CallerIdentity | undefined;
}
