// Helpers for the shipping tests on a real API server (chart-*, quickstart-*, e2e-local-* in
// test/integration/cluster/): apply manifests like `kubectl apply --server-side` does, run the operator from source
// as a process (optionally with a ServiceAccount's token, so it holds exactly the RBAC a manifest grants), and wait
// for a PlexMcpServer's conditions.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { KubeClient } from '../../operator/runtime/kube-client.ts';

export const repoRoot = resolve(import.meta.dirname, '../..');
/** Our own field manager, as a person's `kubectl apply --server-side` would have one (not the operator's). */
export const TEST_FIELD_MANAGER = 'plex-mcp-shipping-tests';

export function parseYamlObjects(text: string): KubernetesObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors[0]?.message);
      return doc.toJS() as KubernetesObject | null;
    })
    .filter((o): o is KubernetesObject => o !== null && typeof o === 'object' && 'kind' in o);
}

/** Cluster-scoped definitions first, then namespaces, then everything else (the order kubectl and helm use). */
function applyOrder(object: KubernetesObject): number {
  if (object.kind === 'CustomResourceDefinition') return 0;
  if (object.kind === 'Namespace') return 1;
  return 2;
}

/**
 * The API path of an object, from the API server's discovery document (cached per apiVersion). We send plain JSON
 * on purpose: client-node's generic KubernetesObjectApi serializes known kinds through its typed models, which
 * drops fields whose TypeScript names differ from the JSON ones (a CRD's `x-kubernetes-validations` and `default`,
 * NetworkPolicy `from`), so the API server would receive a different object than the manifest says.
 */
const discovery = new Map<string, Promise<{ name: string; kind: string; namespaced: boolean }[]>>();
async function objectPath(client: KubeClient, object: KubernetesObject): Promise<string> {
  const apiVersion = object.apiVersion ?? '';
  const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const key = `${client.kubeConfig.getCurrentCluster()?.server} ${prefix}`;
  let resources = discovery.get(key);
  if (!resources) {
    resources = client
      .request<{ resources: { name: string; kind: string; namespaced: boolean }[] }>('GET', prefix)
      .then((list) => list.resources);
    discovery.set(key, resources);
    resources.catch(() => discovery.delete(key));
  }
  const resource = (await resources).find((r) => r.kind === object.kind && !r.name.includes('/'));
  if (!resource) throw new Error(`the API server serves no ${object.kind} in ${apiVersion}`);
  const namespace = resource.namespaced ? `/namespaces/${object.metadata?.namespace ?? 'default'}` : '';
  return `${prefix}${namespace}/${resource.name}/${object.metadata?.name}`;
}

/** Server-side apply of every object (force, like `kubectl apply --server-side --force-conflicts`). */
export async function applyObjects(
  kc: KubeConfig,
  objects: KubernetesObject[],
  options: { dryRun?: boolean } = {},
): Promise<KubernetesObject[]> {
  const client = new KubeClient(kc);
  const applied: KubernetesObject[] = [];
  for (const object of [...objects].sort((a, b) => applyOrder(a) - applyOrder(b))) {
    try {
      applied.push(
        await client.request<KubernetesObject>('PATCH', await objectPath(client, object), {
          body: object,
          contentType: 'application/apply-patch+yaml',
          query: {
            fieldManager: TEST_FIELD_MANAGER,
            force: true,
            ...(options.dryRun ? { dryRun: 'All' } : {}),
          },
        }),
      );
    } catch (error) {
      throw new Error(
        `applying ${object.kind} ${object.metadata?.namespace ?? ''}/${object.metadata?.name}: ${describeError(error)}`,
      );
    }
    if (object.kind === 'CustomResourceDefinition' && !options.dryRun) {
      await waitForCrdEstablished(kc, object.metadata?.name as string);
    }
  }
  return applied;
}

/** Deletes what applyObjects created (namespaced objects first); missing objects are fine. */
export async function deleteObjects(kc: KubeConfig, objects: KubernetesObject[]): Promise<void> {
  const client = new KubeClient(kc);
  for (const object of [...objects].sort((a, b) => applyOrder(b) - applyOrder(a))) {
    await objectPath(client, object)
      .then((path) => client.request('DELETE', path, { query: { propagationPolicy: 'Background' } }))
      .catch(() => undefined);
  }
}

export async function ensureNamespace(kc: KubeConfig, name: string): Promise<void> {
  await applyObjects(kc, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }]);
}

/** Deletes a namespace; with wait, until it is gone (a namespace of the same name can then be created again). */
export async function deleteNamespace(
  kc: KubeConfig,
  name: string,
  options: { wait?: boolean } = {},
): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await core.deleteNamespace({ name }).catch(() => undefined);
  if (!options.wait) return;
  await poll(
    async () => {
      try {
        await core.readNamespace({ name });
        return false;
      } catch (error) {
        return (error as { code?: number }).code === 404;
      }
    },
    { description: `namespace ${name} deleted`, timeoutMs: 60_000, intervalMs: 500 },
  );
}

export async function waitForCrdEstablished(kc: KubeConfig, name: string): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  await poll(
    async () => {
      const crd = await api.readCustomResourceDefinition({ name });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    },
    { description: `CRD ${name} Established`, timeoutMs: 30_000 },
  );
}

/**
 * A kubeconfig file that authenticates as a ServiceAccount (a short-lived TokenRequest token), for running the
 * operator with exactly the permissions a chart or manifest grants it, as its pod would have them.
 */
export async function serviceAccountKubeconfig(
  kc: KubeConfig,
  namespace: string,
  serviceAccount: string,
  file: string,
): Promise<string> {
  const request = await kc.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    name: serviceAccount,
    namespace,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  const cluster = kc.getCurrentCluster();
  if (!cluster || !request.status?.token) throw new Error('no cluster or no token for the ServiceAccount');
  const saConfig = new KubeConfig();
  saConfig.loadFromOptions({
    clusters: [cluster],
    users: [{ name: serviceAccount, token: request.status.token }],
    contexts: [{ name: 'sa', cluster: cluster.name, user: serviceAccount, namespace }],
    currentContext: 'sa',
  });
  writeFileSync(file, saConfig.exportConfig(), { mode: 0o600 });
  return file;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** How many times startOnFreePorts starts a process whose bind lost its port to someone else. */
const BIND_ATTEMPTS = 3;

/**
 * Starts a process on a health and a metrics port from freePort() and waits until `readyPath` on the health port
 * answers 2xx. A port can be taken between freePort() and the process's own bind: the kernel may hand a port just
 * freed to another suite's outgoing connection as its local port (CI saw the operator exit with EADDRINUSE). On that
 * error alone it starts the process again on new ports, up to BIND_ATTEMPTS times; any other failure is thrown.
 */
export async function startOnFreePorts(
  start: (ports: { health: number; metrics: number }) => RunningProcess,
  readyPath = '/readyz',
): Promise<{ process: RunningProcess; healthPort: number; metricsPort: number }> {
  for (let attempt = 1; ; attempt++) {
    const ports = { health: await freePort(), metrics: await freePort() };
    const process = start(ports);
    try {
      await waitForHttpOk(`http://127.0.0.1:${ports.health}${readyPath}`, process);
      return { process, healthPort: ports.health, metricsPort: ports.metrics };
    } catch (error) {
      await process.stop();
      if (attempt >= BIND_ATTEMPTS || !process.output().includes('EADDRINUSE')) throw error;
    }
  }
}

export interface RunningProcess {
  child: ChildProcess;
  /** stdout and stderr so far (for failure messages). */
  output(): string;
  stop(): Promise<number | null>;
}

/** Starts `node <entry> <args>` from the repository with only the given environment (plus PATH and HOME). */
export function startNodeProcess(entry: string, args: string[], env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, [join(repoRoot, entry), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return child.exitCode;
    },
  };
}

/** Polls an HTTP URL until it answers 2xx, failing early (with the process output) if the process exits. */
export async function waitForHttpOk(url: string, process: RunningProcess, timeoutMs = 60_000): Promise<void> {
  await poll(
    async () => {
      if (process.child.exitCode !== null) {
        throw new FatalWaitError(`process exited with ${process.child.exitCode}:\n${process.output()}`);
      }
      const response = await fetch(url);
      return response.ok;
    },
    { description: `${url} to answer 2xx`, timeoutMs },
  );
}

export type Condition = { type: string; status: string; reason?: string; message?: string };
export type PlexMcpServerObject = KubernetesObject & {
  status?: {
    conditions?: Condition[];
    endpoint?: string;
    authSecretName?: string;
    observedGeneration?: number;
  };
};

export async function readPlexMcpServer(
  kc: KubeConfig,
  namespace: string,
  name: string,
): Promise<PlexMcpServerObject> {
  return (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    group: 'plexmcp.dev',
    version: 'v1alpha1',
    namespace,
    plural: 'plexmcpservers',
    name,
  })) as PlexMcpServerObject;
}

/** Waits until the resource's Ready condition is True; the timeout message quotes its last conditions. */
export async function waitForPlexMcpServerReady(
  kc: KubeConfig,
  namespace: string,
  name: string,
  timeoutMs = 90_000,
): Promise<PlexMcpServerObject> {
  let last: PlexMcpServerObject | undefined;
  try {
    return await poll(
      async () => {
        last = await readPlexMcpServer(kc, namespace, name);
        const ready = last.status?.conditions?.find((c) => c.type === 'Ready');
        return ready?.status === 'True' ? last : undefined;
      },
      { description: `PlexMcpServer ${namespace}/${name} Ready`, timeoutMs },
    );
  } catch (error) {
    throw new Error(`${describeError(error)}; last status: ${JSON.stringify(last?.status ?? null)}`);
  }
}

class FatalWaitError extends Error {}

/** Calls fn until it returns a truthy value; errors count as "not yet" except FatalWaitError. */
export async function poll<T>(
  fn: () => Promise<T | undefined | null | false>,
  {
    description,
    timeoutMs = 30_000,
    intervalMs = 250,
  }: { description: string; timeoutMs?: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      if (error instanceof FatalWaitError) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${description}${lastError ? ` (last error: ${describeError(lastError)})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function describeError(error: unknown): string {
  if (error && typeof error === 'object' && 'body' in error) {
    const body = (error as { body?: unknown }).body;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    try {
      return (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      return text.slice(0, 500);
    }
  }
  return error instanceof Error ? error.message.slice(0, 1000) : String(error);
}
