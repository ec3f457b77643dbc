/**
 * spec.tools (the write policy and the library allow-list) as the server sees it: WRITE_ACCESS and PLEX_LIBRARIES in
 * the ConfigMap, read back by the server's own config loader; and the confirm-token key the destructive tools sign
 * with, generated into `<name>-auth` and wired to CONFIRM_TOKEN_KEY exactly when those tools exist (Library writes).
 */
import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  desiredState,
  renderPlexMcpServer,
  wantedChildRefs,
} from '../../../../cdk8s/plex-mcp-server/index.ts';
import { parsePlexMcpServer } from '../../../../operator/api/v1alpha1/index.ts';
import { loadConfig } from '../../../../server/config/config.ts';
import { find, makeInputs, makeResource } from '../fixtures.ts';

const OAUTH = {
  mode: 'OAuth',
  oauth: { issuer: 'https://auth.example.com' },
  publicURL: 'https://p.example.com/mcp',
};
const STAND_IN = 'x'.repeat(48);

function rendered(spec: Record<string, unknown>) {
  const resource = makeResource({ redis: { mode: 'Disabled' }, ...spec });
  const objects = renderPlexMcpServer(resource, makeInputs());
  const config = find(objects, 'ConfigMap', 'living-room-config') as unknown as V1ConfigMap;
  const deployment = find(objects, 'Deployment', 'living-room') as unknown as V1Deployment;
  const env = deployment.spec?.template.spec?.containers[0]?.env ?? [];
  return { resource, data: config.data ?? {}, env };
}

/** What the server's loader makes of the pod's environment (Secrets stand in with valid values). */
function serverTools(spec: Record<string, unknown>) {
  const { data, env } = rendered(spec);
  const environment: Record<string, string> = { ...data };
  for (const e of env) environment[e.name] = e.value ?? STAND_IN;
  const loaded = loadConfig(environment, 'http');
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return loaded.config.tools;
}

describe('spec.tools in the server environment', () => {
  it.each([
    ['None', 'none'],
    ['Playback', 'playback'],
    ['Library', 'library'],
  ] as const)('writeAccess %s is WRITE_ACCESS=%s, as the server reads it', (level, env) => {
    expect(rendered({ tools: { writeAccess: level } }).data.WRITE_ACCESS).toBe(env);
    expect(serverTools({ tools: { writeAccess: level } }).writeAccess).toBe(env);
  });

  it('libraries are PLEX_LIBRARIES, names and ids alike; unset or empty leaves the server default (all)', () => {
    const spec = { tools: { libraries: ['Movies', ' TV Shows ', '7'] } };
    expect(rendered(spec).data.PLEX_LIBRARIES).toBe('Movies,TV Shows,7');
    expect(serverTools(spec).libraries).toEqual(['Movies', 'TV Shows', '7']);
    for (const tools of [undefined, {}, { libraries: [] }]) {
      const { data } = rendered(tools === undefined ? {} : { tools });
      expect(data.PLEX_LIBRARIES).toBeUndefined();
      expect(data.WRITE_ACCESS).toBeUndefined();
      expect(serverTools(tools === undefined ? {} : { tools })).toMatchObject({
        writeAccess: 'library',
        libraries: [],
      });
    }
  });

  it('refuses a library entry the comma-separated setting could not carry, or a blank one', () => {
    const parse = (libraries: string[]) =>
      parsePlexMcpServer({
        apiVersion: 'plexmcp.dev/v1alpha1',
        kind: 'PlexMcpServer',
        metadata: { name: 'x', namespace: 'media', uid: 'u', generation: 1 },
        spec: { plex: { url: 'http://plex:32400', tokenSecretRef: { name: 't' } }, tools: { libraries } },
      });
    expect(parse(['Movies, TV'])).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('must not contain a comma')],
    });
    expect(parse(['  '])).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('must not be blank')],
    });
    expect(parse(['Movies', 'Music']).ok).toBe(true);
  });
});

describe('the confirm-token key', () => {
  const confirmEnv = {
    name: 'CONFIRM_TOKEN_KEY',
    valueFrom: { secretKeyRef: { name: 'living-room-auth', key: 'CONFIRM_TOKEN_KEY' } },
  };

  it('with Library writes (the default) comes from <name>-auth, beside the bearer token, and never rotates', () => {
    const { resource, env } = rendered({});
    expect(env).toContainEqual(confirmEnv);
    const auth = desiredState(resource, { defaultServerImage: 'img' }).generatedSecrets.auth;
    expect(auth?.keys).toEqual({ authToken: 'AUTH_TOKEN', confirmKey: 'CONFIRM_TOKEN_KEY' });
    expect(auth?.rotates).toBe('authToken');
    expect(auth?.retiredKeys).toEqual([]);
    const created = auth?.create();
    expect(Object.keys(created?.data ?? {}).sort()).toEqual(['AUTH_TOKEN', 'CONFIRM_TOKEN_KEY']);
    // The server's minimum for CONFIRM_TOKEN_KEY is 32 characters.
    expect(Buffer.from(created?.data?.CONFIRM_TOKEN_KEY ?? '', 'base64').toString()).toMatch(
      /^[A-Za-z0-9_-]{43}$/,
    );
  });

  it('without destructive tools is not generated, and one left from before is removed', () => {
    for (const writeAccess of ['None', 'Playback']) {
      const { resource, env } = rendered({ tools: { writeAccess } });
      expect(env.map((e) => e.name)).not.toContain('CONFIRM_TOKEN_KEY');
      const auth = desiredState(resource, { defaultServerImage: 'img' }).generatedSecrets.auth;
      expect(auth?.keys).toEqual({ authToken: 'AUTH_TOKEN' });
      expect(auth?.retiredKeys).toEqual(['CONFIRM_TOKEN_KEY']);
    }
  });

  it('with auth.mode OAuth: <name>-auth holds only the key (no bearer token, nothing to rotate); without Library writes there is no <name>-auth', () => {
    const { resource, env } = rendered({ auth: OAUTH });
    expect(env).toContainEqual(confirmEnv);
    expect(env.map((e) => e.name)).not.toContain('AUTH_TOKEN');
    const desired = desiredState(resource, { defaultServerImage: 'img' });
    expect(desired.generatedSecrets.auth?.keys).toEqual({ confirmKey: 'CONFIRM_TOKEN_KEY' });
    expect(desired.generatedSecrets.auth?.retiredKeys).toEqual(['AUTH_TOKEN']);
    expect(desired.generatedSecrets.auth?.rotates).toBeUndefined();
    // Clients read no bearer token from it.
    expect(desired.authSecretName).toBeUndefined();
    expect(wantedChildRefs(resource).map((r) => r.name)).toContain('living-room-auth');

    const readOnly = rendered({ auth: OAUTH, tools: { writeAccess: 'None' } }).resource;
    expect(desiredState(readOnly, { defaultServerImage: 'img' }).generatedSecrets.auth).toBeUndefined();
    expect(wantedChildRefs(readOnly).map((r) => r.name)).not.toContain('living-room-auth');
  });

  it('rolls the pods when it changes or appears', () => {
    const { resource } = rendered({});
    const checksum = (confirmKey?: string) => {
      const objects = desiredState(resource, { defaultServerImage: 'img' }).children({
        plexToken: 'p',
        authToken: 'a',
        ...(confirmKey !== undefined ? { confirmKey } : {}),
      });
      const deployment = objects.find((o) => o.kind === 'Deployment') as V1Deployment;
      return deployment.spec?.template.metadata?.annotations?.['plexmcp.dev/config-checksum'];
    };
    expect(checksum('k1')).not.toBe(checksum('k2'));
    expect(checksum(undefined)).not.toBe(checksum('k1'));
    expect(checksum(undefined)).toBe(checksum(undefined));
  });
});
