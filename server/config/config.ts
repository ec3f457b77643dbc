import { createHash } from 'node:crypto';
import type { CacheableKind } from '../cache/tool-cache.ts';
import type { PosterSettings } from '../images/poster-settings.ts';
import type { ToolCategory } from '../tools/tool-category.ts';
import { AUTH_MODES, type AuthMode, envSchema, type LogLevel, type WriteAccess } from './env-schema.ts';
import { ENV, SETTINGS } from './settings.ts';

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

/**
 * Lifetimes of the kinds without a CACHE_TTL_* setting of their own (not settings, so not in the table): accounts
 * rarely change, the others change with what people do.
 */
const FIXED_TTL_SECONDS = { accounts: 900, history: 60, browse: 300, playlists: 120, players: 30 } as const;

/** Every kind's lifetime when nothing is configured: the table's defaults and the fixed ones. */
export const DEFAULT_TTL_SECONDS: Readonly<Record<CacheableKind, number>> = Object.freeze({
  ...FIXED_TTL_SECONDS,
  search: SETTINGS.cacheTtlSearch.default,
  mediaDetails: SETTINGS.cacheTtlMediaDetails.default,
  libraries: SETTINGS.cacheTtlLibraries.default,
  sessions: SETTINGS.cacheTtlSessions.default,
  recentlyAdded: SETTINGS.cacheTtlRecentlyAdded.default,
  onDeck: SETTINGS.cacheTtlOnDeck.default,
  poster: SETTINGS.cacheTtlPoster.default,
});

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
  const { authMode, authToken, mcpPublicUrl, oauthIssuer, plexSignInKey } = ENV;
  const rawMode = (env[authMode] ?? '').trim().toLowerCase() || SETTINGS.authMode.default;
  const mode = (AUTH_MODES as readonly string[]).includes(rawMode) ? (rawMode as AuthMode) : undefined;
  const usesBearer = mode === 'bearer' || mode === 'bearer+oauth';
  const usesOAuth = mode === 'oauth' || mode === 'bearer+oauth';
  const usesPlex = mode === 'plex';
  const missing = (name: string, why: string) => {
    if (!problems.some((p) => p.startsWith(`${name}:`))) problems.push(`${name}: ${why}`);
  };
  if (transport === 'http' && usesBearer && (env[authToken] === undefined || env[authToken] === '')) {
    missing(
      authToken,
      `is required for the HTTP transport with ${authMode}=${mode} (at least ${SETTINGS.authToken.minLength} characters; not needed with --stdio or ${authMode}=oauth)`,
    );
  }
  if (usesOAuth) {
    if (!env[mcpPublicUrl])
      missing(
        mcpPublicUrl,
        `is required with ${authMode}=${mode} (the URL clients use, e.g. https://plex-mcp.example.com/mcp)`,
      );
    if (!env[oauthIssuer])
      missing(oauthIssuer, `is required with ${authMode}=${mode} (the issuer URL of your identity provider)`);
    const introspection = [
      ENV.oauthIntrospectionUrl,
      ENV.oauthIntrospectionClientId,
      ENV.oauthIntrospectionClientSecret,
    ];
    const given = introspection.filter((name) => env[name]);
    if (given.length > 0 && given.length < introspection.length) {
      for (const name of introspection.filter((n) => !env[n]))
        missing(name, `is required when ${given.join(' and ')} is set (introspection needs all three)`);
    }
  }
  if (usesPlex) {
    if (!env[mcpPublicUrl])
      missing(
        mcpPublicUrl,
        `is required with ${authMode}=plex (the URL clients and browsers use, e.g. https://plex-mcp.example.com/mcp)`,
      );
    if (!env[plexSignInKey])
      missing(
        plexSignInKey,
        `is required with ${authMode}=plex (at least ${SETTINGS.plexSignInKey.minLength} random characters, the same on every replica)`,
      );
  }
  if (parsed.success && parsed.data.requestTimeout < parsed.data.headersTimeout) {
    problems.push(
      `${ENV.requestTimeout}: must be at least ${ENV.headersTimeout} (the headers are part of the request)`,
    );
  }
  if (!parsed.success || problems.length > 0) return { ok: false, problems: problems.sort() };

  const e = parsed.data;
  const oauth: OAuthConfig | undefined =
    usesOAuth && e.oauthIssuer && e.mcpPublicUrl
      ? {
          issuer: e.oauthIssuer,
          audiences: e.oauthAudience ?? [e.mcpPublicUrl],
          jwksUrl: e.oauthJwksUrl,
          scopes: e.oauthScopes,
          clockSkewSeconds: e.oauthClockSkew,
          jwksRefreshCooldownSeconds: e.oauthJwksRefreshCooldown,
          introspection:
            e.oauthIntrospectionUrl && e.oauthIntrospectionClientId && e.oauthIntrospectionClientSecret
              ? {
                  url: e.oauthIntrospectionUrl,
                  clientId: e.oauthIntrospectionClientId,
                  clientSecret: e.oauthIntrospectionClientSecret,
                }
              : undefined,
        }
      : undefined;
  const plexUrl = e.plexServerUrl.replace(/\/+$/, '');
  return {
    ok: true,
    config: {
      transport,
      server: {
        host: e.serverHost,
        port: e.serverPort,
        authToken: usesBearer ? e.authToken : undefined,
        allowedOrigins: e.allowedOrigins,
        headersTimeoutMs: Math.round(e.headersTimeout * 1000),
        requestTimeoutMs: Math.round(e.requestTimeout * 1000),
        maxConnections: e.maxConnections,
      },
      auth: {
        mode: e.authMode,
        publicUrl: e.mcpPublicUrl,
        oauth,
        plexSignIn:
          usesPlex && e.plexSignInKey
            ? {
                key: e.plexSignInKey,
                allowedUsers: e.plexAllowedUsers,
                plexAppAuthUrl: e.plexAppAuthUrl,
                timeoutMs: e.plexSignInTimeout * 1000,
                scopes: e.oauthScopes,
              }
            : undefined,
      },
      plex: {
        url: plexUrl,
        token: e.plexToken,
        timeoutMs: Math.round(e.plexTimeout * 1000),
        maxConnections: e.plexMaxConnections,
        maxResponseBytes: e.plexMaxResponseBytes,
        clientIdentifier: e.plexClientIdentifier ?? defaultClientIdentifier(plexUrl),
        plexTv: {
          url: e.plexTvUrl.replace(/\/+$/, ''),
          resourcesUrl: e.plexTvResourcesUrl.replace(/\/+$/, ''),
        },
        events: {
          enabled: e.plexEvents,
          idleTimeoutMs: Math.round(e.plexEventsIdleTimeout * 1000),
          recycleMs: Math.round(e.plexEventsRecycle * 1000),
        },
      },
      redis: { url: e.redisUrl, password: e.redisPassword, tls: e.redisTls },
      cache: {
        enabled: e.cacheEnabled,
        ttlSeconds: {
          ...FIXED_TTL_SECONDS,
          search: e.cacheTtlSearch,
          mediaDetails: e.cacheTtlMediaDetails,
          libraries: e.cacheTtlLibraries,
          sessions: e.cacheTtlSessions,
          recentlyAdded: e.cacheTtlRecentlyAdded,
          onDeck: e.cacheTtlOnDeck,
          poster: e.cacheTtlPoster,
        },
        staleSeconds: e.cacheStaleTtl,
        maxBytes: e.cacheMaxBytes,
      },
      posters: {
        width: e.posterWidth,
        maxBytesPerImage: e.posterMaxBytes,
        maxBytesPerResult: e.posterResultMaxBytes,
      },
      tools: { writeAccess: e.writeAccess, libraries: e.plexLibraries, confirmKey: e.confirmTokenKey },
      logLevel: e.logLevel,
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
