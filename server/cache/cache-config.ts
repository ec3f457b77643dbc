/**
 * The cache's own configuration type, deliberately independent of the server's config module: whoever builds the
 * server maps its validated environment (CACHE_*, REDIS_*, PLEX_SERVER_URL) onto this shape.
 */
import type { CacheableKind } from './tool-cache.ts';

export interface RedisConnectionConfig {
  /** `redis://[user:pass@]host:port[/db]` or `rediss://…` (TLS). */
  url: string;
  /** Overrides the password in the URL (REDIS_PASSWORD), so the URL can live in a ConfigMap. */
  password?: string | undefined;
  /** Force TLS on (`rediss://` turns it on by itself). */
  tls?: boolean | undefined;
  /** A Redis command that takes longer fails (the call then goes to Plex). Default 500 ms. */
  commandTimeoutMs?: number | undefined;
}

export interface CacheConfig {
  /** CACHE_ENABLED; false = no caching, no stale answers. */
  enabled: boolean;
  /** Fresh lifetime per kind, seconds (CACHE_TTL_*). */
  ttlSeconds: Record<CacheableKind, number>;
  /** How long an entry outlives its TTL to be served when Plex fails (CACHE_STALE_TTL), seconds. */
  staleSeconds: number;
  /** Bound of the in-memory store, bytes (CACHE_MAX_BYTES). */
  maxBytes: number;
  /** Set (REDIS_URL given) = Redis store; unset = in-memory store. */
  redis?: RedisConnectionConfig | undefined;
  /** PLEX_SERVER_URL: its hash scopes the keys so several Plex servers can share one Redis. */
  plexServerUrl: string;
}

/** The design's defaults (seconds); the server's env parsing should use the same numbers. */
export const DEFAULT_TTL_SECONDS: Readonly<Record<CacheableKind, number>> = Object.freeze({
  search: 300,
  mediaDetails: 900,
  libraries: 900,
  sessions: 30,
  recentlyAdded: 120,
  onDeck: 120,
  // Thumb paths carry the image's update time, so an entry for one path never goes out of date.
  poster: 86_400,
  // No CACHE_TTL_* setting of their own yet: accounts rarely change, the others change with what people do.
  accounts: 900,
  history: 60,
  browse: 300,
  playlists: 120,
  players: 30,
});

export const DEFAULT_STALE_SECONDS = 86_400;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
