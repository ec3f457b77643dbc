/**
 * Ready means "answers MCP and reaches Plex" (issue #13), on the real control plane with the operator verifying:
 * the operator finds the server pods through the Service's EndpointSlices and verifies them with an MCP handshake and
 * the readiness detail. kwok's pods run no process and have no network, so the test plays their kubelet: it runs the
 * real server as a local process with the environment the pod template gets (read back from the cluster), restarts
 * it whenever that changes, and maps the pod endpoints to it (the operator's endpointOverride). A wrong Plex token and
 * a wrong Plex URL each turn Ready False with the right reason within 60 s; fixing them turns it back.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningOperator } from '../../../operator/manager.ts';
import type { KubeClient } from '../../../operator/runtime/kube-client.ts';
import { KINDS, resourcePath } from '../../../operator/runtime/resource-paths.ts';
import { SERVER_NAME, SERVER_VERSION } from '../../../server/version.ts';
import { kubeConfigForTests, waitFor } from '../../cluster/test-kube.ts';
import { TOOL_NAMES } from '../../e2e/call-every-tool.ts';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';
import { MAIN_TS, type SpawnedServer, spawnServer } from '../server/support/spawn-server.ts';
import { installCrd } from './crd-support.ts';
import {
  applyObject,
  applyPlexMcpServer,
  condition,
  ensureNamespace,
  getObject,
  type PlexMcpServerObject,
  startTestOperator,
  testClient,
  tokenSecret,
} from './operator-helpers.ts';

const namespace = `verify-${randomBytes(3).toString('hex')}`;
const name = 'den';
const PMS = { apiVersion: 'plexmcp.dev/v1alpha1', plural: 'plexmcpservers' };

describe.skipIf(!inject('kubeconfig'))(
  'operator verification: Ready needs the MCP handshake and Plex',
  () => {
    let client: KubeClient;
    let operator: RunningOperator;
    let sim: PlexSimulator;
    let deadPlexUrl: string;
    let server: SpawnedServer | undefined;
    let serverUrl: string | undefined;
    const plexToken = randomBytes(12).toString('hex');

    const secretValue = async (secretName: string, key: string) => {
      const secret = await getObject<KubernetesObject & { data?: Record<string, string> }>(
        client,
        KINDS.Secret,
        namespace,
        secretName,
      );
      const data = (secret as { data?: Record<string, string> } | undefined)?.data?.[key];
      if (!data) throw new Error(`Secret ${secretName} has no ${key} yet`);
      return Buffer.from(data, 'base64').toString('utf8');
    };

    /** The Plex URL the rendered ConfigMap gives the server ('' while there is none). */
    const configuredPlexUrl = async () => {
      const config = await getObject<KubernetesObject & { data?: Record<string, string> }>(
        client,
        KINDS.ConfigMap,
        namespace,
        `${name}-config`,
      );
      return (config as { data?: Record<string, string> } | undefined)?.data?.PLEX_SERVER_URL ?? '';
    };

    /** Until the operator has rendered `url` into the ConfigMap. */
    const waitForConfiguredPlexUrl = (url: string) =>
      waitFor(async () => (await configuredPlexUrl()) === url, {
        description: `the ConfigMap with PLEX_SERVER_URL ${url}`,
      });

    /** What the kubelet would do after the pod template changed: a new server with the current environment. */
    const restartServer = async () => {
      await server?.stop();
      const env = {
        PLEX_SERVER_URL: await configuredPlexUrl(),
        PLEX_TOKEN: await secretValue('plex-token', 'token'),
        AUTH_TOKEN: await secretValue(`${name}-auth`, 'AUTH_TOKEN'),
        SERVER_PORT: '0',
        LOG_LEVEL: 'info',
        CACHE_ENABLED: 'false',
      };
      server = spawnServer(MAIN_TS, [], env);
      serverUrl = `http://127.0.0.1:${await server.listening()}`;
    };

    const waitForCondition = (type: string, status: string, reason: string, timeoutMs = 60_000) =>
      waitFor(
        async () => {
          const resource = await getObject<PlexMcpServerObject>(client, PMS, namespace, name);
          const found = condition(resource, type);
          return found?.status === status && found.reason === reason ? resource : undefined;
        },
        { timeoutMs, intervalMs: 250, description: `${type}=${status}/${reason}` },
      );

    const setPlexToken = (token: string) =>
      applyObject(
        client,
        resourcePath(KINDS.Secret, namespace, 'plex-token'),
        tokenSecret(namespace, 'plex-token', token),
      );

    beforeAll(async () => {
      const kc = kubeConfigForTests();
      client = testClient(kc);
      await installCrd(kc);
      await ensureNamespace(client, namespace);
      sim = await startPlexSimulator({ port: 0, token: plexToken });
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      deadPlexUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
      await new Promise((resolve) => closed.close(resolve));
      operator = await startTestOperator(kc, {
        namespaces: [namespace],
        verification: {
          intervalMs: 5_000,
          timeoutMs: 3_000,
          // Never the pod IP itself: nothing of ours answers there. No server yet: a port nothing listens on.
          endpointOverride: (key) =>
            key === `${namespace}/${name}` ? (serverUrl ?? deadPlexUrl) : undefined,
        },
      });
    });

    afterAll(async () => {
      await operator?.stop();
      await server?.stop();
      await sim?.close();
      await client?.request('DELETE', `/api/v1/namespaces/${namespace}`).catch(() => undefined);
    });

    it('is Ready only once verified, with status.server as the server answered', async () => {
      await setPlexToken(plexToken);
      await applyPlexMcpServer(client, namespace, name, {
        plex: { url: sim.url, tokenSecretRef: { name: 'plex-token' } },
        redis: { mode: 'Disabled' },
      });
      // Until a server answers, the pods may be available but the resource is not Ready.
      const pending = await waitFor(
        async () => {
          const resource = await getObject<PlexMcpServerObject>(client, PMS, namespace, name);
          const verified = condition(resource, 'Verified');
          return verified && verified.status !== 'True' ? resource : undefined;
        },
        { timeoutMs: 60_000, description: 'a Verified condition that is not True' },
      );
      expect(['NotVerified', 'HandshakeFailed']).toContain(condition(pending, 'Verified')?.reason);
      expect(condition(pending, 'Ready')?.status).toBe('False');
      await waitFor(() => secretValue(`${name}-auth`, 'AUTH_TOKEN'), { description: 'the auth Secret' });
      await restartServer();
      const ready = await waitForCondition('Ready', 'True', 'Reconciled');
      expect(condition(ready, 'Verified')).toMatchObject({ status: 'True', reason: 'Verified' });
      expect(condition(ready, 'PlexReachable')).toMatchObject({ status: 'True', reason: 'PlexReachable' });
      expect((ready.status as { server?: unknown }).server).toEqual({
        name: SERVER_NAME,
        version: SERVER_VERSION,
        protocolVersions: expect.arrayContaining(['2026-07-28']),
        toolCount: TOOL_NAMES.length,
        authMode: 'bearer',
      });
    });

    it('turns Ready False with PlexTokenRejected within 60 s of a wrong token, and back when fixed', async () => {
      await setPlexToken(`wrong-${plexToken}`);
      await waitFor(async () => (await secretValue('plex-token', 'token')).startsWith('wrong-'), {
        description: 'new token',
      });
      const began = Date.now();
      await restartServer();
      const rejected = await waitForCondition('Ready', 'False', 'PlexTokenRejected');
      expect(Date.now() - began).toBeLessThan(60_000);
      expect(condition(rejected, 'PlexReachable')?.message).toContain('plex-token');
      expect(condition(rejected, 'Degraded')).toMatchObject({ status: 'True', reason: 'PlexTokenRejected' });

      await setPlexToken(plexToken);
      await waitFor(async () => (await secretValue('plex-token', 'token')) === plexToken, {
        description: 'token back',
      });
      await restartServer();
      await waitForCondition('Ready', 'True', 'Reconciled');
    });

    it('turns Ready False with PlexUnreachable within 60 s of a wrong URL, and back when fixed', async () => {
      await applyPlexMcpServer(client, namespace, name, {
        plex: { url: deadPlexUrl, tokenSecretRef: { name: 'plex-token' } },
        redis: { mode: 'Disabled' },
      });
      await waitForConfiguredPlexUrl(deadPlexUrl);
      const began = Date.now();
      await restartServer();
      const unreachable = await waitForCondition('Ready', 'False', 'PlexUnreachable');
      expect(Date.now() - began).toBeLessThan(60_000);
      expect(condition(unreachable, 'PlexReachable')?.message).toContain(deadPlexUrl);

      await applyPlexMcpServer(client, namespace, name, {
        plex: { url: sim.url, tokenSecretRef: { name: 'plex-token' } },
        redis: { mode: 'Disabled' },
      });
      await waitForConfiguredPlexUrl(sim.url);
      await restartServer();
      await waitForCondition('Ready', 'True', 'Reconciled');
    });

    it('says HandshakeFailed when the pods answer nothing', async () => {
      await server?.stop();
      server = undefined;
      serverUrl = undefined;
      const failed = await waitForCondition('Ready', 'False', 'HandshakeFailed');
      expect(condition(failed, 'Verified')?.message).toContain('MCP handshake failed');
      expect((failed.status as { server?: unknown }).server).toBeUndefined();
    });
  },
);
