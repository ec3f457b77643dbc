// The `plex-mcp-operator` bin as a process: it reconciles with leader election on, logs JSON to stderr without any
// secret value, and on SIGTERM stops its workers, releases the Lease and exits 0.
import { randomBytes } from 'node:crypto';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { KubeClient } from '../../../operator/runtime/kube-client.ts';
import { KINDS } from '../../../operator/runtime/resource-paths.ts';
import { kubeConfigForTests, testKubeconfigPath } from '../../cluster/test-kube.ts';
import { installCrd } from './crd-support.ts';
import {
  applyPlexMcpServer,
  applyTokenSecret,
  deleteObject,
  ensureNamespace,
  freePort,
  getObject,
  spawnOperatorProcess,
  testClient,
  waitFor,
  waitForReady,
} from './operator-helpers.ts';

const ns = `op-proc-${randomBytes(3).toString('hex')}`;
const PLEX_TOKEN = 'plex-token-value-1234'; // what applyTokenSecret stores

describe.skipIf(!inject('kubeconfig'))('plex-mcp-operator process', () => {
  let kc: KubeConfig;
  let client: KubeClient;

  beforeAll(async () => {
    kc = kubeConfigForTests();
    client = testClient(kc);
    await installCrd(kc);
    await ensureNamespace(client, ns);
    await applyTokenSecret(client, ns);
  });

  afterAll(async () => {
    await deleteObject(client, { apiVersion: 'v1', plural: 'namespaces' }, '', ns);
  });

  it('reconciles, never logs a secret, and on SIGTERM releases the Lease and exits 0', async () => {
    const healthPort = await freePort();
    const child = spawnOperatorProcess({
      kubeconfig: testKubeconfigPath(),
      namespace: ns,
      metricsPort: await freePort(),
      healthPort,
      podName: 'operator-proc-0',
      logLevel: 'debug',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`operator exited early: ${stderr.slice(-2000)}`);
          const res = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
          const body = (await res.json()) as { leader?: boolean; cachesSynced?: boolean };
          return res.status === 200 && body.leader && body.cachesSynced;
        },
        { timeoutMs: 30_000, description: 'operator leading with synced caches' },
      );
      await applyPlexMcpServer(client, ns, 'proc');
      await waitForReady(client, ns, 'proc');
      const lease = await getObject<KubernetesObject & { spec: { holderIdentity?: string } }>(
        client,
        KINDS.Lease,
        ns,
        'plex-mcp-operator-leader',
      );
      expect(lease?.spec.holderIdentity).toMatch(/^operator-proc-0_[0-9a-f]{8}$/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);

    const released = await getObject<KubernetesObject & { spec: { holderIdentity?: string } }>(
      client,
      KINDS.Lease,
      ns,
      'plex-mcp-operator-leader',
    );
    expect(released?.spec.holderIdentity).toBe('');

    // Logs: JSON lines on stderr only, mentioning the work, never a secret value.
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(stderr).toContain('Applied children');
    expect(stderr).toContain('Shutting down');
    const authSecret = await getObject<KubernetesObject & { data: Record<string, string> }>(
      client,
      KINDS.Secret,
      ns,
      'proc-auth',
    );
    const authToken = Buffer.from(authSecret?.data.AUTH_TOKEN ?? '', 'base64').toString();
    const redisSecret = await getObject<KubernetesObject & { data: Record<string, string> }>(
      client,
      KINDS.Secret,
      ns,
      'proc-redis',
    );
    const redisPassword = Buffer.from(redisSecret?.data.password ?? '', 'base64').toString();
    expect(authToken.length).toBeGreaterThanOrEqual(32);
    for (const secret of [PLEX_TOKEN, authToken, redisPassword, authSecret?.data.AUTH_TOKEN ?? '']) {
      expect(secret.length).toBeGreaterThan(0);
      expect(stderr).not.toContain(secret);
    }
  });
});
