// The PlexMcpServer spec: the single source of truth for the CRD schema (see openapi.ts) and for the
// operator's parser (see resource.ts). Every field carries the description `kubectl explain` shows.
// Strings and lists are bounded so the API server's CEL cost estimator accepts the rules.
import { z } from 'zod';
import { ENV, SETTINGS } from '../../../server/config/settings.ts';
import { DEFAULT_SERVER_IMAGE_TEXT, SECRET_OPT_IN_LABEL } from './constants.ts';
import {
  describe,
  imageReference,
  isUrlWithScheme,
  objectName,
  opaqueObject,
  quantity,
  secretDataKey,
  URL_PASSWORD_PATTERN,
  URL_USERINFO_PATTERN,
  withCelRules,
} from './schema-helpers.ts';
import {
  booleanSettingField,
  enumSettingField,
  numberSettingField,
  specDefault,
  specValues,
} from './setting-fields.ts';
import {
  AutoscalingSpecSchema,
  GatewaySpecSchema,
  IngressSpecSchema,
  MonitoringSpecSchema,
  NetworkPolicySpecSchema,
  platformSpecRules,
} from './spec-platform.ts';

const MAX_URL_LENGTH = 2048;
const MAX_IMAGE = 512;
/** Resource names per requests/limits map: bounds the CEL cost of the per-quantity rule. */
const MAX_RESOURCE_NAMES = 16;
const USERINFO_REGEX = new RegExp(URL_USERINFO_PATTERN);
const PASSWORD_REGEX = new RegExp(URL_PASSWORD_PATTERN);

/** A Secret in the resource's namespace, and the key inside it; `field` is its path in the spec, for messages. */
function secretKeySelector(field: string, what: string, defaultKey: string) {
  return z.object({
    name: describe(
      objectName(`${field}.name`, 'Secret'),
      `Name of the Secret (in the same namespace as this PlexMcpServer) that holds ${what}. The Secret must ` +
        `carry the label ${SECRET_OPT_IN_LABEL}="true" (see the README's trust model).`,
    ),
    key: describe(
      secretDataKey(`${field}.key`).default(defaultKey),
      `Key inside the Secret whose value is ${what}. Defaults to "${defaultKey}".`,
    ),
  });
}

/** One cache TTL: bounded by the schema and by a CEL rule whose message names the field. */
const ttlSeconds = (setting: (typeof SETTINGS)['cacheTtlSearch']) =>
  numberSettingField(setting, { field: setting.spec.field, unit: 'seconds' });

const resourceRequirements = (what: string) =>
  describe(
    z.object({
      requests: describe(
        z
          .record(z.string().max(63), quantity('A quantity, e.g. "50m" of cpu or "64Mi" of memory.'))
          .meta({ maxProperties: MAX_RESOURCE_NAMES }),
        'Minimum resources the scheduler reserves, by resource name (cpu, memory, ephemeral-storage).',
      ).optional(),
      limits: describe(
        z
          .record(z.string().max(63), quantity('A quantity, e.g. "128Mi" of memory.'))
          .meta({ maxProperties: MAX_RESOURCE_NAMES }),
        'Maximum resources the container may use, by resource name (cpu, memory, ephemeral-storage).',
      ).optional(),
    }),
    `Compute resources of ${what}. When set, it replaces the defaults as a whole.`,
  ).optional();

export const PlexSpecSchema = describe(
  z.object({
    url: describe(
      withCelRules(z.string().min(1).max(MAX_URL_LENGTH), [
        {
          rule: "isURL(self) && url(self).getScheme() in ['http', 'https']",
          message: 'plex.url must be an absolute http:// or https:// URL, e.g. http://plex.media.svc:32400',
          holds: (value) => isUrlWithScheme(value, ['http', 'https']),
        },
        {
          rule: `!self.matches('${URL_USERINFO_PATTERN}')`,
          message:
            'plex.url must not carry user info (user:password@): the URL is stored in clear text in the ' +
            'ConfigMap; the Plex token belongs in tokenSecretRef',
          holds: (value) => !USERINFO_REGEX.test(value),
        },
        {
          rule: "!self.contains('?') && !self.contains('#')",
          message:
            'plex.url must not have a query string or fragment (?... or #...): the URL is stored in clear text ' +
            'in the ConfigMap; the Plex token belongs in tokenSecretRef',
          holds: (value) => !value.includes('?') && !value.includes('#'),
        },
      ]),
      'Base URL of the Plex Media Server, e.g. http://192.168.1.10:32400 or https://plex.example.com: scheme, ' +
        'host, port and path only (no user info, query or fragment). Must be reachable from the pods.',
    ),
    tokenSecretRef: describe(
      secretKeySelector('plex.tokenSecretRef', 'the Plex token (X-Plex-Token)', 'token'),
      'Secret holding the Plex token the server authenticates to Plex with. The token never appears in ' +
        'the resource, its status, logs or events.',
    ),
    timeoutSeconds: numberSettingField(SETTINGS.plexTimeout),
    maxConnections: numberSettingField(SETTINGS.plexMaxConnections),
    events: booleanSettingField(SETTINGS.plexEvents),
  }),
  'How to reach the Plex Media Server this MCP server fronts.',
);

export const CacheTtlSchema = describe(
  z.object({
    search: ttlSeconds(SETTINGS.cacheTtlSearch),
    mediaDetails: ttlSeconds(SETTINGS.cacheTtlMediaDetails),
    libraries: ttlSeconds(SETTINGS.cacheTtlLibraries),
    sessions: ttlSeconds(SETTINGS.cacheTtlSessions),
    recentlyAdded: ttlSeconds(SETTINGS.cacheTtlRecentlyAdded),
    onDeck: ttlSeconds(SETTINGS.cacheTtlOnDeck),
  }),
  'Per-tool cache lifetimes in seconds. A changed value rolls the server pods.',
);

export const CacheSpecSchema = describe(
  z.object({
    enabled: booleanSettingField(SETTINGS.cacheEnabled),
    ttlSeconds: CacheTtlSchema.optional(),
    staleSeconds: numberSettingField(SETTINGS.cacheStaleTtl),
  }),
  'Caching of Plex answers.',
);

const ExternalRedisSchema = describe(
  z.object({
    url: describe(
      withCelRules(z.string().min(1).max(MAX_URL_LENGTH), [
        {
          rule: "isURL(self) && url(self).getScheme() in ['redis', 'rediss']",
          message:
            'redis.external.url must be a redis:// or rediss:// URL, e.g. redis://redis.cache.svc:6379/0',
          holds: (value) => isUrlWithScheme(value, ['redis', 'rediss']),
        },
        {
          rule: `!self.matches('${URL_PASSWORD_PATTERN}')`,
          message:
            'redis.external.url must not carry a password (user:password@): the URL is stored in clear text in ' +
            'the ConfigMap; put the password in a Secret and name it in passwordSecretRef',
          holds: (value) => !PASSWORD_REGEX.test(value),
        },
      ]),
      'Redis URL, e.g. redis://redis.cache.svc:6379/0 (rediss:// for TLS). Put no password here: use ' +
        'passwordSecretRef.',
    ),
    passwordSecretRef: describe(
      secretKeySelector('redis.external.passwordSecretRef', 'the Redis password', 'password'),
      'Secret holding the Redis password, if Redis requires one.',
    ).optional(),
    tls: describe(z.boolean(), 'Connect with TLS (implied by a rediss:// URL).').optional(),
  }),
  'An existing Redis to use. Only with mode External.',
);

const ManagedRedisSchema = describe(
  z.object({
    image: describe(
      imageReference('redis.managed.image', MAX_IMAGE),
      'Redis image the operator deploys. Unset: redis:7.4-alpine.',
    ).optional(),
    resources: resourceRequirements(
      'the managed Redis container (default requests 25m cpu / 32Mi, limit 128Mi)',
    ),
  }),
  'Settings of the Redis the operator deploys. Only with mode Managed.',
);

export const RedisModes = ['Managed', 'External', 'Disabled'] as const;

export const RedisSpecSchema = describe(
  withCelRules(
    z.object({
      mode: describe(
        z.enum(RedisModes).default('Managed'),
        'Managed: the operator deploys a private Redis (cache only, no persistence) reachable only from ' +
          "this server's pods. External: use the Redis in `external`. Disabled: an in-memory cache per pod. " +
          'Default Managed.',
      ),
      external: ExternalRedisSchema.optional(),
      managed: ManagedRedisSchema.optional(),
    }),
    [
      {
        rule: "self.mode != 'External' || has(self.external)",
        message: 'redis.external.url is required when redis.mode is External',
        holds: (redis) => redis.mode !== 'External' || redis.external !== undefined,
      },
      {
        rule: "self.mode == 'External' || !has(self.external)",
        message: 'redis.external may only be set when redis.mode is External',
        holds: (redis) => redis.mode === 'External' || redis.external === undefined,
      },
      {
        rule: "self.mode == 'Managed' || !has(self.managed)",
        message: 'redis.managed may only be set when redis.mode is Managed',
        holds: (redis) => redis.mode === 'Managed' || redis.managed === undefined,
      },
    ],
  ),
  'Where the server keeps its cache, so it survives pod restarts and is shared by replicas.',
);

export const ServiceTypes = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const;

export const ServiceSpecSchema = describe(
  z.object({
    type: describe(z.enum(ServiceTypes).default('ClusterIP'), 'Service type (default ClusterIP).'),
    port: describe(
      z.int().min(1).max(65535).default(8080),
      'Port the Service exposes MCP on (default 8080).',
    ),
  }),
  'The Service clients reach the MCP endpoint through.',
);

export const AuthModes = specValues(SETTINGS.authMode.spec);
/** Plex usernames (or Home profile names) allowed to sign in: a household's worth. */
const MAX_ALLOWED_USERS = 100;

/** An https:// URL (CEL and TS twin), for the OAuth issuer, its key set and the public URL. */
function httpsUrl(field: string, example: string) {
  return withCelRules(z.string().min(1).max(MAX_URL_LENGTH), [
    {
      rule: "isURL(self) && url(self).getScheme() == 'https'",
      message: `${field} must be an absolute https:// URL, e.g. ${example}`,
      holds: (value) => isUrlWithScheme(value, ['https']),
    },
  ]);
}

const scopeName = (category: string, fallback: string) =>
  describe(
    z
      .string()
      .min(1)
      .max(256)
      .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/),
    `The OAuth scope that unlocks the ${category} tools. Unset: ${fallback}.`,
  ).optional();

export const OAuthSpecSchema = describe(
  z.object({
    issuer: describe(
      httpsUrl('auth.oauth.issuer', 'https://auth.example.com/realms/home'),
      'Issuer URL of your identity provider (Authentik, Keycloak, Pocket-ID, Dex...), exactly as its metadata ' +
        'names it. Its signing keys are found through its discovery document.',
    ),
    audience: describe(
      z.string().min(1).max(MAX_URL_LENGTH),
      'The `aud` access tokens must carry. Unset: the public URL (RFC 8707). Set it for providers that put ' +
        'their client ID there (Authentik).',
    ).optional(),
    jwksURL: describe(
      httpsUrl('auth.oauth.jwksURL', 'https://auth.example.com/jwks'),
      "URL of the issuer's JSON Web Key Set. Unset: the jwks_uri of the issuer's metadata.",
    ).optional(),
    scopes: describe(
      z.object({
        read: scopeName('read-only', SETTINGS.oauthScopes.default.read),
        playback: scopeName('playback-control', SETTINGS.oauthScopes.default.playback),
        library: scopeName('watch-state and playlist', SETTINGS.oauthScopes.default.library),
      }),
      'Scope names your provider issues for the three tool categories.',
    ).optional(),
  }),
  'How the server validates OAuth access tokens.',
);

export const AuthSpecSchema = describe(
  withCelRules(
    z.object({
      mode: describe(
        z.enum(AuthModes).default(specDefault(SETTINGS.authMode) ?? 'Bearer'),
        'Bearer: clients send the generated static token (Secret <name>-auth). OAuth: clients send access ' +
          'tokens from your identity provider (claude.ai, Claude Desktop and ChatGPT connectors); no bearer ' +
          'Secret exists. BearerAndOAuth: either. SignInWithPlex: the server is its own authorization server ' +
          'and each person signs in with their Plex account; tool calls run with their own Plex access (the ' +
          `operator generates the sign-in key once, key ${ENV.plexSignInKey} of <name>-auth). Default Bearer.`,
      ),
      oauth: OAuthSpecSchema.optional(),
      allowedUsers: describe(
        z
          .array(describe(z.string().min(1).max(256), 'A Plex username or Home profile name.'))
          .max(MAX_ALLOWED_USERS),
        'With SignInWithPlex: only these Plex usernames (or Home profile names) may sign in. Unset: everyone ' +
          'the Plex server is shared with.',
      ).optional(),
      publicURL: describe(
        httpsUrl('auth.publicURL', 'https://plex-mcp.example.com/mcp'),
        'The MCP endpoint as clients reach it (the resource identifier tokens are issued for). Unset: the ' +
          'https URL spec.gateway or spec.ingress (with tlsSecretName) gives.',
      ).optional(),
    }),
    [
      {
        rule: "self.mode == 'Bearer' || self.mode == 'SignInWithPlex' || has(self.oauth)",
        message: 'auth.oauth.issuer is required when auth.mode is OAuth or BearerAndOAuth',
        holds: (auth) => auth.mode === 'Bearer' || auth.mode === 'SignInWithPlex' || auth.oauth !== undefined,
      },
      {
        rule: "(self.mode != 'Bearer' && self.mode != 'SignInWithPlex') || !has(self.oauth)",
        message: 'auth.oauth may only be set when auth.mode is OAuth or BearerAndOAuth',
        holds: (auth) =>
          (auth.mode !== 'Bearer' && auth.mode !== 'SignInWithPlex') || auth.oauth === undefined,
      },
      {
        rule: "self.mode == 'SignInWithPlex' || !has(self.allowedUsers)",
        message: 'auth.allowedUsers may only be set when auth.mode is SignInWithPlex',
        holds: (auth) => auth.mode === 'SignInWithPlex' || auth.allowedUsers === undefined,
      },
    ],
  ),
  'How MCP clients authenticate to the server.',
);

/** With OAuth the server needs its public https URL: given, or from a Gateway or a TLS Ingress. */
const authSpecRules = [
  {
    rule:
      "self.auth.mode == 'Bearer' || has(self.auth.publicURL) || has(self.gateway) || " +
      '(has(self.ingress) && has(self.ingress.tlsSecretName))',
    message:
      'auth.publicURL (or spec.gateway, or spec.ingress with tlsSecretName) is required when auth.mode is OAuth, ' +
      'BearerAndOAuth or SignInWithPlex: it is the https URL tokens are issued for',
    holds: (spec: {
      auth: { mode: string; publicURL?: string };
      gateway?: unknown;
      ingress?: { tlsSecretName?: string };
    }) =>
      spec.auth.mode === 'Bearer' ||
      spec.auth.publicURL !== undefined ||
      spec.gateway !== undefined ||
      spec.ingress?.tlsSecretName !== undefined,
  },
];

export const WriteAccessLevels = specValues(SETTINGS.writeAccess.spec);
/** Library names and ids: as many as a home server has, each as long as the server accepts (PLEX_LIBRARIES). */
const MAX_LIBRARIES = 64;
const MAX_LIBRARY_NAME = 200;

export const ToolsSpecSchema = describe(
  z.object({
    writeAccess: enumSettingField(SETTINGS.writeAccess),
    libraries: describe(
      z
        .array(
          describe(
            withCelRules(z.string().min(1).max(MAX_LIBRARY_NAME), [
              {
                rule: "!self.contains(',')",
                message: 'tools.libraries entries are library names or ids and must not contain a comma',
                holds: (value) => !value.includes(','),
              },
              {
                rule: "self.matches('\\\\S')",
                message: 'tools.libraries entries must not be blank',
                holds: (value) => /\S/.test(value),
              },
            ]),
            'A library name ("Movies", any case) or section id ("2").',
          ),
        )
        .max(MAX_LIBRARIES),
      `${SETTINGS.plexLibraries.meaning}.`,
      { 'x-kubernetes-list-type': 'set' },
    ).optional(),
  }),
  'Which tools the server offers and what they may touch.',
);

export const LogLevels = specValues(SETTINGS.logLevel.spec);
export const ImagePullPolicies = ['Always', 'IfNotPresent', 'Never'] as const;

const TolerationSchema = describe(
  z.object({
    key: describe(
      z.string().max(316),
      'Taint key the toleration applies to; empty matches all keys.',
    ).optional(),
    operator: describe(z.enum(['Exists', 'Equal']), 'Exists or Equal (default Equal).').optional(),
    value: describe(z.string().max(63), 'Taint value to match with operator Equal.').optional(),
    effect: describe(
      z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
      'Taint effect to match; empty matches all effects.',
    ).optional(),
    tolerationSeconds: describe(
      z.int(),
      'With effect NoExecute: how long the pod stays bound after the taint appears.',
    ).optional(),
  }),
  'A toleration, as in a Pod spec.',
);

export const SchedulingSpecSchema = describe(
  z.object({
    nodeSelector: describe(
      z.record(z.string().max(316), describe(z.string().max(63), 'Required value of the node label.')),
      'Node labels the server pods must run on (Pod nodeSelector).',
    ).optional(),
    tolerations: describe(
      z.array(TolerationSchema).max(32),
      'Tolerations of the server pods (at most 32).',
    ).optional(),
    affinity: opaqueObject(
      'Pod affinity and anti-affinity, as in a Pod spec (validated by Kubernetes on the pods).',
    ).optional(),
    priorityClassName: describe(
      objectName('scheduling.priorityClassName', 'PriorityClass'),
      'PriorityClass of the server (and managed Redis) pods. It must exist, or no pod can be created.',
    ).optional(),
    topologySpreadConstraints: describe(
      z.array(opaqueObject('A topology spread constraint, as in a Pod spec.')).max(8),
      'How server pods spread across zones or nodes (at most 8), as in a Pod spec.',
    ).optional(),
  }),
  'Where the server pods may run. Applied to the server pods only.',
);

export const PlexMcpServerSpecSchema = describe(
  withCelRules(
    z.object({
      plex: PlexSpecSchema,
      // Object defaults spell out their nested defaults: the API server checks a default against the CEL
      // rules as written, without first filling in nested defaults (`{}` fails "self.mode != ...").
      cache: CacheSpecSchema.prefault({ enabled: true }),
      redis: RedisSpecSchema.prefault({ mode: 'Managed' }),
      replicas: describe(
        z.int().min(0).max(100),
        'Number of server pods (0-100). Unset: the operator leaves the replica count alone so a ' +
          'HorizontalPodAutoscaler (or kubectl scale) can own it; a new Deployment then starts with 1.',
      ).optional(),
      image: describe(
        imageReference('image', MAX_IMAGE),
        `Server image. Unset: the operator's --server-image, by default ${DEFAULT_SERVER_IMAGE_TEXT}.`,
      ).optional(),
      imagePullPolicy: describe(
        z.enum(ImagePullPolicies),
        'Image pull policy of the server (and managed Redis) containers. Unset: Kubernetes decides.',
      ).optional(),
      resources: resourceRequirements(
        'the server container (default requests 50m cpu / 64Mi, limit 256Mi memory; the Node heap is sized from the memory limit)',
      ),
      service: ServiceSpecSchema.prefault({ type: 'ClusterIP', port: 8080 }),
      auth: AuthSpecSchema.prefault({ mode: 'Bearer' }),
      logLevel: enumSettingField(SETTINGS.logLevel),
      tools: ToolsSpecSchema.optional(),
      scheduling: SchedulingSpecSchema.optional(),
      networkPolicy: NetworkPolicySpecSchema.prefault({ enabled: true }),
      gateway: GatewaySpecSchema.optional(),
      ingress: IngressSpecSchema.optional(),
      autoscaling: AutoscalingSpecSchema.optional(),
      monitoring: MonitoringSpecSchema.optional(),
    }),
    [...platformSpecRules, ...authSpecRules],
  ),
  'Desired state of one MCP server for one Plex Media Server.',
);

export type PlexMcpServerSpec = z.output<typeof PlexMcpServerSpecSchema>;
export type PlexSpec = z.output<typeof PlexSpecSchema>;
export type CacheSpec = z.output<typeof CacheSpecSchema>;
export type CacheTtlSpec = z.output<typeof CacheTtlSchema>;
export type RedisSpec = z.output<typeof RedisSpecSchema>;
export type RedisMode = (typeof RedisModes)[number];
export type ServiceSpec = z.output<typeof ServiceSpecSchema>;
export type SchedulingSpec = z.output<typeof SchedulingSpecSchema>;
export type ResourceRequirementsSpec = NonNullable<PlexMcpServerSpec['resources']>;
export type LogLevel = (typeof LogLevels)[number];
export type AuthSpec = z.output<typeof AuthSpecSchema>;
export type AuthMode = (typeof AuthModes)[number];
export type ToolsSpec = z.output<typeof ToolsSpecSchema>;
export type WriteAccessLevel = (typeof WriteAccessLevels)[number];
