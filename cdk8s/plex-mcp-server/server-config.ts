// The server's non-secret environment (the ConfigMap `<name>-config`), named as server/config/env-schema.ts
// reads it. Unset spec fields are left out so the server's own defaults apply.
import { createHash } from 'node:crypto';
import type { V1ConfigMap } from '@kubernetes/client-node';
import type {
  AuthMode,
  CacheTtlSpec,
  PlexMcpServer,
  WriteAccessLevel,
} from '../../operator/api/v1alpha1/index.ts';
import {
  DEFAULT_SERVER_RESOURCES,
  REDIS_PORT,
  SERVER_CONTAINER_PORT,
  serverNodeOptions,
} from './defaults.ts';
import { publicEndpoint } from './exposure.ts';
import { childMetadata, childNames } from './names.ts';
import { memoryBytes } from './quantity.ts';

const TTL_ENV: Record<keyof CacheTtlSpec, string> = {
  search: 'CACHE_TTL_SEARCH',
  mediaDetails: 'CACHE_TTL_MEDIA_DETAILS',
  libraries: 'CACHE_TTL_LIBRARIES',
  sessions: 'CACHE_TTL_SESSIONS',
  recentlyAdded: 'CACHE_TTL_RECENTLY_ADDED',
  onDeck: 'CACHE_TTL_ON_DECK',
};

/** Share of the server's memory limit the in-memory cache may use (Node itself needs the rest). */
const IN_MEMORY_CACHE_SHARE = 0.25;
const MAX_CLIENT_IDENTIFIER_LENGTH = 128;

export function serverConfigData(resource: PlexMcpServer): Record<string, string> {
  const { spec } = resource;
  const data: Record<string, string> = {
    PLEX_SERVER_URL: spec.plex.url,
    PLEX_CLIENT_IDENTIFIER: plexClientIdentifier(resource),
    SERVER_PORT: String(SERVER_CONTAINER_PORT),
    CACHE_ENABLED: String(spec.cache.enabled),
    LOG_LEVEL: spec.logLevel ?? 'info',
    // V8 does not see the container's memory limit: size its heap from the limit this resource sets.
    NODE_OPTIONS: serverNodeOptions(serverMemoryLimitBytes(resource)),
  };
  if (spec.plex.timeoutSeconds !== undefined) data.PLEX_TIMEOUT = String(spec.plex.timeoutSeconds);
  if (spec.plex.maxConnections !== undefined) data.PLEX_MAX_CONNECTIONS = String(spec.plex.maxConnections);
  for (const [field, env] of Object.entries(TTL_ENV) as [keyof CacheTtlSpec, string][]) {
    const ttl = spec.cache.ttlSeconds?.[field];
    if (ttl !== undefined) data[env] = String(ttl);
  }
  if (spec.cache.staleSeconds !== undefined) data.CACHE_STALE_TTL = String(spec.cache.staleSeconds);
  if (spec.tools?.writeAccess !== undefined) data.WRITE_ACCESS = WRITE_ACCESS_ENV[spec.tools.writeAccess];
  if (spec.tools?.libraries !== undefined && spec.tools.libraries.length > 0)
    data.PLEX_LIBRARIES = spec.tools.libraries.map((library) => library.trim()).join(',');

  Object.assign(data, authConfigData(resource));

  switch (spec.redis.mode) {
    case 'Managed':
      data.REDIS_URL = `redis://${childNames(resource).redisService}:${REDIS_PORT}`;
      data.REDIS_TLS = 'false';
      break;
    case 'External': {
      const url = spec.redis.external?.url ?? '';
      data.REDIS_URL = url;
      data.REDIS_TLS = String(spec.redis.external?.tls ?? url.startsWith('rediss:'));
      break;
    }
    case 'Disabled':
      // The in-memory LRU lives in the server's heap: bound it by the container's memory limit, or the
      // server default (64 MiB) plus Node's own needs could get the pod OOM-killed under a small limit.
      data.CACHE_MAX_BYTES = String(inMemoryCacheBytes(resource));
      break;
  }
  return sortedRecord(data);
}

const WRITE_ACCESS_ENV: Record<WriteAccessLevel, string> = {
  None: 'none',
  Playback: 'playback',
  Library: 'library',
};

const AUTH_MODE_ENV: Record<AuthMode, string> = {
  Bearer: 'bearer',
  OAuth: 'oauth',
  BearerAndOAuth: 'bearer+oauth',
  SignInWithPlex: 'plex',
};

/** The public MCP URL: spec.auth.publicURL, else what the Gateway or Ingress gives (undefined when neither). */
export function publicUrl(resource: Pick<PlexMcpServer, 'spec'>): string | undefined {
  return resource.spec.auth.publicURL ?? publicEndpoint(resource);
}

/** AUTH_MODE and, with OAuth, the settings server/config/env-schema.ts reads (MCP_PUBLIC_URL, OAUTH_*). */
function authConfigData(resource: PlexMcpServer): Record<string, string> {
  const { auth } = resource.spec;
  const data: Record<string, string> = { AUTH_MODE: AUTH_MODE_ENV[auth.mode] };
  if (auth.mode === 'SignInWithPlex') {
    const url = publicUrl(resource);
    if (url) data.MCP_PUBLIC_URL = url;
    if (auth.allowedUsers && auth.allowedUsers.length > 0)
      data.PLEX_ALLOWED_USERS = auth.allowedUsers.join(',');
    return data;
  }
  if (auth.mode === 'Bearer' || !auth.oauth) return data;
  const url = publicUrl(resource);
  if (url) data.MCP_PUBLIC_URL = url;
  data.OAUTH_ISSUER = auth.oauth.issuer;
  if (auth.oauth.audience) data.OAUTH_AUDIENCE = auth.oauth.audience;
  if (auth.oauth.jwksURL) data.OAUTH_JWKS_URL = auth.oauth.jwksURL;
  const scopes = Object.entries(auth.oauth.scopes ?? {}).filter(([, scope]) => scope !== undefined);
  if (scopes.length > 0)
    data.OAUTH_SCOPES = scopes.map(([category, scope]) => `${category}=${scope}`).join(',');
  return data;
}

export function renderServerConfigMap(resource: PlexMcpServer): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: childMetadata(resource, childNames(resource).configMap, 'server'),
    data: serverConfigData(resource),
  };
}

/**
 * One stable identity per resource, so Plex lists all replicas (and restarts) as one device. Readable
 * when it fits the server's 128-character limit, a digest otherwise.
 */
function plexClientIdentifier(resource: PlexMcpServer): string {
  const readable = `plex-mcp.${resource.metadata.namespace}.${resource.metadata.name}`;
  if (readable.length <= MAX_CLIENT_IDENTIFIER_LENGTH) return readable;
  const digest = createHash('sha256')
    .update(`${resource.metadata.namespace}/${resource.metadata.name}`)
    .digest('hex');
  return `plex-mcp.${digest.slice(0, 32)}`;
}

function serverMemoryLimitBytes(resource: PlexMcpServer): number {
  return (
    memoryBytes(resource.spec.resources?.limits?.memory) ??
    memoryBytes(DEFAULT_SERVER_RESOURCES.limits?.memory) ??
    256 * 2 ** 20
  );
}

function inMemoryCacheBytes(resource: PlexMcpServer): number {
  return Math.max(1024, Math.floor(serverMemoryLimitBytes(resource) * IN_MEMORY_CACHE_SHARE));
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key] as string]),
  );
}
