import type { CallerIdentity } from '../auth/caller.ts';
import type { HomeSwitch } from '../auth/plex-tv/home-switch.ts';
import type { CacheableKind, ToolCache } from '../cache/tool-cache.ts';
import type { PosterSettings } from '../images/poster-settings.ts';
import type { PlexLive } from '../live/plex-live.ts';
import type { Logger } from '../observability/logger.ts';
import type { ToolCallObserver } from '../observability/tool-call-observer.ts';
import type { PlexClient } from '../plex/plex-client.ts';
import type { ConfirmChannel } from './elicitation.ts';
import type { ToolAccess } from './tool-access.ts';

/** `notifications/progress` for one call (MCP: `progress` increases; `total` when known). */
export type ProgressReporter = (progress: number, total?: number, message?: string) => Promise<void>;

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
  /** Plex's event stream: live sessions and changes; absent = TTL behaviour only (tests, tools without it). */
  live?: PlexLive | undefined;
  /** Tells subscribers that what these cached kinds answer has changed (after a write); absent = nobody listens. */
  notifyChanged?: ((kinds: readonly CacheableKind[]) => void) | undefined;
  /** Set per call when the client sent a progress token: reports progress on that call's own stream. */
  progress?: ProgressReporter | undefined;
  /** Who is calling, when an OAuth token says so (set per call; absent for the static token and stdio). */
  caller?: CallerIdentity | undefined;
  /**
   * The transport keeps a session (stdio), so a 2025-era client can be sent a request mid-call (an elicitation);
   * stateless HTTP cannot route the answer back.
   */
  sessionful?: boolean | undefined;
  /** How this call can ask the user (set per call for destructive tools; see server/tools/elicitation.ts). */
  confirmChannel?: ConfirmChannel | undefined;
  /**
   * With the owner's token (not AUTH_MODE=plex): acting as another profile of the owner's Plex Home, for `user`
   * arguments (server/auth/plex-tv/home-switch.ts). Absent: other accounts are refused where answers are per person.
   */
  homeSwitch?: HomeSwitch | undefined;
}
