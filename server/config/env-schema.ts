import { z } from 'zod';
import { TOOL_CATEGORIES, type ToolCategory } from '../tools/tool-category.ts';

/**
 * The server's environment variables (README "Server configuration" lists them). Every value arrives as a string (or is
 * absent), so each field parses from a string; defaults live here and nowhere else.
 * Secret variables (AUTH_TOKEN, PLEX_TOKEN, REDIS_PASSWORD, REDIS_URL which may embed a password) are validated
 * without ever echoing their value: the issue messages below are fixed sentences.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function integer(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { message: `must be a whole number between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

function positiveSeconds(max = 7 * 86_400) {
  return z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, { message: `must be a number of seconds between 0.1 and ${max}` })
    .transform(Number)
    .pipe(z.number().min(0.1, 'must be at least 0.1 seconds').max(max, `must be at most ${max} seconds`));
}

const boolean = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A URL whose scheme is one of `protocols` (e.g. `['http:', 'https:']`). */
function urlWithScheme(protocols: readonly string[], message: string) {
  return z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { message },
    );
}

const httpUrl = (what: string) =>
  urlWithScheme(['http:', 'https:'], `must be an http:// or https:// URL of ${what}`);

const redisUrl = urlWithScheme(['redis:', 'rediss:'], 'must be a redis:// or rediss:// URL');

const secret = (minLength: number) =>
  z.string().min(minLength, { message: `must be at least ${minLength} characters long` });

/**
 * MCP_ALLOWED_ORIGINS: browser origins allowed to call /mcp besides loopback ones, compared exactly (scheme, host and
 * port). A bare host name means its https origin (`claude.ai` = `https://claude.ai`). See http/browser-origins.ts.
 */
const originList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  )
  .pipe(
    z.array(
      z
        .string()
        .transform((entry) => {
          const url = entry.includes('://') ? entry : `https://${entry}`;
          try {
            const parsed = new URL(url);
            const bare =
              (parsed.pathname === '/' || parsed.pathname === '') && !parsed.search && !parsed.hash;
            const web = parsed.protocol === 'http:' || parsed.protocol === 'https:';
            return bare && web && !parsed.username ? parsed.origin.toLowerCase() : '';
          } catch {
            return '';
          }
        })
        .pipe(
          z.string().min(1, {
            message:
              'must be a comma-separated list of origins (scheme://host[:port], no path) or host names, e.g. https://app.example.com',
          }),
        ),
    ),
  );

/** `plex`: this server is also the OAuth authorization server, and people sign in with their Plex account (#17). */
export const AUTH_MODES = ['bearer', 'oauth', 'bearer+oauth', 'plex'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * An https:// URL, or http:// on a loopback host (local testing): OAuth issuers and the public resource URL.
 * No fragment and no query, as RFC 8414 and RFC 9728 require of issuer and resource identifiers.
 */
function httpsUrl(what: string) {
  return z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          const url = new URL(v);
          if (url.hash || url.search) return false;
          return (
            url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname))
          );
        } catch {
          return false;
        }
      },
      { message: `must be an https:// URL of ${what} without query or fragment (http:// only on localhost)` },
    );
}

/** WRITE_ACCESS: what the assistant may change. `none` lists no write tool at all. */
export const WRITE_ACCESS_LEVELS = ['none', 'playback', 'library'] as const;
export type WriteAccess = (typeof WRITE_ACCESS_LEVELS)[number];

/**
 * PLEX_SERVER_URL must be the server's base URL. Plex Web's address bar shows `http://host:32400/web/index.html#!/`,
 * and with that path every Plex call is a 404; a base path (a reverse proxy at /plex) is fine.
 */
const plexServerUrl = httpUrl('the Plex Media Server, e.g. http://192.168.1.10:32400').superRefine(
  (v, ctx) => {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      return;
    }
    if (url.hash !== '' || v.includes('#') || /(^|\/)web(\/|$)/.test(url.pathname)) {
      ctx.addIssue({
        code: 'custom',
        message: `is the Plex Web app's address; use the server's base URL without /web or #..., e.g. ${url.origin}`,
      });
    }
  },
);

/** A comma-separated list; empty entries dropped. */
const commaList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

/** A scope token as RFC 6749 defines it (printable ASCII without space, `"` or `\\`). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export const DEFAULT_OAUTH_SCOPES: Readonly<Record<ToolCategory, string>> = {
  read: 'plex:read',
  playback: 'plex:playback',
  library: 'plex:library',
};

/**
 * OAUTH_SCOPES: which scope unlocks which tool category, as `category=scope` pairs (`read=media.read,...`); a
 * category left out keeps its default scope (plex:read, plex:playback, plex:library).
 */
const scopeMap = commaList.transform((pairs, ctx) => {
  const map: Record<ToolCategory, string> = { ...DEFAULT_OAUTH_SCOPES };
  for (const pair of pairs) {
    const [category, scope, extra] = pair.split('=').map((s) => s.trim());
    if (
      !TOOL_CATEGORIES.includes(category as ToolCategory) ||
      !scope ||
      extra !== undefined ||
      !SCOPE_TOKEN.test(scope)
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `must be comma-separated category=scope pairs with categories ${TOOL_CATEGORIES.join(', ')}, e.g. read=plex:read,library=plex:library`,
      });
      return z.NEVER;
    }
    map[category as ToolCategory] = scope;
  }
  return map;
});

/** Raw environment → typed values. AUTH_TOKEN's requiredness depends on the transport and is checked later. */
export const envSchema = z.object({
  SERVER_HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  SERVER_PORT: integer(0, 65_535).default(8080),
  AUTH_TOKEN: secret(32).optional(),
  MCP_ALLOWED_ORIGINS: originList.default([]),
  SERVER_HEADERS_TIMEOUT: positiveSeconds(300).default(10),
  SERVER_REQUEST_TIMEOUT: positiveSeconds(3_600).default(30),
  SERVER_MAX_CONNECTIONS: integer(1, 100_000).default(512),
  PLEX_SERVER_URL: plexServerUrl,
  PLEX_TOKEN: secret(1),
  PLEX_TIMEOUT: positiveSeconds(300).default(30),
  PLEX_MAX_CONNECTIONS: integer(1, 1024).default(10),
  PLEX_MAX_RESPONSE_BYTES: integer(64 * 1024, 256 * 1024 * 1024).default(32 * 1024 * 1024),
  PLEX_CLIENT_IDENTIFIER: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, {
      message: 'must be 1-128 characters of letters, digits, ".", "_" or "-"',
    })
    .optional(),
  /** Follow Plex's event stream (live sessions, cache invalidation, resource updates); false = TTLs only. */
  PLEX_EVENTS: boolean.default(true),
  /** An event stream silent this long (no event, no heartbeat) is reopened, seconds. */
  PLEX_EVENTS_IDLE_TIMEOUT: positiveSeconds(3_600).default(120),
  /** A healthy event stream is reopened (and sessions reconciled) this often anyway, seconds. */
  PLEX_EVENTS_RECYCLE: positiveSeconds(7 * 86_400).default(21_600),
  REDIS_URL: redisUrl.optional(),
  REDIS_PASSWORD: z.string().min(1, 'must not be empty when set').optional(),
  REDIS_TLS: boolean.default(false),
  CACHE_ENABLED: boolean.default(true),
  CACHE_TTL_SEARCH: integer(1, 86_400).default(300),
  CACHE_TTL_MEDIA_DETAILS: integer(1, 86_400).default(900),
  CACHE_TTL_LIBRARIES: integer(1, 86_400).default(900),
  CACHE_TTL_SESSIONS: integer(1, 86_400).default(30),
  CACHE_TTL_RECENTLY_ADDED: integer(1, 86_400).default(120),
  CACHE_TTL_ON_DECK: integer(1, 86_400).default(120),
  CACHE_TTL_POSTER: integer(1, 30 * 86_400).default(86_400),
  CACHE_STALE_TTL: integer(0, 30 * 86_400).default(86_400),
  CACHE_MAX_BYTES: integer(1024, 16 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  POSTER_WIDTH: integer(32, 1000).default(240),
  POSTER_MAX_BYTES: integer(1024, 4 * 1024 * 1024).default(64 * 1024),
  POSTER_RESULT_MAX_BYTES: integer(1024, 16 * 1024 * 1024).default(512 * 1024),
  AUTH_MODE: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(AUTH_MODES, { message: `must be one of ${AUTH_MODES.join(', ')}` }))
    .default('bearer'),
  MCP_PUBLIC_URL: httpsUrl(
    "this server's MCP endpoint as clients reach it, e.g. https://plex-mcp.example.com/mcp",
  ).optional(),
  OAUTH_ISSUER: httpsUrl('the OAuth authorization server (its issuer identifier)').optional(),
  OAUTH_AUDIENCE: commaList
    .pipe(z.array(z.string().min(1)).min(1, 'must name at least one audience'))
    .optional(),
  OAUTH_JWKS_URL: httpsUrl("the issuer's JSON Web Key Set").optional(),
  OAUTH_SCOPES: scopeMap.default({ ...DEFAULT_OAUTH_SCOPES }),
  OAUTH_CLOCK_SKEW: integer(0, 300).default(30),
  OAUTH_JWKS_REFRESH_COOLDOWN: integer(1, 3600).default(30),
  OAUTH_INTROSPECTION_URL: httpsUrl('the RFC 7662 token introspection endpoint').optional(),
  OAUTH_INTROSPECTION_CLIENT_ID: z.string().trim().min(1, 'must not be empty when set').optional(),
  OAUTH_INTROSPECTION_CLIENT_SECRET: secret(1).optional(),
  /**
   * AUTH_MODE=plex: the key that encrypts what sign-in stores (people's Plex tokens, grants, signing keys) and signs
   * its cookies; every replica needs the same one (the operator generates it once into a Secret).
   */
  PLEX_SIGN_IN_KEY: secret(32).optional(),
  /** AUTH_MODE=plex: only these Plex usernames (or Home profile names) may sign in; empty = everyone Plex admits. */
  PLEX_ALLOWED_USERS: commaList.default([]),
  /** plex.tv's API (the double's URL in tests and the demo). */
  PLEX_TV_URL: httpUrl('plex.tv').default('https://plex.tv'),
  /** Where plex.tv serves /api/v2/resources. */
  PLEX_TV_RESOURCES_URL: httpUrl('plex.tv resources').default('https://clients.plex.tv'),
  /** Plex's sign-in page the person is sent to with the PIN. */
  PLEX_APP_AUTH_URL: httpUrl("Plex's sign-in page").default('https://app.plex.tv/auth'),
  /** How long a person has to sign in at Plex before the PIN is given up, seconds. */
  PLEX_SIGN_IN_TIMEOUT: integer(30, 1_800).default(600),
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }))
    .default('info'),
  WRITE_ACCESS: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(WRITE_ACCESS_LEVELS, { message: `must be one of ${WRITE_ACCESS_LEVELS.join(', ')}` }))
    .default('library'),
  /** Library names or ids the tools may read and change; empty = all. */
  PLEX_LIBRARIES: commaList.default([]),
  /** HMAC key for confirmation tokens; every replica needs the same one (the operator generates it). */
  CONFIRM_TOKEN_KEY: secret(32).optional(),
});

export type ParsedEnv = z.output<typeof envSchema>;
