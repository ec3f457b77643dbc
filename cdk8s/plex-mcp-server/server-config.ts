// The server's non-secret environment (the ConfigMap `<name>-config`), in the env names of the server's settings
// table (server/config/settings.ts). Unset spec fields are left out so the server's own defaults apply.
import { createHash } from 'node:crypto';
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import { ENV, SETTING_ROWS } from '../../server/config/settings.ts';
import {
  DEFAULT_SERVER_RESOURCES,
  inMemoryCacheBytes,
  REDIS_PORT,
  SERVER_CONTAINER_PORT,
  serverProcessEnv,
} from './defaults.ts';
import { publicEndpoint } from './exposure.ts';
import { childMetadata, childNames } from './names.ts';
import { memoryBytes } from './quantity.ts';

const MAX_CLIENT_IDENTIFIER_LENGTH = 128;

export function serverConfigData(resource: PlexMcpServer): Record<string, string> {
  const { spec } = resource;
  const data: Record<string, string> = {
    ...specFieldData(spec),
    ...authConfigData(resource),
    [ENV.plexClientIdentifier]: plexClientIdentifier(resource),
    [ENV.serverPort]: String(SERVER_CONTAINER_PORT),
    // Neither V8 nor glibc sees the container's memory limit: size the heap (and at a tight limit, malloc's
    // arenas) from the limit this resource sets.
    ...serverProcessEnv(serverMemoryLimitBytes(resource)),
  };
  switch (spec.redis.mode) {
    case 'Managed':
      data[ENV.redisUrl] = `redis://${childNames(resource).redisService}:${REDIS_PORT}`;
      data[ENV.redisTls] = 'false';
      break;
    case 'External': {
      const url = spec.redis.external?.url ?? '';
      data[ENV.redisUrl] = url;
      data[ENV.redisTls] = String(spec.redis.external?.tls ?? url.startsWith('rediss:'));
      break;
    }
    case 'Disabled':
      // The in-memory LRU lives in the server's heap: bound it by the container's memory limit, or the
      // server default plus Node's own needs could get the pod OOM-killed under a small limit.
      data[ENV.cacheMaxBytes] = String(inMemoryCacheBytes(serverMemoryLimitBytes(resource)));
      break;
  }
  return sortedRecord(data);
}

/**
 * Every settings-table row whose spec field is written as it is: the field's value under the row's env name (enums
 * through the row's spec-to-server values, lists comma-joined). Unset fields are left out: the server default applies.
 */
function specFieldData(spec: PlexMcpServer['spec']): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [, setting] of SETTING_ROWS) {
    const binding = setting.spec;
    if (!binding || (binding.render ?? 'value') !== 'value') continue;
    const value = valueAt(spec, binding.field);
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      const entries = value.map((entry) => String(entry).trim());
      if (entries.length > 0) data[setting.env] = entries.join(',');
    } else if (binding.values) {
      const mapped = binding.values[String(value)];
      if (mapped === undefined)
        throw new Error(`spec.${binding.field}: no server value for ${String(value)}`);
      data[setting.env] = mapped;
    } else {
      data[setting.env] = String(value);
    }
  }
  return data;
}

function valueAt(spec: PlexMcpServer['spec'], path: string): unknown {
  let node: unknown = spec;
  for (const key of path.split('.')) {
    if (node === undefined || node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The public MCP URL: spec.auth.publicURL, else what the Gateway or Ingress gives (undefined when neither). */
export function publicUrl(resource: Pick<PlexMcpServer, 'spec'>): string | undefined {
  return resource.spec.auth.publicURL ?? publicEndpoint(resource);
}

/** What the renderer derives for sign-in and OAuth: the public URL and the scope map (the other fields are values). */
function authConfigData(resource: PlexMcpServer): Record<string, string> {
  const { auth } = resource.spec;
  const data: Record<string, string> = {};
  if (auth.mode === 'SignInWithPlex') {
    const url = publicUrl(resource);
    if (url) data[ENV.mcpPublicUrl] = url;
    return data;
  }
  if (auth.mode === 'Bearer' || !auth.oauth) return data;
  const url = publicUrl(resource);
  if (url) data[ENV.mcpPublicUrl] = url;
  const scopes = Object.entries(auth.oauth.scopes ?? {}).filter(([, scope]) => scope !== undefined);
  if (scopes.length > 0)
    data[ENV.oauthScopes] = scopes.map(([category, scope]) => `${category}=${scope}`).join(',');
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

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key] as string]),
  );
}
