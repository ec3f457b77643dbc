// Helpers for the operator suites (operator-*.test.ts) and the operator benchmark: plain-JSON requests to the test
// cluster, fixtures (namespace, Plex token Secret, PlexMcpServer) and waits on observed state.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { API_VERSION, KIND, PLURAL, SECRET_OPT_IN_LABEL } from '../../../operator/api/v1alpha1/index.ts';
import { type OperatorOptions, type RunningOperator, startOperator } from '../../../operator/manager.ts';
import { KubeApiError, KubeClient } from '../../../operator/runtime/kube-client.ts';
import { KINDS, resourcePath } from '../../../operator/runtime/resource-paths.ts';

/**
 * Polls `fn` until it returns a value (not undefined/false); a throw counts as "not yet". Own copy rather than
 * test-kube.ts's waitFor because the benchmark uses these helpers outside vitest.
 */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | false>,
  {
    timeoutMs,
    intervalMs = 250,
    description,
  }: { timeoutMs: number; intervalMs?: number; description: string },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
      // A wait that can never succeed (the awaited process died) says so at once.
      if ((error as Error).message.startsWith('operator exited')) throw error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError ? ` (last error: ${(lastError as Error).message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const PMS_KIND = { apiVersion: API_VERSION, kind: KIND, plural: PLURAL };

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface PlexMcpServerObject extends KubernetesObject {
  spec: Record<string, unknown>;
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    endpoint?: string;
    publicEndpoint?: string;
    authSecretName?: string;
    authTokenRotation?: string;
    replicas?: number;
    readyReplicas?: number;
  };
}

/** A client of our own for the test's requests: separate from the operator's, so its writes are not counted. */
export function testClient(kc: KubeConfig): KubeClient {
  return new KubeClient(kc);
}

/** Starts an operator in-process against the test cluster; logs go nowhere unless OPERATOR_TEST_LOGS=1. */
export function startTestOperator(
  kc: KubeConfig,
  overrides: Partial<OperatorOptions> = {},
): Promise<RunningOperator> {
  const logger = pino(
    { level: process.env.OPERATOR_TEST_LOGS === '1' ? 'debug' : 'silent' },
    pino.destination(2),
  );
  return startOperator({
    kubeConfig: kc,
    logger,
    defaultServerImage: 'plex-mcp:test',
    leaderElection: false,
    workers: 4,
    ...overrides,
  });
}

export async function ensureNamespace(client: KubeClient, name: string): Promise<void> {
  try {
    await client.request('POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    });
  } catch (error) {
    if (!(error instanceof KubeApiError && error.status === 409)) throw error;
  }
}

export async function applyObject<T>(client: KubeClient, path: string, body: unknown): Promise<T> {
  return client.request<T>('PATCH', path, {
    query: { fieldManager: 'operator-test', force: true },
    body,
    contentType: 'application/apply-patch+yaml',
  });
}

/** A Plex token Secret, opted in to be referenced by PlexMcpServers (unless `optIn` is false). */
export function tokenSecret(
  namespace: string,
  name = 'plex-token',
  token = 'plex-token-value-1234',
  optIn = true,
) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, ...(optIn ? { labels: { [SECRET_OPT_IN_LABEL]: 'true' } } : {}) },
    type: 'Opaque',
    stringData: { token },
  };
}

export async function applyTokenSecret(
  client: KubeClient,
  namespace: string,
  name = 'plex-token',
): Promise<void> {
  await applyObject(client, resourcePath(KINDS.Secret, namespace, name), tokenSecret(namespace, name));
}

export function plexMcpServer(namespace: string, name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name, namespace },
    spec: {
      plex: { url: 'http://plex.media.svc:32400', tokenSecretRef: { name: 'plex-token' } },
      ...spec,
    },
  };
}

export async function applyPlexMcpServer(
  client: KubeClient,
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
): Promise<PlexMcpServerObject> {
  return applyObject(client, resourcePath(PMS_KIND, namespace, name), plexMcpServer(namespace, name, spec));
}

export async function getObject<T extends KubernetesObject>(
  client: KubeClient,
  kind: { apiVersion: string; plural: string },
  namespace: string,
  name: string,
): Promise<T | undefined> {
  try {
    return await client.request<T>('GET', resourcePath(kind, namespace, name));
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return undefined;
    throw error;
  }
}

export async function deleteObject(
  client: KubeClient,
  kind: { apiVersion: string; plural: string },
  namespace: string,
  name: string,
): Promise<void> {
  try {
    await client.request('DELETE', resourcePath(kind, namespace, name), {
      // Background: the API server returns at once and the garbage collector removes dependents.
      query: { propagationPolicy: 'Background' },
    });
  } catch (error) {
    if (!(error instanceof KubeApiError && error.status === 404)) throw error;
  }
}

export function condition(resource: PlexMcpServerObject | undefined, type: string): Condition | undefined {
  return resource?.status?.conditions?.find((c) => c.type === type);
}

/** Waits until the resource reports Ready=True for its current generation. */
export function waitForReady(
  client: KubeClient,
  namespace: string,
  name: string,
  timeoutMs = 60_000,
): Promise<PlexMcpServerObject> {
  return waitFor(
    async () => {
      const resource = await getObject<PlexMcpServerObject>(client, PMS_KIND, namespace, name);
      const ready = condition(resource, 'Ready');
      return ready?.status === 'True' &&
        resource?.status?.observedGeneration === resource?.metadata?.generation
        ? resource
        : undefined;
    },
    { timeoutMs, intervalMs: 250, description: `PlexMcpServer ${namespace}/${name} Ready` },
  );
}

/** Waits until the operator has no work left: queue empty and no reconcile for `quietMs`. */
export async function waitForQuiet(
  operator: RunningOperator,
  quietMs = 3_000,
  timeoutMs = 60_000,
): Promise<void> {
  const count = async () => {
    const metric = await operator.metrics.reconcileTotal.get();
    return metric.values.reduce((sum, v) => sum + v.value, 0);
  };
  const deadline = Date.now() + timeoutMs;
  let last = await count();
  let since = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = await count();
    const depth = (await operator.metrics.workqueueDepth.get()).values[0]?.value ?? 0;
    if (now !== last || depth > 0) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return;
    }
  }
  throw new Error(`operator did not go quiet within ${timeoutMs} ms`);
}

/** A TCP port nothing listens on right now (for a process's --metrics-port / --health-port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The `plex-mcp-operator` bin (operator/main.ts) as a process with leader election on, watching and leasing in
 * `namespace`, against the cluster in `kubeconfig`. stdout and stderr are piped for the caller to read.
 */
export function spawnOperatorProcess(options: {
  kubeconfig: string;
  namespace: string;
  metricsPort: number;
  healthPort: number;
  podName: string;
  logLevel?: string;
}): ChildProcessWithoutNullStreams {
  return spawn(
    process.execPath,
    [
      path.join(import.meta.dirname, '../../../operator/main.ts'),
      '--leader-elect',
      `--leader-election-namespace=${options.namespace}`,
      `--namespaces=${options.namespace}`,
      `--metrics-port=${options.metricsPort}`,
      `--health-port=${options.healthPort}`,
      `--log-level=${options.logLevel ?? 'info'}`,
    ],
    {
      env: { ...process.env, KUBECONFIG: options.kubeconfig, POD_NAME: options.podName },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
}
