/**
 * THE settings table: every server setting, once. Its environment variable, how the value parses (kind and bounds),
 * its default, what it means, and the PlexMcpServer spec field that sets it, if one does.
 *
 * Derived from it, and written nowhere else:
 * - the server's environment parsing (server/config/env-schema.ts builds one zod parser per row);
 * - the ConfigMap the operator renders (cdk8s/plex-mcp-server/server-config.ts writes each row's env name from its
 *   spec field);
 * - the CRD fields that set a setting (operator/api/v1alpha1/setting-fields.ts takes type, bounds, meaning and the
 *   "Unset: the server default" sentence from the row).
 *
 * This module is a leaf (it imports nothing) so that the server and the operator's API package can both import it
 * without any arrow pointing back. server/README.md says how to add a setting.
 */

/** Where a setting comes from in a PlexMcpServer, as a dotted path under `spec`. */
export interface SpecBinding {
  /** e.g. `plex.timeoutSeconds`. */
  readonly field: string;
  /**
   * For enums: the spec's value → the env value (the CRD speaks PascalCase, the server lower case). The CRD enum is
   * its keys; a server value missing here cannot be set through the spec.
   */
  readonly values?: Readonly<Record<string, string>>;
  /**
   * How the renderer writes it. `value` (the default): the field's value as is (lists joined by commas, enums through
   * `values`). `derived`: the renderer computes the value (URLs from other fields, scopes from three fields).
   * `secret`: the field names a Secret whose key the pod reads into this variable.
   */
  readonly render?: 'value' | 'derived' | 'secret';
}

interface Base {
  /** The environment variable. */
  readonly env: string;
  /** What it does, as one sentence without its final period (the CRD description starts with it). */
  readonly meaning: string;
  /** Must be set (no default). */
  readonly required?: true;
  /** Never echoed: parse errors are fixed sentences and the value lives in a Secret. */
  readonly secret?: true;
  readonly spec?: SpecBinding;
}

/** A whole number between min and max. */
export interface IntegerSetting extends Base {
  readonly kind: 'integer';
  readonly min: number;
  readonly max: number;
  readonly default?: number;
}

/** A number of seconds (fractions allowed) between min and max. */
export interface SecondsSetting extends Base {
  readonly kind: 'seconds';
  readonly min: number;
  readonly max: number;
  readonly default?: number;
}

export interface BooleanSetting extends Base {
  readonly kind: 'boolean';
  readonly default?: boolean;
}

export interface EnumSetting extends Base {
  readonly kind: 'enum';
  readonly values: readonly string[];
  readonly default?: string;
}

/** Free text (trimmed, not empty), optionally matching `pattern`. */
export interface TextSetting extends Base {
  readonly kind: 'text';
  readonly pattern?: { readonly regex: RegExp; readonly message: string };
  readonly default?: string;
}

/** A secret value of at least minLength characters. */
export interface SecretSetting extends Base {
  readonly kind: 'secret';
  readonly minLength: number;
}

/**
 * A URL. `web`: http:// or https://. `https`: https://, or http:// on a loopback host, without query or fragment
 * (issuer and resource identifiers, RFC 8414/9728). `redis`: redis:// or rediss://. `plex`: a web URL that is not
 * Plex Web's address (no /web, no #).
 */
export interface UrlSetting extends Base {
  readonly kind: 'url';
  readonly scheme: 'web' | 'https' | 'redis' | 'plex';
  /** What the URL is of, for the error message ("must be an https:// URL of <of>"). */
  readonly of?: string;
  readonly default?: string;
}

/** A comma-separated list; empty entries dropped. */
export interface ListSetting extends Base {
  readonly kind: 'list';
  /** Set but empty is an error. */
  readonly nonEmpty?: { readonly message: string };
  readonly default?: readonly string[];
}

/** MCP_ALLOWED_ORIGINS's format: origins or bare host names (server/http/browser-origins.ts). */
export interface OriginsSetting extends Base {
  readonly kind: 'origins';
  readonly default: readonly string[];
}

/** OAUTH_SCOPES's format: `category=scope` pairs; a category left out keeps its default scope. */
export interface ScopesSetting extends Base {
  readonly kind: 'scopes';
  readonly default: Readonly<Record<'read' | 'playback' | 'library', string>>;
}

export type Setting =
  | IntegerSetting
  | SecondsSetting
  | BooleanSetting
  | EnumSetting
  | TextSetting
  | SecretSetting
  | UrlSetting
  | ListSetting
  | OriginsSetting
  | ScopesSetting;

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;
const DAY = 86_400;

/** A cache lifetime a PlexMcpServer can set (cache.ttlSeconds.<field>). */
const ttl = (env: string, field: string, what: string, seconds: number) =>
  ({
    env,
    kind: 'integer',
    min: 1,
    max: DAY,
    default: seconds,
    meaning: `Seconds ${what} stay fresh in the cache`,
    spec: { field: `cache.ttlSeconds.${field}` },
  }) as const;

export const SETTINGS = {
  // The HTTP transport.
  serverHost: {
    env: 'SERVER_HOST',
    kind: 'text',
    default: '127.0.0.1',
    meaning: 'Address the HTTP transport listens on (0.0.0.0 in a container)',
  },
  serverPort: {
    env: 'SERVER_PORT',
    kind: 'integer',
    min: 0,
    max: 65_535,
    default: 8080,
    meaning: 'Port the HTTP transport listens on',
  },
  authToken: {
    env: 'AUTH_TOKEN',
    kind: 'secret',
    minLength: 32,
    secret: true,
    meaning:
      'The static bearer token of POST /mcp (AUTH_MODE bearer or bearer+oauth, HTTP only; the operator generates it)',
  },
  allowedOrigins: {
    env: 'MCP_ALLOWED_ORIGINS',
    kind: 'origins',
    default: [],
    meaning:
      'Browser origins allowed to call /mcp besides loopback ones, compared exactly; a bare host name means its https origin',
  },
  headersTimeout: {
    env: 'SERVER_HEADERS_TIMEOUT',
    kind: 'seconds',
    min: 0.1,
    max: 300,
    default: 10,
    meaning: 'Seconds a client has to send its request headers',
  },
  requestTimeout: {
    env: 'SERVER_REQUEST_TIMEOUT',
    kind: 'seconds',
    min: 0.1,
    max: 3_600,
    default: 30,
    meaning: 'Seconds a client has to send its whole request, body included',
  },
  maxConnections: {
    env: 'SERVER_MAX_CONNECTIONS',
    kind: 'integer',
    min: 1,
    max: 100_000,
    default: 512,
    meaning: 'Client connections served at once (a few more are kept for health probes)',
  },

  // Plex.
  plexServerUrl: {
    env: 'PLEX_SERVER_URL',
    kind: 'url',
    scheme: 'plex',
    of: 'the Plex Media Server, e.g. http://192.168.1.10:32400',
    required: true,
    meaning: 'Base URL of the Plex Media Server',
    spec: { field: 'plex.url' },
  },
  plexToken: {
    env: 'PLEX_TOKEN',
    kind: 'secret',
    minLength: 1,
    required: true,
    secret: true,
    meaning: 'The Plex token (X-Plex-Token) the server calls Plex with',
    spec: { field: 'plex.tokenSecretRef', render: 'secret' },
  },
  plexTimeout: {
    env: 'PLEX_TIMEOUT',
    kind: 'seconds',
    min: 0.1,
    max: 300,
    default: 30,
    meaning: 'Seconds one request to Plex may take in all, retries included',
    spec: { field: 'plex.timeoutSeconds' },
  },
  plexMaxConnections: {
    env: 'PLEX_MAX_CONNECTIONS',
    kind: 'integer',
    min: 1,
    max: 1024,
    default: 10,
    meaning: 'Most keep-alive connections the server opens to Plex',
    spec: { field: 'plex.maxConnections' },
  },
  plexMaxResponseBytes: {
    env: 'PLEX_MAX_RESPONSE_BYTES',
    kind: 'integer',
    min: 64 * KIB,
    max: 256 * MIB,
    default: 32 * MIB,
    meaning: 'Largest Plex answer read, bytes; a larger one is dropped (plex_unavailable)',
  },
  plexClientIdentifier: {
    env: 'PLEX_CLIENT_IDENTIFIER',
    kind: 'text',
    pattern: {
      regex: /^[A-Za-z0-9._-]{1,128}$/,
      message: 'must be 1-128 characters of letters, digits, ".", "_" or "-"',
    },
    meaning:
      'The X-Plex-Client-Identifier Plex lists this server under; unset: derived from the Plex URL (the operator sets one per resource)',
  },
  plexEvents: {
    env: 'PLEX_EVENTS',
    kind: 'boolean',
    default: true,
    meaning:
      "Follow Plex's event stream (live sessions, cache invalidation, resource updates); false: TTLs only",
    spec: { field: 'plex.events' },
  },
  plexEventsIdleTimeout: {
    env: 'PLEX_EVENTS_IDLE_TIMEOUT',
    kind: 'seconds',
    min: 0.1,
    max: 3_600,
    default: 120,
    meaning: 'Seconds an event stream may stay silent (no event, no heartbeat) before it is reopened',
  },
  plexEventsRecycle: {
    env: 'PLEX_EVENTS_RECYCLE',
    kind: 'seconds',
    min: 0.1,
    max: 7 * DAY,
    default: 21_600,
    meaning: 'Seconds after which a healthy event stream is reopened (and sessions reconciled) anyway',
  },

  // Redis.
  redisUrl: {
    env: 'REDIS_URL',
    kind: 'url',
    scheme: 'redis',
    meaning: 'The Redis the cache lives in; unset: an in-memory cache per process',
    spec: { field: 'redis', render: 'derived' },
  },
  redisPassword: {
    env: 'REDIS_PASSWORD',
    kind: 'text',
    secret: true,
    meaning: "Redis password (overrides the URL's, so the URL can live in a ConfigMap)",
    spec: { field: 'redis.external.passwordSecretRef', render: 'secret' },
  },
  redisTls: {
    env: 'REDIS_TLS',
    kind: 'boolean',
    default: false,
    meaning: 'Connect to Redis with TLS (a rediss:// URL implies it)',
    spec: { field: 'redis.external.tls', render: 'derived' },
  },

  // The cache.
  cacheEnabled: {
    env: 'CACHE_ENABLED',
    kind: 'boolean',
    default: true,
    meaning: 'Cache Plex answers; false: every tool call reaches Plex',
    spec: { field: 'cache.enabled' },
  },
  cacheTtlSearch: ttl('CACHE_TTL_SEARCH', 'search', 'search_media results', 300),
  cacheTtlMediaDetails: ttl('CACHE_TTL_MEDIA_DETAILS', 'mediaDetails', 'get_media_details results', 900),
  cacheTtlLibraries: ttl('CACHE_TTL_LIBRARIES', 'libraries', 'list_libraries results', 900),
  cacheTtlSessions: ttl('CACHE_TTL_SESSIONS', 'sessions', 'get_playback_status results', 30),
  cacheTtlRecentlyAdded: ttl('CACHE_TTL_RECENTLY_ADDED', 'recentlyAdded', 'get_recently_added results', 120),
  cacheTtlOnDeck: ttl('CACHE_TTL_ON_DECK', 'onDeck', 'get_on_deck results', 120),
  cacheTtlPoster: {
    env: 'CACHE_TTL_POSTER',
    kind: 'integer',
    min: 1,
    max: 30 * DAY,
    // Thumb paths carry the image's update time, so an entry for one path never goes out of date.
    default: DAY,
    meaning: 'Seconds poster thumbnails stay fresh in the cache',
  },
  cacheStaleTtl: {
    env: 'CACHE_STALE_TTL',
    kind: 'integer',
    min: 0,
    max: 30 * DAY,
    default: DAY,
    meaning:
      'Seconds an entry outlives its TTL so the server can still answer (marked stale) while Plex is down',
    spec: { field: 'cache.staleSeconds' },
  },
  cacheMaxBytes: {
    env: 'CACHE_MAX_BYTES',
    kind: 'integer',
    min: KIB,
    max: 16 * GIB,
    // What the operator renders for its default 256Mi limit (cdk8s inMemoryCacheBytes; a unit test keeps them
    // equal), so `docker run` with the image's NODE_OPTIONS gets a cache that fits its 128 MiB old space.
    default: 48 * MIB,
    meaning:
      'Bound of the in-memory cache, bytes (the operator sizes it from the memory limit without Redis)',
    spec: { field: 'resources', render: 'derived' },
  },

  // Poster thumbnails (server/images/).
  posterWidth: {
    env: 'POSTER_WIDTH',
    kind: 'integer',
    min: 32,
    max: 1000,
    default: 240,
    meaning: 'Width of poster thumbnails, pixels',
  },
  posterMaxBytes: {
    env: 'POSTER_MAX_BYTES',
    kind: 'integer',
    min: KIB,
    max: 4 * MIB,
    default: 64 * KIB,
    meaning: 'Largest poster thumbnail, bytes',
  },
  posterResultMaxBytes: {
    env: 'POSTER_RESULT_MAX_BYTES',
    kind: 'integer',
    min: KIB,
    max: 16 * MIB,
    default: 512 * KIB,
    meaning: 'Most poster bytes in one tool result',
  },

  // How callers authenticate.
  authMode: {
    env: 'AUTH_MODE',
    kind: 'enum',
    values: ['bearer', 'oauth', 'bearer+oauth', 'plex'],
    default: 'bearer',
    meaning:
      'How callers of /mcp authenticate: bearer (static token), oauth (access tokens of an identity provider), bearer+oauth (either), plex (this server signs people in with Plex)',
    spec: {
      field: 'auth.mode',
      values: { Bearer: 'bearer', OAuth: 'oauth', BearerAndOAuth: 'bearer+oauth', SignInWithPlex: 'plex' },
    },
  },
  mcpPublicUrl: {
    env: 'MCP_PUBLIC_URL',
    kind: 'url',
    scheme: 'https',
    of: "this server's MCP endpoint as clients reach it, e.g. https://plex-mcp.example.com/mcp",
    meaning: 'The MCP endpoint as clients reach it (the resource identifier tokens are issued for)',
    spec: { field: 'auth.publicURL', render: 'derived' },
  },
  oauthIssuer: {
    env: 'OAUTH_ISSUER',
    kind: 'url',
    scheme: 'https',
    of: 'the OAuth authorization server (its issuer identifier)',
    meaning: 'Issuer URL of the identity provider',
    spec: { field: 'auth.oauth.issuer' },
  },
  oauthAudience: {
    env: 'OAUTH_AUDIENCE',
    kind: 'list',
    nonEmpty: { message: 'must name at least one audience' },
    meaning: 'Accepted `aud` values of access tokens (any one suffices); unset: the public URL',
    spec: { field: 'auth.oauth.audience' },
  },
  oauthJwksUrl: {
    env: 'OAUTH_JWKS_URL',
    kind: 'url',
    scheme: 'https',
    of: "the issuer's JSON Web Key Set",
    meaning: "URL of the issuer's JSON Web Key Set; unset: the jwks_uri of the issuer's metadata",
    spec: { field: 'auth.oauth.jwksURL' },
  },
  oauthScopes: {
    env: 'OAUTH_SCOPES',
    kind: 'scopes',
    default: { read: 'plex:read', playback: 'plex:playback', library: 'plex:library' },
    meaning: 'Which OAuth scope unlocks which tool category, as category=scope pairs',
    spec: { field: 'auth.oauth.scopes', render: 'derived' },
  },
  oauthClockSkew: {
    env: 'OAUTH_CLOCK_SKEW',
    kind: 'integer',
    min: 0,
    max: 300,
    default: 30,
    meaning: 'Seconds of clock difference tolerated in token times',
  },
  oauthJwksRefreshCooldown: {
    env: 'OAUTH_JWKS_REFRESH_COOLDOWN',
    kind: 'integer',
    min: 1,
    max: 3_600,
    default: 30,
    meaning: 'Least seconds between two key-set fetches an unknown key id triggers',
  },
  oauthIntrospectionUrl: {
    env: 'OAUTH_INTROSPECTION_URL',
    kind: 'url',
    scheme: 'https',
    of: 'the RFC 7662 token introspection endpoint',
    meaning: 'RFC 7662 introspection endpoint for opaque (non-JWT) tokens; unset: opaque tokens are refused',
  },
  oauthIntrospectionClientId: {
    env: 'OAUTH_INTROSPECTION_CLIENT_ID',
    kind: 'text',
    meaning: 'Client id this server introspects tokens with',
  },
  oauthIntrospectionClientSecret: {
    env: 'OAUTH_INTROSPECTION_CLIENT_SECRET',
    kind: 'secret',
    minLength: 1,
    secret: true,
    meaning: 'Client secret this server introspects tokens with',
  },

  // AUTH_MODE=plex: people sign in with their Plex account.
  plexSignInKey: {
    env: 'PLEX_SIGN_IN_KEY',
    kind: 'secret',
    minLength: 32,
    secret: true,
    meaning:
      'Key that encrypts what sign-in stores (Plex tokens, grants, signing keys) and signs its cookies; the same on every replica',
  },
  plexAllowedUsers: {
    env: 'PLEX_ALLOWED_USERS',
    kind: 'list',
    default: [],
    meaning: 'Plex usernames (or Home profile names) that may sign in; empty: everyone Plex admits',
    spec: { field: 'auth.allowedUsers' },
  },
  plexTvUrl: {
    env: 'PLEX_TV_URL',
    kind: 'url',
    scheme: 'web',
    of: 'plex.tv',
    default: 'https://plex.tv',
    meaning: "plex.tv's API",
  },
  plexTvResourcesUrl: {
    env: 'PLEX_TV_RESOURCES_URL',
    kind: 'url',
    scheme: 'web',
    of: 'plex.tv resources',
    default: 'https://clients.plex.tv',
    meaning: 'Where plex.tv serves /api/v2/resources',
  },
  plexAppAuthUrl: {
    env: 'PLEX_APP_AUTH_URL',
    kind: 'url',
    scheme: 'web',
    of: "Plex's sign-in page",
    default: 'https://app.plex.tv/auth',
    meaning: "Plex's sign-in page a person is sent to with the PIN",
  },
  plexSignInTimeout: {
    env: 'PLEX_SIGN_IN_TIMEOUT',
    kind: 'integer',
    min: 30,
    max: 1_800,
    default: 600,
    meaning: 'Seconds a person has to sign in at Plex before the PIN is given up',
  },

  // Logging and tools.
  logLevel: {
    env: 'LOG_LEVEL',
    kind: 'enum',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
    meaning: 'Server log level',
    spec: {
      field: 'logLevel',
      values: { trace: 'trace', debug: 'debug', info: 'info', warn: 'warn', error: 'error' },
    },
  },
  writeAccess: {
    env: 'WRITE_ACCESS',
    kind: 'enum',
    values: ['none', 'playback', 'library'],
    default: 'library',
    meaning:
      'What the assistant may change in Plex. None: read-only, no write tool is even listed. Playback: also control and start playback. Library: also watch state, ratings and playlists (deleting asks the user first)',
    spec: { field: 'tools.writeAccess', values: { None: 'none', Playback: 'playback', Library: 'library' } },
  },
  plexLibraries: {
    env: 'PLEX_LIBRARIES',
    kind: 'list',
    default: [],
    meaning:
      'Libraries (names such as "Movies", or section ids) the tools may read and change; every other library is hidden and refused ("keep the assistant out of Home Videos"). Unset or empty: every library',
    spec: { field: 'tools.libraries' },
  },
  confirmTokenKey: {
    env: 'CONFIRM_TOKEN_KEY',
    kind: 'secret',
    minLength: 32,
    secret: true,
    meaning:
      'HMAC key of confirmation tokens, the same on every replica; unset: a random key per process (the operator generates one)',
  },
} as const satisfies Record<string, Setting>;

export type SettingId = keyof typeof SETTINGS;

/** Every row, for code that walks the table (parsers, tests). */
export const SETTING_ROWS: ReadonlyArray<readonly [SettingId, Setting]> = Object.entries(SETTINGS) as Array<
  [SettingId, Setting]
>;

/** Each setting's env name by id (`ENV.plexToken` = the Plex token's variable), for messages and the renderer. */
export const ENV = Object.fromEntries(SETTING_ROWS.map(([id, setting]) => [id, setting.env])) as {
  readonly [K in SettingId]: (typeof SETTINGS)[K]['env'];
};
