// spec.auth.mode SignInWithPlex on a real control plane: the API server accepts it with a public URL and refuses
// allowedUsers in another mode (CEL); the operator renders AUTH_MODE=plex with the public URL and allowed users,
// generates PLEX_SIGN_IN_KEY into `<name>-auth` once (a reconcile keeps it, so every replica and restarted pod
// opens the same sign-ins), wires it to the server env, and creates no bearer token.
import { randomBytes } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { KINDS } from '../../../operator/runtime/resource-paths.ts';
import { applyPlexMcpServer, getObject, waitFor, waitForQuiet } from './operator-helpers.ts';
import { operatorSuite } from './operator-suite.ts';

interface Data extends KubernetesObject {
  data?: Record<string, string>;
}
interface Deployment extends KubernetesObject {
  spec: {
    template: {
      spec: {
        containers: Array<{
          name: string;
          env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
        }>;
      };
    };
  };
}

const namespace = `op-signin-${randomBytes(3).toString('hex')}`;
const name = 'family';
const spec = (logLevel: string) => ({
  redis: { mode: 'Disabled' },
  tools: { writeAccess: 'Playback' },
  logLevel,
  auth: {
    mode: 'SignInWithPlex',
    publicURL: 'https://family.example.com/mcp',
    allowedUsers: ['olivia', 'pat'],
  },
});

describe.skipIf(!inject('kubeconfig'))('auth.mode SignInWithPlex on a real control plane', () => {
  const suite = operatorSuite(namespace);
  const get = <T extends KubernetesObject>(kind: keyof typeof KINDS, objectName: string) =>
    getObject<T>(suite.client, KINDS[kind], namespace, objectName);
  const signInKey = async () => {
    const encoded = (await get<Data>('Secret', `${name}-auth`))?.data?.PLEX_SIGN_IN_KEY;
    return encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
  };

  it('the API server refuses allowedUsers outside SignInWithPlex', async () => {
    const refused = await applyPlexMcpServer(suite.client, namespace, 'bad', {
      redis: { mode: 'Disabled' },
      auth: { mode: 'Bearer', allowedUsers: ['olivia'] },
    }).catch((error: unknown) => error);
    expect(String(refused)).toMatch(/auth.allowedUsers may only be set when auth.mode is SignInWithPlex/);
  });

  it('renders AUTH_MODE=plex, generates the sign-in key once and keeps it across reconciles', async () => {
    await applyPlexMcpServer(suite.client, namespace, name, spec('info'));
    const key = await waitFor(signInKey, {
      timeoutMs: 30_000,
      description: 'PLEX_SIGN_IN_KEY in family-auth',
    });
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.keys((await get<Data>('Secret', `${name}-auth`))?.data ?? {})).toEqual([
      'PLEX_SIGN_IN_KEY',
    ]);
    const config = await waitFor(async () => get<Data>('ConfigMap', `${name}-config`), {
      timeoutMs: 30_000,
      description: 'the ConfigMap',
    });
    expect(config.data).toMatchObject({
      AUTH_MODE: 'plex',
      MCP_PUBLIC_URL: 'https://family.example.com/mcp',
      PLEX_ALLOWED_USERS: 'olivia,pat',
    });
    const deployment = await waitFor(async () => get<Deployment>('Deployment', name), {
      timeoutMs: 30_000,
      description: 'the server Deployment',
    });
    const env = deployment.spec.template.spec.containers.find((c) => c.name === 'server')?.env;
    expect(env?.map((e) => e.name)).not.toContain('AUTH_TOKEN');
    expect(env).toContainEqual({
      name: 'PLEX_SIGN_IN_KEY',
      valueFrom: { secretKeyRef: { name: `${name}-auth`, key: 'PLEX_SIGN_IN_KEY' } },
    });
    expect(JSON.stringify(config)).not.toContain(key);

    await applyPlexMcpServer(suite.client, namespace, name, spec('debug'));
    await waitFor(async () => (await get<Data>('ConfigMap', `${name}-config`))?.data?.LOG_LEVEL === 'debug', {
      timeoutMs: 30_000,
      description: 'the new log level in the ConfigMap',
    });
    await waitForQuiet(suite.operator);
    expect(await signInKey()).toBe(key);
  });
});
