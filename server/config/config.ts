import { createHash } from 'node:crypto';
import { DEFAULT_TTL_SECONDS } from '../cache/cache-config.ts';
import type { CacheableKind } from '../cache/tool-cache.ts';
import type { PosterSettings } from '../images/poster-settings.ts';
import type { ToolCategory } from '../tools/tool-category.ts';
import { AUTH_MODES, type AuthMode, envSchema, type LogLevel, type WriteAccess } from './env-schema.ts';

/** How the process talks MCP: HTTP needs a bearer token, stdio does not (the parent process is the client). */
export type TransportMode = 'http' | 'stdio';

/** The validated configuration every module receives (never raw process.env). */
export interface ServerConfig {
  transport: TransportMode;
  server: {
    host: string;
    port: number;
    /** Static bearer token for POST /mcp; set whenever the auth mode includes bearer (HTTP), else undefined. */
    authToken: string | undefined;
    /** MCP_ALLOWED_ORIGINS: browser origins (`scheme://host[:port]`) allowed to call /mcp besides loopback ones. */
    allowedOrigins: string[];
    /** SERVER_HEADERS_TIMEOUT: a client must have sent its request headers within this, ms. */
    headersTimeoutMs: number;
    /** SERVER_REQUEST_TIMEOUT: a client must have sent its whole request (body included) within this, ms. */
    requestTimeoutMs: number;
    /** SERVER_MAX_CONNECTIONS: client connections served at once (a few more are kept for health probes). */
    maxConnections: number;
  };
  auth: AuthConfig;
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
    /** plex.tv (sign-in with Plex, Home profile switches): PLEX_TV_URL and PLEX_TV_RESOURCES_URL. */
    plexTv: { url: string; resourcesUrl: string };
    /** Plex's event stream (server/live/). */
    events: {
      /** PLEX_EVENTS. */
      enabled: boolean;
      /** PLEX_EVENTS_IDLE_TIMEOUT. */
      idleTimeoutMs: number;
      /** PLEX_EVENTS_RECYCLE. */
      recycleMs: number;
    };
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
  tools: {
    /** WRITE_ACCESS. */
    writeAccess: WriteAccess;
    /** PLEX_LIBRARIES: names or ids; empty = every library. */
    libraries: string[];
    /** CONFIRM_TOKEN_KEY; undefined = a random key per process (tokens then work on this replica only). */
    confirmKey: string | undefined;
  };
  logLevel: LogLevel;
}

/** How callers of /mcp authenticate (HTTP only; stdio has no authentication). */
export interface AuthConfig {
  mode: AuthMode;
  /** The MCP endpoint as clients reach it: the resource identifier of RFC 8707/9728. Required with OAuth. */
  publicUrl: string | undefined;
  /** Set exactly when the mode includes oauth. */
  oauth: OAuthConfig | undefined;
  /** Set exactly when AUTH_MODE=plex: this server is the authorization server and people sign in with Plex. */
  plexSignIn: PlexSignInConfig | undefined;
}

export interface PlexSignInConfig {
  /** PLEX_SIGN_IN_KEY: encrypts stored secrets, signs cookies. */
  key: string;
  /** PLEX_ALLOWED_USERS; empty = everyone the Plex server is shared with. */
  allowedUsers: string[];
  plexAppAuthUrl: string;
  /** PLEX_SIGN_IN_TIMEOUT in ms. */
  timeoutMs: number;
  /** OAUTH_SCOPES: the scope that unlocks each tool category in the tokens this server issues. */
  scopes: Record<ToolCategory, string>;
}

export interface OAuthConfig {
  issuer: string;
  /** Accepted `aud` values (any one suffices); defaults to the public URL. */
  audiences: string[];
  /** Where the signing keys are; undefined = the `jwks_uri` of the issuer's metadata. */
  jwksUrl: string | undefined;
  /** The scope that unlocks each tool category. */
  scopes: Record<ToolCategory, string>;
  clockSkewSeconds: number;
  /** Minimum time between two key-set fetches triggered by an unknown `kid` (bounds floods). */
  jwksRefreshCooldownSeconds: number;
  /** RFC 7662 introspection for opaque (non-JWT) tokens; undefined = opaque tokens are refused. */
  introspection: { url: string; clientId: string; clientSecret: string } | undefined;
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
  // Read from the raw value so the cross-checks below hold even when another variable failed to parse; an
  // unknown mode is reported by the schema and skips them.
  const rawMode = (env.AUTH_MODE ?? '').trim().toLowerCase() || 'bearer';
  const mode = (AUTH_MODES as readonly string[]).includes(rawMode) ? (rawMode as AuthMode) : undefined;
  const usesBearer = mode === 'bearer' || mode === 'bearer+oauth';
  const usesOAuth = mode === 'oauth' || mode === 'bearer+oauth';
  const usesPlex = mode === 'plex';
  const missing = (name: string, why: string) => {
    if (!problems.some((p) => p.startsWith(`${name}:`))) problems.push(`${name}: ${why}`);
  };
  if (transport === 'http' && usesBearer && (env.AUTH_TOKEN === undefined || env.AUTH_TOKEN === '')) {
    missing(
      'AUTH_TOKEN',
      `is required for the HTTP transport with AUTH_MODE=${mode} (at least 32 characters; not needed with --stdio or AUTH_MODE=oauth)`,
    );
  }
  if (usesOAuth) {
    if (!env.MCP_PUBLIC_URL)
      missing(
        'MCP_PUBLIC_URL',
        `is required with AUTH_MODE=${mode} (the URL clients use, e.g. https://plex-mcp.example.com/mcp)`,
      );
    if (!env.OAUTH_ISSUER)
      missing(
        'OAUTH_ISSUER',
        `is required with AUTH_MODE=${mode} (the issuer URL of your identity provider)`,
      );
    const introspection = [
      'OAUTH_INTROSPECTION_URL',
      'OAUTH_INTROSPECTION_CLIENT_ID',
      'OAUTH_INTROSPECTION_CLIENT_SECRET',
    ];
    const given = introspection.filter((name) => env[name]);
    if (given.length > 0 && given.length < introspection.length) {
      for (const name of introspection.filter((n) => !env[n]))
        missing(name, `is required when ${given.join(' and ')} is set (introspection needs all three)`);
    }
  }
  if (usesPlex) {
    if (!env.MCP_PUBLIC_URL)
      missing(
        'MCP_PUBLIC_URL',
        'is required with AUTH_MODE=plex (the URL clients and browsers use, e.g. https://plex-mcp.example.com/mcp)',
      );
    if (!env.PLEX_SIGN_IN_KEY)
      missing(
        'PLEX_SIGN_IN_KEY',
        'is required with AUTH_MODE=plex (at least 32 random characters, the same on every replica)',
      );
  }
  if (parsed.success && parsed.data.SERVER_REQUEST_TIMEOUT < parsed.data.SERVER_HEADERS_TIMEOUT) {
    problems.push(
      'SERVER_REQUEST_TIMEOUT: must be at least SERVER_HEADERS_TIMEOUT (the headers are part of the request)',
    );
  }
  if (!parsed.success || problems.length > 0) return { ok: false, problems: problems.sort() };

  const e = parsed.data;
  const oauth: OAuthConfig | undefined =
    usesOAuth && e.OAUTH_ISSUER && e.MCP_PUBLIC_URL
      ? {
          issuer: e.OAUTH_ISSUER,
          audiences: e.OAUTH_AUDIENCE ?? [e.MCP_PUBLIC_URL],
          jwksUrl: e.OAUTH_JWKS_URL,
          scopes: e.OAUTH_SCOPES,
          clockSkewSeconds: e.OAUTH_CLOCK_SKEW,
          jwksRefreshCooldownSeconds: e.OAUTH_JWKS_REFRESH_COOLDOWN,
          introspection:
            e.OAUTH_INTROSPECTION_URL &&
            e.OAUTH_INTROSPECTION_CLIENT_ID &&
            e.OAUTH_INTROSPECTION_CLIENT_SECRET
              ? {
                  url: e.OAUTH_INTROSPECTION_URL,
                  clientId: e.OAUTH_INTROSPECTION_CLIENT_ID,
                  clientSecret: e.OAUTH_INTROSPECTION_CLIENT_SECRET,
                }
              : undefined,
        }
      : undefined;
  const plexUrl = e.PLEX_SERVER_URL.replace(/\/+$/, '');
  return {
    ok: true,
    config: {
      transport,
      server: {
        host: e.SERVER_HOST,
        port: e.SERVER_PORT,
        authToken: usesBearer ? e.AUTH_TOKEN : undefined,
        allowedOrigins: e.MCP_ALLOWED_ORIGINS,
        headersTimeoutMs: Math.round(e.SERVER_HEADERS_TIMEOUT * 1000),
        requestTimeoutMs: Math.round(e.SERVER_REQUEST_TIMEOUT * 1000),
        maxConnections: e.SERVER_MAX_CONNECTIONS,
      },
      auth: {
        mode: e.AUTH_MODE,
        publicUrl: e.MCP_PUBLIC_URL,
        oauth,
        plexSignIn:
          usesPlex && e.PLEX_SIGN_IN_KEY
            ? {
                key: e.PLEX_SIGN_IN_KEY,
                allowedUsers: e.PLEX_ALLOWED_USERS,
                plexAppAuthUrl: e.PLEX_APP_AUTH_URL,
                timeoutMs: e.PLEX_SIGN_IN_TIMEOUT * 1000,
                scopes: e.OAUTH_SCOPES,
              }
            : undefined,
      },
      plex: {
        url: plexUrl,
        token: e.PLEX_TOKEN,
        timeoutMs: Math.round(e.PLEX_TIMEOUT * 1000),
        maxConnections: e.PLEX_MAX_CONNECTIONS,
        maxResponseBytes: e.PLEX_MAX_RESPONSE_BYTES,
        clientIdentifier: e.PLEX_CLIENT_IDENTIFIER ?? defaultClientIdentifier(plexUrl),
        plexTv: {
          url: e.PLEX_TV_URL.replace(/\/+$/, ''),
          resourcesUrl: e.PLEX_TV_RESOURCES_URL.replace(/\/+$/, ''),
        },
        events: {
          enabled: e.PLEX_EVENTS,
          idleTimeoutMs: Math.round(e.PLEX_EVENTS_IDLE_TIMEOUT * 1000),
          recycleMs: Math.round(e.PLEX_EVENTS_RECYCLE * 1000),
        },
      },
      redis: { url: e.REDIS_URL, password: e.REDIS_PASSWORD, tls: e.REDIS_TLS },
      cache: {
        enabled: e.CACHE_ENABLED,
        ttlSeconds: {
          ...DEFAULT_TTL_SECONDS,
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
      tools: { writeAccess: e.WRITE_ACCESS, libraries: e.PLEX_LIBRARIES, confirmKey: e.CONFIRM_TOKEN_KEY },
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
