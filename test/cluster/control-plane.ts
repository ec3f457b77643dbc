/**
 * A real Kubernetes control plane on loopback, without containers: etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler and kwok (which plays the kubelet for fake nodes), each a plain process built by build.sh.
 * Used by the `cluster` test project (global-setup.ts) and by humans (`npm run cluster:up`, see cli.ts).
 *
 * Everything lives in one state dir: PKI, kubeconfigs, etcd data, one log per component, and `control-plane.json`
 * (the PIDs we started), so a stop from another process kills exactly those processes and nothing else.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { type Component, findControlPlaneBinaries } from './binaries.ts';
import { answers200, httpsRequest, type TlsIdentity } from './https-probe.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { createControlPlanePki } from './pki.ts';
import { freeLoopbackPorts } from './ports.ts';
import {
  isRunning,
  type ProcessRecord,
  ProcessRecordSchema,
  startProcess,
  stopProcess,
  tailOfFile,
} from './processes.ts';
import { installThirdPartyCrds, readThirdPartyCrds, type ThirdPartyCrd } from './third-party-crds.ts';

export interface ControlPlaneOptions {
  /** Where state and logs go; created (and emptied) if needed. Default: a new temp dir. */
  stateDir?: string;
  /** Fake nodes that kwok keeps Ready. Default 2. */
  nodes?: number;
  /** Give up if the plane is not ready within this time. Default 120 s (it normally takes far less). */
  readyTimeoutMs?: number;
  /**
   * Install the Gateway API and Prometheus Operator CRDs (third-party-crds.ts). Default true: the operator renders
   * HTTPRoutes and ServiceMonitors, and the API server should validate them against the real schemas.
   */
  thirdPartyCrds?: boolean;
}

export interface ControlPlane {
  /** Admin (system:masters) kubeconfig with embedded certificates. */
  kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  server: string;
  stateDir: string;
  /** Milliseconds from the call until every component was ready (nodes Ready included). */
  readyInMs: number;
  /** Names of the third-party CRDs installed (empty with `thirdPartyCrds: false`). */
  thirdPartyCrds: string[];
  processes: ProcessRecord[];
  /** Stops only the processes this plane started, then removes the state dir. */
  stop(): Promise<void>;
}

export const STATE_FILE = 'control-plane.json';
export const SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/16';
/** First address of the service range: the `kubernetes` Service's ClusterIP, which the serving cert must name. */
const KUBERNETES_SERVICE_IP = '10.96.0.1';
const POD_CIDR = '10.244.0.1/16';

const StateSchema = z.object({
  server: z.string(),
  kubeconfigPath: z.string(),
  processes: z.array(ProcessRecordSchema),
});
export type ControlPlaneState = z.infer<typeof StateSchema>;

export async function readControlPlaneState(stateDir: string): Promise<ControlPlaneState | undefined> {
  const file = path.join(stateDir, STATE_FILE);
  if (!existsSync(file)) return undefined;
  return StateSchema.parse(JSON.parse(await readFile(file, 'utf8')));
}

async function writeState(stateDir: string, state: ControlPlaneState): Promise<void> {
  await writeFile(path.join(stateDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

/** Stops recorded processes in dependency order: the API server's clients first, then the API server, then etcd. */
export async function stopRecordedProcesses(processes: ProcessRecord[]): Promise<void> {
  const order: Component[] = ['kwok', 'kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd'];
  const byName = (name: string) => processes.filter((p) => p.name === name);
  const clients = [...byName('kwok'), ...byName('kube-scheduler'), ...byName('kube-controller-manager')];
  await Promise.all(clients.map((p) => stopProcess(p)));
  for (const p of byName('kube-apiserver')) await stopProcess(p, 10_000);
  for (const p of byName('etcd')) await stopProcess(p);
  // Anything recorded under another name (should not happen) still gets stopped.
  await Promise.all(processes.filter((p) => !order.includes(p.name as Component)).map((p) => stopProcess(p)));
}

/** Stops the plane recorded in `stateDir` (possibly started by another process) and removes the dir. */
export async function stopControlPlaneInDir(stateDir: string): Promise<{ stopped: number }> {
  const state = await readControlPlaneState(stateDir);
  const running = state?.processes.filter(isRunning) ?? [];
  await stopRecordedProcesses(state?.processes ?? []);
  if (process.env.PLEX_MCP_KEEP_CLUSTER_STATE !== '1') await rm(stateDir, { recursive: true, force: true });
  return { stopped: running.length };
}

function fakeNode(name: string) {
  const resources = { cpu: '32', memory: '256Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      // kwok manages every node here (--manage-all-nodes); the annotation and label say so to humans and selectors.
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
    },
    status: {
      capacity: resources,
      allocatable: resources,
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion: 'fake',
        kubeProxyVersion: 'fake',
      },
    },
  };
}

const NodeListSchema = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string() }),
      status: z
        .object({ conditions: z.array(z.object({ type: z.string(), status: z.string() })).optional() })
        .optional(),
    }),
  ),
});

/** A component died during start-up; `portClash` when its log says a port we picked was taken meanwhile. */
class ComponentExitedError extends Error {
  override name = 'ComponentExitedError';
  portClash = false;
}

const START_ATTEMPTS = 3;

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const startedAt = Date.now();
  const bin = findControlPlaneBinaries();
  // Read (and if needed fetch) before any process starts, so a missing Go or proxy fails without a half-started plane.
  const crds = options.thirdPartyCrds === false ? [] : readThirdPartyCrds();
  const stateDir = options.stateDir
    ? path.resolve(options.stateDir)
    : await mkdtemp(path.join(os.tmpdir(), 'plex-mcp-control-plane-'));
  // Free ports are picked before the components bind them; with several planes starting at once (parallel test
  // runs, other engineers' clusters) one can be taken in between. That, and only that, is worth another try.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, bin, crds, stateDir, startedAt);
    } catch (error) {
      const clash =
        error instanceof Error && error.cause instanceof ComponentExitedError && error.cause.portClash;
      if (!clash || attempt >= START_ATTEMPTS) throw error;
      console.warn(
        `control plane: a port was taken during start-up, retrying (${error.message.split('\n')[0]})`,
      );
    }
  }
}

async function startOnce(
  options: ControlPlaneOptions,
  bin: Record<Component, string>,
  crds: ThirdPartyCrd[],
  stateDir: string,
  startedAt: number,
): Promise<ControlPlane> {
  const nodeCount = options.nodes ?? 2;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  const previous = await readControlPlaneState(stateDir).catch(() => undefined);
  if (previous?.processes.some(isRunning)) {
    throw new Error(
      `a control plane is already running from ${stateDir}; stop it first (npm run cluster:down)`,
    );
  }
  // Leftovers (an old etcd data dir, old certs) would only confuse a fresh plane.
  await rm(stateDir, { recursive: true, force: true });
  const logDir = path.join(stateDir, 'logs');
  await mkdir(logDir, { recursive: true });

  const [etcdClientPort, etcdPeerPort, apiPort, kcmPort, schedulerPort] = await freeLoopbackPorts(5);
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfigPath = path.join(stateDir, 'kubeconfig');
  const state: ControlPlaneState = { server, kubeconfigPath, processes: [] };
  let installed: string[] = [];

  const start = async (name: Component, args: string[]): Promise<ProcessRecord> => {
    const record = startProcess({ name, binary: bin[name], args, logDir });
    state.processes.push(record);
    await writeState(stateDir, state); // recorded before anything can fail, so a cleanup always finds it
    return record;
  };

  /** Polls `check` until it is true; fails early, with the log, if a component we started has died. */
  const waitUntil = async (description: string, check: () => Promise<boolean>): Promise<void> => {
    for (;;) {
      const dead = state.processes.find((p) => !isRunning(p));
      if (dead) {
        const log = await tailOfFile(dead.logFile);
        const exited = new ComponentExitedError(
          `${dead.name} exited while waiting for ${description}; ${dead.logFile}:\n${log}`,
        );
        exited.portClash = /address already in use/i.test(log);
        throw exited;
      }
      if (await check()) return;
      if (Date.now() > deadline) {
        const logs = state.processes.map((p) => p.logFile).join(', ');
        throw new Error(`timed out waiting for ${description} (logs: ${logs})`);
      }
      await sleep(200);
    }
  };

  try {
    const pki = await createControlPlanePki(path.join(stateDir, 'pki'), KUBERNETES_SERVICE_IP);
    const componentKubeconfig = async (
      name: string,
      client: { certFile: string; keyFile: string },
      user: string,
    ) => {
      const file = path.join(pki.dir, `${name}.kubeconfig`);
      await writeKubeconfig({ file, server, caCertFile: pki.caCertFile, client, user });
      return file;
    };
    await writeKubeconfig({
      file: kubeconfigPath,
      server,
      caCertFile: pki.caCertFile,
      client: pki.admin,
      user: 'admin',
    });
    const [kcmKubeconfig, schedulerKubeconfig, kwokKubeconfig] = await Promise.all([
      componentKubeconfig('controller-manager', pki.controllerManager, 'system:kube-controller-manager'),
      componentKubeconfig('scheduler', pki.scheduler, 'system:kube-scheduler'),
      componentKubeconfig('kwok', pki.kwok, 'kwok-controller'),
    ]);
    const [caPem, adminCert, adminKey] = await Promise.all([
      readFile(pki.caCertFile),
      readFile(pki.admin.certFile),
      readFile(pki.admin.keyFile),
    ]);
    const admin: TlsIdentity = { ca: caPem, cert: adminCert, key: adminKey };
    const insecure: TlsIdentity = {}; // components' health endpoints use self-signed serving certs

    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const etcdPeerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    await start('etcd', [
      '--name=default',
      `--data-dir=${path.join(stateDir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${etcdPeerUrl}`,
      `--initial-advertise-peer-urls=${etcdPeerUrl}`,
      `--initial-cluster=default=${etcdPeerUrl}`,
      // A test cluster's data is disposable; fsync would only make it slow.
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ]);
    await waitUntil('etcd /health', async () => {
      try {
        const response = await fetch(`${etcdUrl}/health`, { signal: AbortSignal.timeout(2_000) });
        return response.ok && ((await response.json()) as { health?: string }).health === 'true';
      } catch {
        return false;
      }
    });

    await start('kube-apiserver', [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--tls-cert-file=${pki.apiServer.certFile}`,
      `--tls-private-key-file=${pki.apiServer.keyFile}`,
      `--client-ca-file=${pki.caCertFile}`,
      `--cert-dir=${path.join(pki.dir, 'apiserver-generated')}`,
      '--authorization-mode=Node,RBAC',
      '--anonymous-auth=false',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.serviceAccountPublicKeyFile}`,
      `--service-account-signing-key-file=${pki.serviceAccountKeyFile}`,
      `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
      '--allow-privileged=true',
      '--profiling=false',
      // The `kubernetes` Service cannot point at 127.0.0.1 (Endpoints reject loopback), and nothing in-cluster
      // needs it: without this the API server logs a sync error every 10 s.
      '--endpoint-reconciler-type=none',
      // The aggregation layer's front proxy, so extension API servers (and the components' delegated authn)
      // find a request-header CA instead of logging its absence.
      `--requestheader-client-ca-file=${pki.caCertFile}`,
      '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      `--proxy-client-cert-file=${pki.frontProxyClient.certFile}`,
      `--proxy-client-key-file=${pki.frontProxyClient.keyFile}`,
    ]);
    await waitUntil('kube-apiserver /readyz', () => answers200(`${server}/readyz`, admin));
    if (crds.length > 0) installed = await installThirdPartyCrds(server, admin, waitUntil, crds);

    // Each component gets its own identity; kube-controller-manager runs every controller with its own
    // ServiceAccount (as kubeadm does), so RBAC is exercised the way a real cluster exercises it.
    await start('kube-controller-manager', [
      `--kubeconfig=${kcmKubeconfig}`,
      `--authentication-kubeconfig=${kcmKubeconfig}`,
      `--authorization-kubeconfig=${kcmKubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${kcmPort}`,
      `--cert-dir=${path.join(pki.dir, 'kcm-generated')}`,
      '--leader-elect=false',
      '--controllers=*',
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${pki.serviceAccountKeyFile}`,
      `--root-ca-file=${pki.caCertFile}`,
      `--cluster-signing-cert-file=${pki.caCertFile}`,
      `--cluster-signing-key-file=${pki.caKeyFile}`,
      `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
      '--cluster-name=plex-mcp-test',
      // client-go's default 20 requests/s per controller made the deployment controller, not the code under test,
      // the bottleneck once hundreds of Deployments roll out at once (bench:operator, 500 resources: ~5 Deployments
      // a second became available). Large clusters raise it the same way.
      '--kube-api-qps=100',
      '--kube-api-burst=200',
      '--profiling=false',
    ]);
    await start('kube-scheduler', [
      `--kubeconfig=${schedulerKubeconfig}`,
      `--authentication-kubeconfig=${schedulerKubeconfig}`,
      `--authorization-kubeconfig=${schedulerKubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${schedulerPort}`,
      `--cert-dir=${path.join(pki.dir, 'scheduler-generated')}`,
      '--leader-elect=false',
      '--profiling=false',
    ]);
    // An explicit (empty) config file keeps kwok from reading a developer's ~/.kwok/kwok.yaml; without Stage
    // objects kwok uses its built-in stages (nodes Ready with leases, pods Running, graceful pod deletion).
    const kwokConfig = path.join(stateDir, 'kwok.yaml');
    await writeFile(
      kwokConfig,
      'apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\noptions: {}\n',
    );
    await start('kwok', [
      `--config=${kwokConfig}`,
      `--kubeconfig=${kwokKubeconfig}`,
      '--manage-all-nodes=true',
      `--cidr=${POD_CIDR}`,
      '--node-ip=127.0.0.1',
      // Without node Leases kwok only heartbeats node status (~every minute), so kube-controller-manager's
      // 40 s grace period marks the nodes, and every pod on them, NotReady in a loop. With Leases they stay Ready.
      '--node-lease-duration-seconds=40',
    ]);

    const nodeNames = Array.from({ length: nodeCount }, (_, i) => `kwok-node-${i}`);
    for (const name of nodeNames) {
      const created = await httpsRequest(`${server}/api/v1/nodes`, admin, {
        method: 'POST',
        body: fakeNode(name),
      });
      if (created.status !== 201 && created.status !== 409) {
        throw new Error(`creating node ${name} failed: HTTP ${created.status} ${created.body}`);
      }
    }

    await Promise.all([
      waitUntil('kube-controller-manager /healthz', () =>
        answers200(`https://127.0.0.1:${kcmPort}/healthz`, insecure),
      ),
      waitUntil('kube-scheduler /healthz', () =>
        answers200(`https://127.0.0.1:${schedulerPort}/healthz`, insecure),
      ),
      // The ServiceAccount controller creates `default` in every namespace: proof the controllers really run.
      waitUntil('ServiceAccount default/default (kube-controller-manager)', async () => {
        const sa = await httpsRequest(
          `${server}/api/v1/namespaces/default/serviceaccounts/default`,
          admin,
        ).catch(() => undefined);
        return sa?.status === 200;
      }),
      waitUntil(`${nodeCount} Ready kwok nodes`, async () => {
        const list = await httpsRequest(`${server}/api/v1/nodes`, admin).catch(() => undefined);
        if (list?.status !== 200) return false;
        const nodes = NodeListSchema.parse(JSON.parse(list.body)).items;
        const ready = nodes.filter((n) =>
          n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
        return nodeNames.every((name) => ready.some((n) => n.metadata.name === name));
      }),
    ]);
  } catch (error) {
    await stopRecordedProcesses(state.processes);
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`control plane failed to start (state kept for debugging in ${stateDir}): ${message}`, {
      cause: error,
    });
  }

  return {
    kubeconfigPath,
    server,
    stateDir,
    readyInMs: Date.now() - startedAt,
    thirdPartyCrds: installed,
    processes: [...state.processes],
    stop: async () => {
      await stopRecordedProcesses(state.processes);
      if (process.env.PLEX_MCP_KEEP_CLUSTER_STATE !== '1')
        await rm(stateDir, { recursive: true, force: true });
    },
  };
}
