// The kind end-to-end test's assertions (test/e2e/call-every-tool.ts), in the default suite, without Docker:
// the operator reconciles a PlexMcpServer to Ready on the local control plane; then the server starts as a local
// process with exactly the environment the operator rendered for its pods (the Deployment's env and envFrom,
// resolved from the ConfigMap and Secrets read back from the API) pointing at a local Plex simulator, and an MCP
// client calls every tool through it with the operator-generated bearer token.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  type V1Container,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { SECRET_OPT_IN_LABEL } from '../../../operator/api/v1alpha1/index.ts';
import { kubeConfigForTests, testKubeconfigPath } from '../../cluster/test-kube.ts';
import { callEveryTool, TOOL_NAMES } from '../../e2e/call-every-tool.ts';
import {
  applyObjects,
  deleteNamespace,
  ensureNamespace,
  freePort,
  type RunningProcess,
  repoRoot,
  startNodeProcess,
  startOnFreePorts,
  waitForHttpOk,
  waitForPlexMcpServerReady,
} from '../../e2e/cluster-support.ts';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';

const suffix = randomBytes(3).toString('hex');
const namespace = `e2e-local-${suffix}`;
const name = 'den';

/** The container's environment as the kubelet would build it: envFrom first, then env (which wins). */
async function resolvePodEnv(kc: KubeConfig, container: V1Container): Promise<Record<string, string>> {
  const core = kc.makeApiClient(CoreV1Api);
  const env: Record<string, string> = {};
  const secretValue = async (secretName: string, key: string) => {
    const secret = await core.readNamespacedSecret({ name: secretName, namespace });
    const data = secret.data?.[key];
    if (data === undefined) throw new Error(`Secret ${secretName} has no key ${key}`);
    return Buffer.from(data, 'base64').toString('utf8');
  };
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef?.name) {
      const map = await core.readNamespacedConfigMap({ name: source.configMapRef.name, namespace });
      Object.assign(env, map.data ?? {});
    } else if (source.secretRef?.name) {
      const secret = await core.readNamespacedSecret({ name: source.secretRef.name, namespace });
      for (const [key, value] of Object.entries(secret.data ?? {})) {
        env[key] = Buffer.from(value, 'base64').toString('utf8');
      }
    }
  }
  for (const entry of container.env ?? []) {
    if (entry.value !== undefined) env[entry.name] = entry.value;
    else if (entry.valueFrom?.secretKeyRef) {
      env[entry.name] = await secretValue(
        entry.valueFrom.secretKeyRef.name as string,
        entry.valueFrom.secretKeyRef.key,
      );
    } else if (entry.valueFrom?.configMapKeyRef) {
      const map = await core.readNamespacedConfigMap({
        name: entry.valueFrom.configMapKeyRef.name as string,
        namespace,
      });
      const value = map.data?.[entry.valueFrom.configMapKeyRef.key];
      if (value !== undefined) env[entry.name] = value;
    } else if (entry.valueFrom?.fieldRef) {
      // Downward API (pod name, IPs): not needed by the server; leave unset as a local process would.
    }
  }
  return env;
}

describe.skipIf(!inject('kubeconfig'))('every tool, through a server configured by the operator', () => {
  let kc: KubeConfig;
  let sim: PlexSimulator;
  let operator: RunningProcess | undefined;
  let server: RunningProcess | undefined;

  beforeAll(async () => {
    kc = kubeConfigForTests();
    const plexToken = randomBytes(18).toString('base64url');
    sim = await startPlexSimulator({ port: 0, host: '127.0.0.1', token: plexToken });

    // The CRD from crds/ (the checked-in source of truth), then the operator from source with admin rights.
    const crd = parse(
      readFileSync(join(repoRoot, 'crds/plexmcp.dev_plexmcpservers.yaml'), 'utf8'),
    ) as KubernetesObject;
    await applyObjects(kc, [crd]);
    operator = (
      await startOnFreePorts((ports) =>
        startNodeProcess(
          'operator/main.ts',
          [`--namespaces=${namespace}`, `--health-port=${ports.health}`, `--metrics-port=${ports.metrics}`],
          {
            KUBECONFIG: testKubeconfigPath(),
            LOG_LEVEL: 'info',
            PLEX_MCP_SERVER_IMAGE: 'plex-mcp:e2e-local',
          },
        ),
      )
    ).process;

    await ensureNamespace(kc, namespace);
    await applyObjects(kc, [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'plex-token', namespace, labels: { [SECRET_OPT_IN_LABEL]: 'true' } },
        stringData: { token: plexToken },
      } as KubernetesObject,
      {
        apiVersion: 'plexmcp.dev/v1alpha1',
        kind: 'PlexMcpServer',
        metadata: { name, namespace },
        spec: {
          plex: { url: sim.url, tokenSecretRef: { name: 'plex-token' } },
          // In-memory cache: a Managed Redis would be a kwok pod, which never really runs.
          redis: { mode: 'Disabled' },
          cache: { ttlSeconds: { sessions: 5 } },
          logLevel: 'warn',
        },
      } as KubernetesObject,
    ]);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await operator?.stop();
    await sim?.close();
    if (kc) await deleteNamespace(kc, namespace);
  });

  it('reconciles to Ready, and the server with the rendered env answers every tool', async () => {
    const ready = await waitForPlexMcpServerReady(kc, namespace, name).catch((error: Error) => {
      throw new Error(`${error.message}\noperator output:\n${operator?.output()}`);
    });
    expect(ready.status?.endpoint).toBe(`http://${name}.${namespace}.svc.cluster.local:8080/mcp`);

    const deployment = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name, namespace });
    const container = deployment.spec?.template.spec?.containers[0] as V1Container;
    const env = await resolvePodEnv(kc, container);
    expect(env.PLEX_SERVER_URL).toBe(sim.url);
    expect(env.PLEX_TOKEN).toBe(sim.token);
    expect(env.CACHE_TTL_SESSIONS).toBe('5');
    const authSecret = await kc
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({ name: ready.status?.authSecretName as string, namespace });
    const authToken = Buffer.from(authSecret.data?.AUTH_TOKEN ?? '', 'base64').toString('utf8');
    expect(env.AUTH_TOKEN).toBe(authToken);

    // The pod listens on 0.0.0.0:8080; a local process takes loopback and a free port, nothing else changes.
    const port = await freePort();
    server = startNodeProcess('server/main.ts', [], {
      ...env,
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: String(port),
    });
    await waitForHttpOk(`http://127.0.0.1:${port}/health/ready`, server);

    const checks = await callEveryTool({
      url: `http://127.0.0.1:${port}/mcp`,
      authToken,
      catalog: sim.catalog,
    });
    expect(new Set(checks.map((c) => c.tool))).toEqual(new Set(TOOL_NAMES));

    // The operator's token is the only way in.
    const refused = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${'x'.repeat(40)}` },
      body: '{}',
    });
    expect(refused.status).toBe(401);
  });
});
