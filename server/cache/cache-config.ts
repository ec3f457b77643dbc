/**
 * The cache's own configuration type, deliberately independent of the server's config module: whoever builds the
 * server maps its validated environment onto this shape (the defaults live in the settings table, server/config/).
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
