// npm run bench:operator — the operator at scale on a local control plane (test/cluster/control-plane.ts).
//
// For each N (default 100 and 500): a fresh control plane, the operator as a separate process (as in production:
// leader election on, JSON logs), N PlexMcpServers applied at once across 10 namespaces (token Secrets in place).
// Measured:
//   seconds_to_children   until every resource has its Deployment (the operator's own share of the work)
//   seconds_to_ready      until every resource reports Ready=True for its generation (needs kube-controller-manager
//                         to create ReplicaSets and Pods and kwok to run them: mostly the control plane's speed)
//   rss_mib               the operator's resident memory at the end (/proc/<pid>/status VmRSS)
//   steady_state_writes   write requests (POST/PUT/PATCH/DELETE) the operator sent during 60 s of steady state
//                         afterwards, from its own kube_api_requests_total, leader-election Lease renewals excluded
//                         (they are reported as lease_renewals)
//   apiserver_writes      the same window seen by the API server (apiserver_request_total, verbs incl. APPLY), for
//                         the kinds the operator writes (all clients; Deployment status writes of the controller
//                         manager excluded)
//   probe_requests_per_s  HTTP requests the operator's verifications sent to the servers per second in that window
//                         (its server_verification_requests_total), with verifications_per_s
// Probing (verification: MCP handshake + /health/ready per server, as in a cluster) is on unless BENCH_VERIFY=0:
// kwok's pods have no network, so one real server process (the production build, against the Plex simulator)
// stands behind every Service (test/bench/verifying-operator.mjs maps the endpoints to it), behind a proxy that
// forwards a bearer token the operator generated (any `<name>-auth`'s) as that server's one token
// (test/bench/token-proxy.ts): no Secret is edited, so no Deployment rolls a second time for the bench.
// Last lines: one JSON object per N. Env: BENCH_SIZES=100,500  BENCH_STEADY_SECONDS=60  BENCH_REDIS_MODE=Disabled
// (Managed doubles the pods the control plane must run); BENCH_OPERATOR_NODE_OPTIONS (node flags for the operator;
// default: the install manifests' NODE_OPTIONS, so it runs as the container does);
// BENCH_WORKERS (the operator's --workers, default its own default); BENCH_VERIFY_CONCURRENCY (its --verify-concurrency,
// with probing on); BENCH_HEAP_SNAPSHOT=1 (a V8 heap snapshot of the operator after the last RSS reading, written
// into the repo root, for attributing its memory).
// The operator runs from a production build (tsc -p tsconfig.build.json into dist/bench-build/), as the image runs
// it: running the .ts sources directly costs ~60 MiB more RSS for Node's type stripping.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { OPERATOR_NODE_OPTIONS } from '../../cdk8s/install/operator-deployment.ts';
import { buildPlexMcpServerCrd, CRD_NAME } from '../../operator/api/v1alpha1/index.ts';
import { KubeClient } from '../../operator/runtime/kube-client.ts';
import { resourcePath } from '../../operator/runtime/resource-paths.ts';
import { startControlPlane } from '../cluster/control-plane.ts';
import {
  applyObject,
  applyTokenSecret,
  ensureNamespace,
  freePort,
  type PlexMcpServerObject,
  PMS_KIND,
  plexMcpServer,
  waitFor,
} from '../integration/cluster/operator-helpers.ts';
import { type SpawnedServer, spawnServer } from '../integration/server/support/spawn-server.ts';
import { type PlexSimulator, startPlexSimulator } from '../plex-sim/simulator.ts';
import { type GeneratedTokenProxy, startGeneratedTokenProxy } from './token-proxy.ts';

const SIZES = (process.env.BENCH_SIZES ?? '100,500').split(',').map(Number);
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 60);
const REDIS_MODE = process.env.BENCH_REDIS_MODE ?? 'Disabled';
const VERIFY = process.env.BENCH_VERIFY !== '0';
/** BENCH_HEAP_SNAPSHOT=1: after the last RSS reading, the operator writes a V8 heap snapshot into the repo root. */
const HEAP_SNAPSHOT = process.env.BENCH_HEAP_SNAPSHOT === '1';
const NAMESPACES = 10;
const REPO = path.join(import.meta.dirname, '../..');
const BUILD_DIR = path.join(REPO, 'dist/bench-build');
const APPLY_CONCURRENCY = 32;
const OPERATOR_KINDS = new Set([
  'plexmcpservers',
  'configmaps',
  'secrets',
  'services',
  'networkpolicies',
  'events',
]);

interface Result {
  n: number;
  seconds_to_children: number;
  seconds_to_ready: number;
  rss_mib: number;
  /** RSS once leading with synced caches, before any PlexMcpServer existed, and the growth per resource. */
  rss_before_mib: number;
  mib_per_resource: number;
  steady_state_writes: number;
  lease_renewals: number;
  apiserver_writes: number;
  redis_mode: string;
  verify: boolean;
  probe_requests_per_s: number;
  verifications_per_s: number;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/** Anonymous (heap, malloc, JIT code) and file-backed (the node binary's pages) parts of the RSS, MiB. */
async function rssSplit(pid: number): Promise<string> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const mib = (field: string) =>
    (Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024).toFixed(1);
  return `anonymous ${mib('RssAnon')} MiB, file ${mib('RssFile')} MiB`;
}

/** Asks the operator (started with --heapsnapshot-signal) for a heap snapshot; resolves with its file once written. */
async function heapSnapshot(operator: ChildProcess, pid: number): Promise<string> {
  const mine = async () =>
    (await readdir(REPO)).filter((f) => f.includes(`.${pid}.`) && f.endsWith('.heapsnapshot'));
  operator.kill('SIGUSR2');
  let last = -1;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const [file] = await mine();
    if (!file) continue;
    const { size } = await stat(path.join(REPO, file));
    if (size > 0 && size === last) return file;
    last = size;
  }
}

async function rssMib(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Sum of a Prometheus counter's samples whose labels pass `keep`. */
function sumCounter(text: string, name: string, keep: (labels: Record<string, string>) => boolean): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.lastIndexOf('}'));
    const labels = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (keep(labels)) total += Number(line.slice(line.lastIndexOf('}') + 1).trim());
  }
  return total;
}

/** The operator's write requests by "VERB resource", for the log when steady state is not quiet. */
function writesByTarget(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('kube_api_requests_total{')) continue;
    const verb = /verb="([^"]*)"/.exec(line)?.[1];
    const resource = /resource="([^"]*)"/.exec(line)?.[1];
    if (verb === 'GET') continue;
    const key = `${verb} ${resource}`;
    out.set(key, (out.get(key) ?? 0) + Number(line.slice(line.lastIndexOf('}') + 1)));
  }
  return out;
}

async function operatorWrites(
  metricsPort: number,
): Promise<{ writes: number; lease: number; byTarget: Map<string, number> }> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const isWrite = (l: Record<string, string>) => l.verb !== 'GET';
  return {
    writes: sumCounter(text, 'kube_api_requests_total', (l) => isWrite(l) && l.resource !== 'leases'),
    lease: sumCounter(text, 'kube_api_requests_total', (l) => isWrite(l) && l.resource === 'leases'),
    byTarget: writesByTarget(text),
  };
}

/**
 * What the operator did until all were Ready, per resource: reconciles, their mean duration, API requests by verb
 * (leases excluded), verifications, and the retries of failed reconciles (the only keys the work queue's token bucket
 * delays). Says where the time went: the operator's own requests or the waits.
 */
function rampSummary(text: string, n: number): string {
  const all = () => true;
  const reconciles = sumCounter(text, 'reconcile_total', all);
  const seconds = counterValue(text, 'reconcile_duration_seconds_sum');
  const byVerb = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('kube_api_requests_total{') || line.includes('resource="leases"')) continue;
    const verb = /verb="([^"]*)"/.exec(line)?.[1] ?? '?';
    const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? '?';
    const key = `${verb} ${resource}`;
    byVerb.set(key, (byVerb.get(key) ?? 0) + Number(line.slice(line.lastIndexOf('}') + 1)));
  }
  const perResource = (value: number) => (value / n).toFixed(1);
  return (
    `ramp: ${perResource(reconciles)} reconciles per resource, ${((seconds / Math.max(1, reconciles)) * 1000).toFixed(0)} ms each; ` +
    `API requests per resource: ${[...byVerb].map(([target, count]) => `${target} ${perResource(count)}`).join(', ')}; ` +
    `verifications per resource: ${perResource(counterValue(text, 'server_verifications_total'))}; ` +
    `retries after a failed reconcile (rate-limited): ${counterValue(text, 'workqueue_retries_total')}`
  );
}

/** A counter without labels from the operator's metrics text (0 when absent). */
function counterValue(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? 0);
}

/** The one real server behind every Service when probing: the production build against the Plex simulator. */
async function startProbedServer(): Promise<{
  sim: PlexSimulator;
  server: SpawnedServer;
  url: string;
  authToken: string;
}> {
  const plexToken = randomBytes(12).toString('hex');
  const authToken = randomBytes(24).toString('hex');
  const sim = await startPlexSimulator({ port: 0, token: plexToken });
  const server = spawnServer(path.join(BUILD_DIR, 'server/main.js'), [], {
    PLEX_SERVER_URL: sim.url,
    PLEX_TOKEN: plexToken,
    AUTH_TOKEN: authToken,
    SERVER_PORT: '0',
    LOG_LEVEL: 'info', // listening() waits for the 'HTTP server listening' line
  });
  return { sim, server, url: `http://127.0.0.1:${await server.listening(30_000)}`, authToken };
}

async function apiserverWrites(client: KubeClient): Promise<number> {
  const text = await client.request<string>('GET', '/metrics', { text: true });
  return sumCounter(
    text,
    'apiserver_request_total',
    (l) =>
      ['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY'].includes(l.verb ?? '') &&
      (OPERATOR_KINDS.has(l.resource ?? '') || (l.resource === 'deployments' && !l.subresource)),
  );
}

/** Stops what the current run started when the bench itself is interrupted (Ctrl-C, timeout). */
let cleanup: (() => Promise<void>) | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (cleanup?.() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

async function runOnce(n: number): Promise<Result> {
  // Enough fake nodes for the pods (110 per node), plus headroom.
  const podsPerResource = REDIS_MODE === 'Managed' ? 2 : 1;
  const nodes = Math.max(2, Math.ceil((n * podsPerResource) / 100) + 1);
  console.error(`\n== N=${n}: starting a control plane with ${nodes} fake nodes`);
  const plane = await startControlPlane({ nodes });
  let operator: ChildProcess | undefined;
  let probed: Awaited<ReturnType<typeof startProbedServer>> | undefined;
  let proxy: GeneratedTokenProxy | undefined;
  cleanup = async () => {
    operator?.kill('SIGKILL');
    await proxy?.close();
    await probed?.server.stop();
    await probed?.sim.close();
    await plane.stop();
  };
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(plane.kubeconfigPath);
    const client = new KubeClient(kc);
    await applyObject(
      client,
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${CRD_NAME}`,
      buildPlexMcpServerCrd(),
    );
    await waitFor(
      async () => {
        const crd = await client.request<{ status?: { conditions?: { type: string; status: string }[] } }>(
          'GET',
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${CRD_NAME}`,
        );
        return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      },
      { timeoutMs: 30_000, description: 'CRD established' },
    );
    const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `bench-${i}`);
    for (const ns of namespaces) {
      await ensureNamespace(client, ns);
      await applyTokenSecret(client, ns);
    }

    const metricsPort = await freePort();
    const healthPort = await freePort();
    const nodeOptions = (process.env.BENCH_OPERATOR_NODE_OPTIONS ?? OPERATOR_NODE_OPTIONS)
      .split(' ')
      .filter(Boolean);
    if (HEAP_SNAPSHOT) nodeOptions.push('--heapsnapshot-signal=SIGUSR2');
    console.log(`operator node flags: ${nodeOptions.join(' ') || '(none)'}`);
    if (VERIFY) {
      probed = await startProbedServer();
      proxy = await startGeneratedTokenProxy({
        client,
        upstreamUrl: probed.url,
        upstreamToken: probed.authToken,
      });
      console.error(
        `probing on: every Service's endpoint is the server at ${probed.url}, through the token proxy at ${proxy.url}`,
      );
    }
    operator = VERIFY
      ? spawn(process.execPath, [...nodeOptions, path.join(import.meta.dirname, 'verifying-operator.mjs')], {
          env: {
            ...process.env,
            KUBECONFIG: plane.kubeconfigPath,
            BENCH_SERVER_URL: proxy?.url,
            BENCH_METRICS_PORT: String(metricsPort),
            BENCH_HEALTH_PORT: String(healthPort),
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        })
      : spawn(
          process.execPath,
          [
            ...nodeOptions,
            path.join(BUILD_DIR, 'operator/main.js'),
            '--leader-elect=true',
            '--leader-election-namespace=default',
            `--metrics-port=${metricsPort}`,
            `--health-port=${healthPort}`,
            '--log-level=warn',
            '--server-image=plex-mcp:bench',
            ...(process.env.BENCH_WORKERS ? [`--workers=${process.env.BENCH_WORKERS}`] : []),
          ],
          {
            env: { ...process.env, KUBECONFIG: plane.kubeconfigPath },
            stdio: ['ignore', 'ignore', 'inherit'],
          },
        );
    const pid = operator.pid ?? 0;
    let operatorExit: string | undefined;
    operator.once('exit', (code, signal) => {
      operatorExit = `operator exited (code ${code}, signal ${signal})`;
    });
    /** Stops a wait at once when the operator died (an OOM, a crash) instead of waiting for its timeout. */
    const alive = () => {
      if (operatorExit) throw new Error(operatorExit);
    };
    await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
        const body = (await res.json()) as { leader?: boolean; cachesSynced?: boolean };
        return body.leader && body.cachesSynced;
      },
      { timeoutMs: 60_000, description: 'operator leading with synced caches' },
    );
    const rssBefore = await rssMib(pid);
    console.error(
      `operator pid ${pid} ready, RSS ${rssBefore} MiB (${await rssSplit(pid)}); applying ${n} PlexMcpServers`,
    );

    const names = Array.from({ length: n }, (_, i) => ({
      ns: namespaces[i % NAMESPACES] as string,
      name: `pms-${i}`,
    }));
    const started = Date.now();
    await pool(names, APPLY_CONCURRENCY, async ({ ns, name }) => {
      await applyObject(
        client,
        resourcePath(PMS_KIND, ns, name),
        plexMcpServer(ns, name, { redis: { mode: REDIS_MODE } }),
      );
    });
    console.error(`applied in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    let childrenAt = 0;
    const readyAt = await waitFor(
      async () => {
        alive();
        const deployments = await client.request<{ items: unknown[] }>('GET', '/apis/apps/v1/deployments', {
          query: { labelSelector: 'app.kubernetes.io/component=server' },
        });
        if (!childrenAt && deployments.items.length >= n) childrenAt = Date.now();
        const list = await client.request<{ items: PlexMcpServerObject[] }>(
          'GET',
          '/apis/plexmcp.dev/v1alpha1/plexmcpservers',
        );
        const ready = list.items.filter(
          (r) =>
            r.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
            r.status.observedGeneration === r.metadata?.generation,
        ).length;
        process.stderr.write(
          `\r  ${((Date.now() - started) / 1000).toFixed(0)} s: deployments ${deployments.items.length}/${n}, ready ${ready}/${n}   `,
        );
        return ready >= n ? Date.now() : undefined;
      },
      { timeoutMs: 900_000, intervalMs: 1_000, description: `${n} PlexMcpServers Ready` },
    );
    process.stderr.write('\n');
    if (proxy) {
      const { translated, unknownTokens } = proxy.counts();
      console.error(
        `token proxy: ${translated} requests with a generated token forwarded, ${unknownTokens} with an unknown one`,
      );
    }
    console.error(rampSummary(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text(), n));
    alive();
    const secondsToReady = (readyAt - started) / 1000;
    const secondsToChildren = ((childrenAt || readyAt) - started) / 1000;

    // Steady state: let in-flight status updates land, then count writes over the window.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const opBefore = await operatorWrites(metricsPort);
    const apiBefore = await apiserverWrites(client);
    const probesBefore = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    console.error(`steady state: counting writes for ${STEADY_SECONDS} s`);
    await new Promise((resolve) => setTimeout(resolve, STEADY_SECONDS * 1000));
    const opAfter = await operatorWrites(metricsPort);
    const apiAfter = await apiserverWrites(client);
    const rss = await rssMib(pid);
    const metricsText = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const perSecond = (name: string) =>
      Math.round(
        ((counterValue(metricsText, name) - counterValue(probesBefore, name)) / STEADY_SECONDS) * 100,
      ) / 100;
    const gauge = (name: string) =>
      Number(new RegExp(`^${name} (\\S+)`, 'm').exec(metricsText)?.[1] ?? 0) / 2 ** 20;
    console.error(
      `operator memory: RSS ${rss} MiB (${await rssSplit(pid)}), V8 heap used ${gauge('nodejs_heap_size_used_bytes').toFixed(1)} MiB of ` +
        `${gauge('nodejs_heap_size_total_bytes').toFixed(1)} MiB, external ${gauge('nodejs_external_memory_bytes').toFixed(1)} MiB`,
    );
    if (HEAP_SNAPSHOT) console.error(`heap snapshot: ${await heapSnapshot(operator, pid)}`);
    for (const [target, count] of opAfter.byTarget) {
      const delta = count - (opBefore.byTarget.get(target) ?? 0);
      if (delta > 0) console.error(`  steady-state writes: ${target} = ${delta}`);
    }

    return {
      n,
      seconds_to_children: Math.round(secondsToChildren * 10) / 10,
      seconds_to_ready: Math.round(secondsToReady * 10) / 10,
      rss_mib: rss,
      rss_before_mib: rssBefore,
      mib_per_resource: Math.round(((rss - rssBefore) / n) * 1000) / 1000,
      steady_state_writes: opAfter.writes - opBefore.writes,
      lease_renewals: opAfter.lease - opBefore.lease,
      apiserver_writes: apiAfter - apiBefore,
      redis_mode: REDIS_MODE,
      verify: VERIFY,
      probe_requests_per_s: perSecond('server_verification_requests_total'),
      verifications_per_s: perSecond('server_verifications_total'),
    };
  } finally {
    if (operator && operator.exitCode === null) {
      const exited = new Promise((resolve) => operator?.once('exit', resolve));
      operator.kill('SIGTERM');
      await exited;
    }
    await proxy?.close();
    await probed?.server.stop();
    await probed?.sim.close();
    await plane.stop();
  }
}

console.error('building the operator (tsc -p tsconfig.build.json) into dist/bench-build/');
execFileSync(
  process.execPath,
  [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', BUILD_DIR],
  {
    cwd: REPO,
    stdio: 'inherit',
  },
);
const results: Result[] = [];
for (const n of SIZES) results.push(await runOnce(n));
console.log(
  '\n n     children_s  ready_s  rss_mib  steady_writes  lease_renewals  apiserver_writes  probe_req_s  verifications_s',
);
for (const r of results) {
  console.log(
    ` ${String(r.n).padEnd(5)} ${String(r.seconds_to_children).padEnd(11)} ${String(r.seconds_to_ready).padEnd(8)} ${String(r.rss_mib).padEnd(8)} ${String(r.steady_state_writes).padEnd(14)} ${String(r.lease_renewals).padEnd(15)} ${String(r.apiserver_writes).padEnd(17)} ${String(r.verify ? r.probe_requests_per_s : 'off').padEnd(12)} ${r.verify ? r.verifications_per_s : 'off'}`,
  );
}
for (const r of results) console.log(JSON.stringify(r));
