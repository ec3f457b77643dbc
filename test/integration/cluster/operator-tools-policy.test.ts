// spec.tools on a real control plane: the operator renders the write policy and library allow-list into the server's
// ConfigMap, generates the confirm-token key into `<name>-auth` once (a reconcile never changes it, so every replica
// and every restarted pod signs with the same key), wires it to CONFIRM_TOKEN_KEY, restores it when emptied, and
// removes it when the spec no longer has destructive tools.
import { randomBytes } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { KINDS, resourcePath } from '../../../operator/runtime/resource-paths.ts';
import { applyPlexMcpServer, getObject, waitFor, waitForQuiet, waitForReady } from './operator-helpers.ts';
import { operatorSuite } from './operator-suite.ts';

interface Secret extends KubernetesObject {
  data?: Record<string, string>;
}
interface ConfigMap extends KubernetesObject {
  data?: Record<string, string>;
}
interface EnvVar {
  name: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Deployment extends KubernetesObject {
  spec: { template: { spec: { containers: Array<{ name: string; env?: EnvVar[] }> } } };
}

const namespace = `op-tools-${randomBytes(3).toString('hex')}`;
const name = 'den';

describe.skipIf(!inject('kubeconfig'))('spec.tools and the confirm-token key on a real control plane', () => {
  const suite = operatorSuite(namespace);

  const get = <T extends KubernetesObject>(kind: keyof typeof KINDS, objectName: string) =>
    getObject<T>(suite.client, KINDS[kind], namespace, objectName);
  const confirmKey = async () => {
    const encoded = (await get<Secret>('Secret', `${name}-auth`))?.data?.CONFIRM_TOKEN_KEY;
    return encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
  };
  const serverEnv = async () =>
    (await get<Deployment>('Deployment', name))?.spec.template.spec.containers.find(
      (c) => c.name === 'server',
    )?.env ?? [];

  it('renders the policy, generates the key once into <name>-auth and wires it to CONFIRM_TOKEN_KEY', async () => {
    await applyPlexMcpServer(suite.client, namespace, name, {
      redis: { mode: 'Disabled' },
      tools: { writeAccess: 'Library', libraries: ['Movies', '4'] },
    });
    await waitForReady(suite.client, namespace, name);
    const config = await get<ConfigMap>('ConfigMap', `${name}-config`);
    expect(config?.data).toMatchObject({ WRITE_ACCESS: 'library', PLEX_LIBRARIES: 'Movies,4' });

    const key = await confirmKey();
    // The server refuses a CONFIRM_TOKEN_KEY shorter than 32 characters.
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const auth = await get<Secret>('Secret', `${name}-auth`);
    expect(Object.keys(auth?.data ?? {}).sort()).toEqual(['AUTH_TOKEN', 'CONFIRM_TOKEN_KEY']);
    expect(await serverEnv()).toContainEqual({
      name: 'CONFIRM_TOKEN_KEY',
      valueFrom: { secretKeyRef: { name: `${name}-auth`, key: 'CONFIRM_TOKEN_KEY' } },
    });
    // Neither the key nor the token reaches the ConfigMap or the resource.
    const resource = await getObject(
      suite.client,
      { apiVersion: 'plexmcp.dev/v1alpha1', plural: 'plexmcpservers' },
      namespace,
      name,
    );
    for (const text of [JSON.stringify(config), JSON.stringify(resource)]) expect(text).not.toContain(key);

    // A spec change reconciles again and keeps the key: a rolled or added pod signs as the others do.
    await applyPlexMcpServer(suite.client, namespace, name, {
      redis: { mode: 'Disabled' },
      tools: { writeAccess: 'Library', libraries: ['Movies'] },
    });
    await waitFor(
      async () => (await get<ConfigMap>('ConfigMap', `${name}-config`))?.data?.PLEX_LIBRARIES === 'Movies',
      { timeoutMs: 30_000, description: 'the new allow-list in the ConfigMap' },
    );
    await waitForQuiet(suite.operator);
    expect(await confirmKey()).toBe(key);
  });

  it('restores an emptied key, and removes it (and its env) when the spec has no destructive tools', async () => {
    const before = await confirmKey();
    await suite.client.request('PATCH', resourcePath(KINDS.Secret, namespace, `${name}-auth`), {
      body: { data: { CONFIRM_TOKEN_KEY: null } },
      contentType: 'application/merge-patch+json',
    });
    const restored = await waitFor(confirmKey, { timeoutMs: 30_000, description: 'the key restored' });
    expect(restored).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(restored).not.toBe(before);

    await applyPlexMcpServer(suite.client, namespace, name, {
      redis: { mode: 'Disabled' },
      tools: { writeAccess: 'Playback' },
    });
    await waitFor(async () => (await confirmKey()) === undefined, {
      timeoutMs: 30_000,
      description: 'the key removed from the auth Secret',
    });
    await waitFor(async () => !(await serverEnv()).some((e) => e.name === 'CONFIRM_TOKEN_KEY'), {
      timeoutMs: 30_000,
      description: 'CONFIRM_TOKEN_KEY gone from the server env',
    });
    const auth = await get<Secret>('Secret', `${name}-auth`);
    // The bearer token clients hold stays.
    expect(Object.keys(auth?.data ?? {})).toEqual(['AUTH_TOKEN']);
    const config = await get<ConfigMap>('ConfigMap', `${name}-config`);
    expect(config?.data?.WRITE_ACCESS).toBe('playback');
    expect(config?.data?.PLEX_LIBRARIES).toBeUndefined();
  });

  it('with auth.mode OAuth and Library writes, <name>-auth holds only the key: the unused bearer token is removed', async () => {
    await applyPlexMcpServer(suite.client, namespace, name, {
      redis: { mode: 'Disabled' },
      auth: {
        mode: 'OAuth',
        oauth: { issuer: 'https://auth.example.com/realms/home' },
        publicURL: 'https://den.example.com/mcp',
      },
    });
    const keys = async () => Object.keys((await get<Secret>('Secret', `${name}-auth`))?.data ?? {}).join(',');
    await waitFor(async () => (await keys()) === 'CONFIRM_TOKEN_KEY', {
      timeoutMs: 30_000,
      description: 'den-auth holding only CONFIRM_TOKEN_KEY',
    });
    await waitFor(
      async () => {
        const env = (await serverEnv()).map((e) => e.name);
        return env.includes('CONFIRM_TOKEN_KEY') && !env.includes('AUTH_TOKEN');
      },
      { timeoutMs: 30_000, description: 'CONFIRM_TOKEN_KEY and no AUTH_TOKEN in the server env' },
    );
    expect(await confirmKey()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
