import { createHash } from 'node:crypto';
import type { CacheableKind } from '../cache/tool-cache.ts';
import type { PosterSettings } from '../images/poster-settings.ts';
import { envSchema, type LogLevel } from './env-schema.ts';

/** How the process talks MCP: HTTP needs a bearer token, stdio does not (the parent process is the client). */
export type TransportMode = 'http' | 'stdio';

/** The validated configuration every module receives (never raw process.env). */
export interface ServerConfig {
  transport: TransportMode;
  server: {
    host: string;
    port: number;
    /** Bearer token for POST /mcp; undefined only in stdio mode. */
    authToken: string | undefined;
    /** Host names of extra browser origins allowed to call /mcp (localhost origins are always allowed). */
    allowedOriginHosts: string[];
    /** SERVER_HEADERS_TIMEOUT: a client must have sent its request headers within this, ms. */
    headersTimeoutMs: number;
    /** SERVER_REQUEST_TIMEOUT: a client must have sent its whole request (body included) within this, ms. */
    requestTimeoutMs: number;
    /** SERVER_MAX_CONNECTIONS: client connections served at once (a few more are kept for health probes). */
    maxConnections: number;
  };
  plex: {
    /** Base URL without a trailing slash. */
    url: string;
    token: string;
    /** PLEX_TIMEOUT: the overall deadline of one Plex request, retries included. */
    timeoutMs: number;
    maxConnections: number;
    /** PLEX_MAX_RESPONSE_BYTES: larger answers are dropped (plex_unavailable) instead of read. */
    maxResponseBytes: number;
    clientIdentifier: string;
  };
  redis: {
    url: string | undefined;
    password: string | undefined;
    tls: boolean;
  };
  cache: {
    enabled: boolean;
    ttlSeconds: Record<CacheableKind, number>;
    staleSeconds: number;
    maxBytes: number;
  };
  /** Poster thumbnails (server/images/). */
  posters: PosterSettings;
  logLevel: LogLevel;
}

export type ConfigResult = { ok: true; config: ServerConfig } | { ok: false; problems: string[] };

/**
 * Validates the environment. Problems come back as one line per variable ("PLEX_TOKEN: is required"), never with
 * the value that was given, so the caller can print them even for secrets.
 */
export function loadConfig(env: NodeJS.ProcessEnv, transport: TransportMode): ConfigResult {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      if (seen.has(variable)) continue; // one line per variable is enough to act on
      seen.add(variable);
      problems.push(`${variable}: ${describeIssue(issue)}`);
    }
  }
  if (transport === 'http' && (env.AUTH_TOKEN === undefined || env.AUTH_TOKEN === '')) {
    if (!problems.some((p) => p.startsWith('AUTH_TOKEN:'))) {
      problems.push(
        'AUTH_TOKEN: is required for the HTTP transport (at least 32 characters; not needed with --stdio)',
      );
    }
  }
  if (parsed.success && parsed.data.SERVER_REQUEST_TIMEOUT < parsed.data.SERVER_HEADERS_TIMEOUT) {
    problems.push(
      'SERVER_REQUEST_TIMEOUT: must be at least SERVER_HEADERS_TIMEOUT (the headers are part of the request)',
    );
  }
  if (!parsed.success || problems.length > 0) return { ok: false, problems: problems.sort() };

  const e = parsed.data;
  const plexUrl = e.PLEX_SERVER_URL.replace(/\/+$/, '');
  return {
    ok: true,
    config: {
      transport,
      server: {
        host: e.SERVER_HOST,
        port: e.SERVER_PORT,
        authToken: e.AUTH_TOKEN,
        allowedOriginHosts: e.MCP_ALLOWED_ORIGINS,
        headersTimeoutMs: Math.round(e.SERVER_HEADERS_TIMEOUT * 1000),
        requestTimeoutMs: Math.round(e.SERVER_REQUEST_TIMEOUT * 1000),
        maxConnections: e.SERVER_MAX_CONNECTIONS,
      },
      plex: {
        url: plexUrl,
        token: e.PLEX_TOKEN,
        timeoutMs: Math.round(e.PLEX_TIMEOUT * 1000),
        maxConnections: e.PLEX_MAX_CONNECTIONS,
        maxResponseBytes: e.PLEX_MAX_RESPONSE_BYTES,
        clientIdentifier: e.PLEX_CLIENT_IDENTIFIER ?? defaultClientIdentifier(plexUrl),
      },
      redis: { url: e.REDIS_URL, password: e.REDIS_PASSWORD, tls: e.REDIS_TLS },
      cache: {
        enabled: e.CACHE_ENABLED,
        ttlSeconds: {
          search: e.CACHE_TTL_SEARCH,
          mediaDetails: e.CACHE_TTL_MEDIA_DETAILS,
          libraries: e.CACHE_TTL_LIBRARIES,
          sessions: e.CACHE_TTL_SESSIONS,
          recentlyAdded: e.CACHE_TTL_RECENTLY_ADDED,
          onDeck: e.CACHE_TTL_ON_DECK,
          poster: e.CACHE_TTL_POSTER,
        },
        staleSeconds: e.CACHE_STALE_TTL,
        maxBytes: e.CACHE_MAX_BYTES,
      },
      posters: {
        width: e.POSTER_WIDTH,
        maxBytesPerImage: e.POSTER_MAX_BYTES,
        maxBytesPerResult: e.POSTER_RESULT_MAX_BYTES,
      },
      logLevel: e.LOG_LEVEL,
    },
  };
}

function describeIssue(issue: { code: string; message: string; input?: unknown }): string {
  // zod reports a missing variable as an invalid_type with undefined input; say it plainly.
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}

/**
 * Plex wants a stable X-Plex-Client-Identifier per controller. Without an explicit one we derive it from the Plex URL
 * only (not the host name, which changes with every pod), so restarts and replicas of one deployment present the
 * same identity instead of filling the server's device list.
 */
function defaultClientIdentifier(plexUrl: string): string {
  const digest = createHash('sha256').update(`plex-mcp|${plexUrl}`).digest('hex').slice(0, 24);
  return `plex-mcp-${digest}`;
}
