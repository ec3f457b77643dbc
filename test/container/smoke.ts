// The image, proven in a real container runtime (rootful podman with runc; ../shared/container/NOTES.md):
//  1. builds the Dockerfile's runtime and plex-sim targets on a local node:24-bookworm-slim equivalent, cold (no
//     layer cache) and warm, and reports the image size;
//  2. renders a PlexMcpServer with the operator's own cdk8s code and runs its server and Managed-Redis containers
//     with exactly the rendered security context, resources, volumes and environment (pod-spec-to-podman.ts), next to
//     the Plex simulator, in one pod with no network (only loopback);
//  3. checks from /proc inside each that uid/gid, capabilities, no-new-privileges, seccomp and the read-only root are
//     in force, and that the memory cgroup sits under ours with the rendered limit;
//  4. calls every tool through the port the Service targets, then 1000 more calls, from a client container in the pod;
//  5. runs the operator's entrypoint with `--help` under the operator Deployment's security context;
//  6. reports the server's memory-cgroup usage idle and after the load.
// Every container is named `plex-mcp-smoke-<pid>-…`, memory-limited, kept under this process's cgroup, and removed on
// exit; leftovers of dead runs are removed at start. Exits non-zero naming each failed check.
//
//   node test/container/smoke.ts          (as root, with podman, runc and mmdebstrap: npm test installs them)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KubernetesObject, V1Deployment, V1Service } from '@kubernetes/client-node';
import { renderInstallManifests } from '../../cdk8s/install/install-chart.ts';
import { hashSecretData, renderPlexMcpServer } from '../../cdk8s/plex-mcp-server/index.ts';
import { parsePlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import { SERVER_VERSION } from '../../server/version.ts';
import { ensureBaseImages } from './base-images.ts';
import { lookupIn, type PodmanContainerPlan, planContainer } from './pod-spec-to-podman.ts';
import { createPodman, pidAlive, removeCgroupTree } from './podman.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const PREFIX = 'plex-mcp-smoke-';
const run = `${PREFIX}${process.pid}-${randomBytes(2).toString('hex')}`;
const LOAD_CALLS = 1000;

const failures: string[] = [];
const report: Record<string, unknown> = { run };

function say(line: string): void {
  process.stderr.write(`[smoke] ${line}\n`);
}

function check(name: string, ok: boolean, detail = ''): void {
  say(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
  if (!ok) failures.push(name);
}

if (process.platform !== 'linux' || process.getuid?.() !== 0) {
  say('needs Linux and root (rootful podman with runc); on a laptop set SKIP_CONTAINER_TESTS=1 for npm test');
  process.exit(2);
}
for (const tool of ['podman', 'runc', 'mmdebstrap']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    say(`${tool} is missing: apt-get install -y --no-install-recommends podman runc mmdebstrap catatonit`);
    process.exit(2);
  }
}

const stateDir = path.join(tmpdir(), run);
const podman = createPodman(stateDir, run);
const pod = `${run}-pod`;
const images = { server: `localhost/plex-mcp-smoke:${run}`, sim: `localhost/plex-mcp-smoke-sim:${run}` };

/** Containers, pods and image tags of runs whose process is gone (a crash, a kill -9). */
function removeLeftovers(): void {
  const dead = (name: string) => {
    const pid = Number(/^plex-mcp-smoke-(\d+)-/.exec(name)?.[1]);
    return Number.isInteger(pid) && pid > 0 && !pidAlive(pid);
  };
  const pods = podman.tryRun(['pod', 'ps', '--format', '{{.Name}}', '--filter', `name=^${PREFIX}`]).stdout;
  for (const name of pods.split('\n').filter((n) => n && dead(n))) podman.tryRun(['pod', 'rm', '-f', name]);
  const containers = podman.tryRun([
    'ps',
    '-a',
    '--format',
    '{{.Names}}',
    '--filter',
    `name=^${PREFIX}`,
  ]).stdout;
  for (const name of containers.split('\n').filter((n) => n && dead(n))) podman.tryRun(['rm', '-f', name]);
  // Cgroup leaves of dead runs under ours (a run killed with -9 cannot remove its own).
  for (const mount of [
    'memory',
    'cpu',
    'pids',
    'devices',
    'freezer',
    'blkio',
    'cpuset',
    'cpuacct',
    'systemd',
    'unified',
  ]) {
    const base = path.join('/sys/fs/cgroup', mount, path.dirname(podman.cgroupParent));
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base))
      if (entry.startsWith(PREFIX) && dead(entry)) removeCgroupTree(path.join(base, entry));
  }
  const tags = podman.tryRun(['images', '--format', '{{.Repository}}:{{.Tag}}']).stdout;
  for (const tag of tags
    .split('\n')
    .filter((t) => /^localhost\/plex-mcp-smoke(-sim)?:plex-mcp-smoke-/.test(t))) {
    if (dead(tag.slice(tag.indexOf(':') + 1))) podman.tryRun(['rmi', tag]);
  }
}

/** Dangling images (intermediate build stages) that existed before this run: everything else dangling is ours. */
const danglingImages = () =>
  new Set(
    podman
      .tryRun(['images', '--quiet', '--no-trunc', '--filter', 'dangling=true'])
      .stdout.split('\n')
      .filter(Boolean),
  );
const danglingBefore = danglingImages();

let cleaned = false;
function cleanUp(): void {
  if (cleaned) return;
  cleaned = true;
  podman.tryRun(['pod', 'rm', '-f', '-t', '2', pod]);
  const containers = podman.tryRun(['ps', '-a', '--format', '{{.Names}}', '--filter', `name=^${run}`]).stdout;
  for (const name of containers.split('\n').filter(Boolean)) podman.tryRun(['rm', '-f', name]);
  for (const tag of Object.values(images)) podman.tryRun(['rmi', tag]);
  // The build stages this run left behind (a cold build makes new ones every time), so runs do not pile up gigabytes.
  for (const id of danglingImages()) if (!danglingBefore.has(id)) podman.tryRun(['rmi', id]);
  rmSync(stateDir, { recursive: true, force: true });
  podman.releaseCgroups();
}
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

/**
 * npm inside the build must trust what the host's npm trusts (a TLS-intercepting proxy's CA on these machines) and
 * use the same registry: both go in npm's global config directory, mounted at build time only (never in a layer).
 */
function buildConfigDir(): string {
  const dir = path.join(stateDir, 'npm-global-etc');
  mkdirSync(dir, { recursive: true });
  const npmConfig = (key: string) =>
    spawnSync('npm', ['config', 'get', key], { encoding: 'utf8' }).stdout.trim();
  const lines = [`registry=${npmConfig('registry')}`];
  const cafile = [
    npmConfig('cafile'),
    process.env.NODE_EXTRA_CA_CERTS,
    '/etc/ssl/certs/ca-certificates.crt',
  ].find((f) => f && f !== 'null' && f !== 'undefined' && existsSync(f));
  if (cafile) {
    writeFileSync(path.join(dir, 'ca.pem'), readFileSync(cafile));
    lines.push('cafile=/usr/local/etc/ca.pem');
  }
  writeFileSync(path.join(dir, 'npmrc'), `${lines.join('\n')}\n`);
  return dir;
}

/**
 * One `podman build`; returns its time and how many steps came from the layer cache. (A `--no-cache` build leaves
 * no layers that later builds reuse with podman 4.3, so the cold build is a normal one on an empty cache: cleanUp
 * removes each run's build layers, and the count shows whether it really was cold.)
 */
function build(
  target: 'runtime' | 'plex-sim',
  tag: string,
  baseImage: string,
): { seconds: number; cacheHits: number } {
  const started = performance.now();
  const output = podman.run([
    'build',
    '--network',
    'host',
    '--build-arg',
    `NODE_IMAGE=${baseImage}`,
    '--build-arg',
    `VERSION=${SERVER_VERSION}`,
    '--volume',
    `${buildConfigDir()}:/usr/local/etc:ro`,
    '--cgroup-parent',
    podman.cgroupParent,
    '--memory',
    '2g',
    '--target',
    target,
    '-t',
    tag,
    repoRoot,
  ]);
  return {
    seconds: (performance.now() - started) / 1000,
    cacheHits: (output.match(/Using cache/g) ?? []).length,
  };
}

/** The children the operator renders for a PlexMcpServer whose Plex is the simulator in the same pod. */
function renderChildren(plexToken: string, authToken: string, redisPassword: string) {
  const parsed = parsePlexMcpServer({
    apiVersion: 'plexmcp.dev/v1alpha1',
    kind: 'PlexMcpServer',
    metadata: { name: 'smoke', namespace: 'smoke', uid: 'smoke-uid', generation: 1 },
    spec: {
      plex: { url: 'http://127.0.0.1:32400', tokenSecretRef: { name: 'plex-token' } },
      redis: { mode: 'Managed' },
      image: images.server,
    },
  });
  if (!parsed.ok) throw new Error(`smoke resource invalid: ${parsed.errors.join('; ')}`);
  // The operator generates the confirm-token key (delete_playlist and remove_from_playlist sign with it).
  const confirmKey = randomBytes(32).toString('base64url');
  secrets.push(confirmKey);
  const children = renderPlexMcpServer(parsed.value, {
    defaultServerImage: images.server,
    secretsChecksum: hashSecretData({ plexToken, authToken, redisPassword, confirmKey }),
    generatedSecrets: { authToken, confirmKey, redisPassword },
  });
  const plexSecret: KubernetesObject & { data: Record<string, string> } = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'plex-token', namespace: 'smoke' },
    data: { token: Buffer.from(plexToken).toString('base64') },
  };
  const find = <T>(kind: string, component: string) =>
    children.find(
      (c) => c.kind === kind && c.metadata?.labels?.['app.kubernetes.io/component'] === component,
    ) as T;
  return {
    objects: [...children, plexSecret],
    server: find<V1Deployment>('Deployment', 'server'),
    service: find<V1Service>('Service', 'server'),
    redis: find<V1Deployment>('Deployment', 'redis'),
    redisService: find<V1Service>('Service', 'redis'),
  };
}

function envFile(name: string, env: Record<string, string>): string {
  const file = path.join(stateDir, `${name}.env`);
  writeFileSync(
    file,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  chmodSync(file, 0o600);
  return file;
}

/** The long-running containers of the pod, for the post-mortem of a failed run. */
const started: string[] = [];
/** The run's secrets: a log tail printed on failure has them replaced, whatever a program chose to log. */
const secrets: string[] = [];
const LOG_TAIL_LINES = 30;

function redact(text: string): string {
  return secrets.reduce((t, secret) => t.split(secret).join('[redacted]'), text);
}

/** A container's state from podman: running or not, and how it ended. */
function containerState(container: string): {
  running: boolean;
  pid: number;
  summary: string;
} {
  const inspected = podman.tryRun([
    'inspect',
    '--format',
    '{{.State.Status}}|{{.State.Pid}}|{{.State.ExitCode}}|{{.State.OOMKilled}}|{{.State.Error}}',
    container,
  ]);
  if (inspected.status !== 0)
    return { running: false, pid: 0, summary: `not found (${inspected.stderr.trim()})` };
  const [status = '', pid = '0', exitCode = '', oomKilled = '', error = ''] = inspected.stdout
    .trim()
    .split('|');
  const running = status === 'running' && Number(pid) > 0;
  const ended = running ? '' : `, exit code ${exitCode}${oomKilled === 'true' ? ', OOM-killed' : ''}`;
  return { running, pid: Number(pid), summary: `${status}${ended}${error ? `, error: ${error}` : ''}` };
}

/** On failure: each container's state and the end of its log, so a failed run explains itself. */
function postMortem(): void {
  for (const container of started) {
    say(`--- ${container}: ${containerState(container).summary}; last ${LOG_TAIL_LINES} log lines:`);
    const logs = podman.tryRun(['logs', '--tail', String(LOG_TAIL_LINES), container]);
    const text = redact(`${logs.stdout}${logs.stderr}`).trimEnd();
    for (const line of (text || '(empty)').split('\n')) say(`    ${line}`);
  }
}

function startContainer(
  name: string,
  image: string,
  plan: PodmanContainerPlan,
  extra: string[] = [],
): string {
  const container = `${run}-${name}`;
  started.push(container);
  podman.run([
    'run',
    '--detach',
    '--pod',
    pod,
    '--name',
    container,
    '--env-file',
    envFile(name, plan.env),
    ...plan.flags,
    ...extra,
    image,
    ...plan.args,
  ]);
  return container;
}

interface ProcStatus {
  Uid: number[];
  Gid: number[];
  Groups: number[];
  CapEff: bigint;
  CapPrm: bigint;
  CapBnd: bigint;
  CapInh: bigint;
  CapAmb: bigint;
  NoNewPrivs: number;
  Seccomp: number;
}

function procStatus(container: string): ProcStatus {
  const text = podman.run(['exec', container, 'cat', '/proc/1/status']);
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  const numbers = (name: string) => field(name).split(/\s+/).filter(Boolean).map(Number);
  return {
    Uid: numbers('Uid'),
    Gid: numbers('Gid'),
    Groups: numbers('Groups'),
    CapEff: BigInt(`0x${field('CapEff')}`),
    CapPrm: BigInt(`0x${field('CapPrm')}`),
    CapBnd: BigInt(`0x${field('CapBnd')}`),
    CapInh: BigInt(`0x${field('CapInh')}`),
    CapAmb: BigInt(`0x${field('CapAmb')}`),
    NoNewPrivs: Number(field('NoNewPrivs')),
    Seccomp: Number(field('Seccomp')),
  };
}

function checkSecurity(label: string, container: string, plan: PodmanContainerPlan): void {
  const status = procStatus(container);
  const e = plan.expect;
  check(
    `${label}: uid ${e.uid}`,
    status.Uid.every((u) => u === e.uid),
    `Uid ${status.Uid.join(' ')}`,
  );
  check(
    `${label}: gid ${e.gid}`,
    status.Gid.every((g) => g === e.gid),
    `Gid ${status.Gid.join(' ')}`,
  );
  check(
    `${label}: supplementary groups ${e.supplementaryGroups.join(',')}`,
    e.supplementaryGroups.every((g) => status.Groups.includes(g)),
    `Groups ${status.Groups.join(' ')}`,
  );
  if (e.allCapabilitiesDropped) {
    const caps = [status.CapEff, status.CapPrm, status.CapBnd, status.CapInh, status.CapAmb];
    check(
      `${label}: no capabilities`,
      caps.every((c) => c === 0n),
      `Eff/Prm/Bnd/Inh/Amb ${caps.join('/')}`,
    );
  }
  if (e.noNewPrivileges)
    check(`${label}: no-new-privileges`, status.NoNewPrivs === 1, `NoNewPrivs ${status.NoNewPrivs}`);
  // 2 = SECCOMP_MODE_FILTER: the runtime's default profile is loaded.
  if (e.seccomp === 'RuntimeDefault')
    check(`${label}: seccomp filter`, status.Seccomp === 2, `Seccomp ${status.Seccomp}`);
  if (e.readOnlyRoot) {
    const mountinfo = podman.run(['exec', container, 'cat', '/proc/1/mountinfo']);
    const root = mountinfo.split('\n').find((l) => l.split(' ')[4] === '/');
    const rootOptions = root?.split(' ')[5] ?? '';
    const write = podman.tryRun(['exec', container, 'sh', '-c', 'echo x > /smoke-probe']);
    check(
      `${label}: read-only root filesystem`,
      rootOptions.split(',').includes('ro') && write.status !== 0 && /Read-only/i.test(write.stderr),
      `/ mounted ${rootOptions}; write: ${write.stderr.trim()}`,
    );
  }
}

/** The container's memory cgroup on the host (v1 or v2), from its init process. */
function memoryCgroup(container: string): { dir: string; path: string } {
  const state = containerState(container);
  if (!state.running) throw new Error(`container ${container} is not running: ${state.summary}`);
  const pid = state.pid;
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  const v1 = lines.find((l) => /^\d+:([^:]*,)?memory(,[^:]*)?:/.test(l));
  const cgroupPath = (v1 ?? lines.find((l) => l.startsWith('0::')) ?? '').replace(/^\d+:[^:]*:/, '');
  const dir = v1 ? `/sys/fs/cgroup/memory${cgroupPath}` : `/sys/fs/cgroup${cgroupPath}`;
  return { dir, path: cgroupPath };
}

function memoryUsage(container: string): { usageMiB: number; workingSetMiB: number } {
  const { dir } = memoryCgroup(container);
  const v1 = existsSync(path.join(dir, 'memory.usage_in_bytes'));
  const usage = Number(readFileSync(path.join(dir, v1 ? 'memory.usage_in_bytes' : 'memory.current'), 'utf8'));
  const stat = readFileSync(path.join(dir, 'memory.stat'), 'utf8');
  const inactive = Number(
    new RegExp(`^${v1 ? 'total_inactive_file' : 'inactive_file'} (\\d+)$`, 'm').exec(stat)?.[1] ?? 0,
  );
  const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
  // The working set (usage minus inactive file pages) is what the kubelet compares with the limit.
  return { usageMiB: mib(usage), workingSetMiB: mib(usage - inactive) };
}

function checkCgroup(label: string, container: string, plan: PodmanContainerPlan): void {
  const { dir, path: cgroupPath } = memoryCgroup(container);
  check(
    `${label}: memory cgroup under ours (${podman.cgroupParent})`,
    cgroupPath.startsWith(`${podman.cgroupParent.replace(/\/$/, '')}/`),
    cgroupPath,
  );
  if (plan.expect.memoryLimitBytes) {
    const file = existsSync(path.join(dir, 'memory.limit_in_bytes')) ? 'memory.limit_in_bytes' : 'memory.max';
    const limit = Number(readFileSync(path.join(dir, file), 'utf8'));
    check(
      `${label}: memory limit ${plan.expect.memoryLimitBytes} bytes`,
      limit === plan.expect.memoryLimitBytes,
      String(limit),
    );
  }
}

/** Runs the pod client (test/container/pod-client.ts) in a container of the pod; returns its JSON answer. */
function client(args: string[], authToken: string): Record<string, unknown> {
  const name = `${run}-client-${args[0]}`;
  const result = podman.tryRun([
    'run',
    '--rm',
    '--pod',
    pod,
    '--name',
    name,
    '--read-only',
    '--cap-drop=ALL',
    '--security-opt',
    'no-new-privileges',
    '--memory',
    '768m',
    '--memory-swap',
    '768m',
    '--volume',
    `${repoRoot}:/repo:ro`,
    '--workdir',
    '/repo',
    '--env-file',
    envFile('client', { AUTH_TOKEN: authToken, NODE_OPTIONS: '--max-old-space-size=512' }),
    baseImages.node,
    'node',
    'test/container/pod-client.ts',
    ...args,
  ]);
  if (result.status !== 0)
    throw new Error(
      `pod client ${args[0]} failed: ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`,
    );
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

/** Our own memory cgroup's limit: the run must leave it exactly as it found it. */
const ownLimitFile = path.join(
  '/sys/fs/cgroup/memory',
  path.dirname(podman.cgroupParent),
  'memory.limit_in_bytes',
);
const readOwnLimit = () => (existsSync(ownLimitFile) ? readFileSync(ownLimitFile, 'utf8').trim() : 'n/a');
const ownLimitBefore = readOwnLimit();

removeLeftovers();
say(`run ${run}; containers under cgroup ${podman.cgroupParent}`);
const baseImages = ensureBaseImages(podman);
if (baseImages.builtSeconds > 0) report.baseImagesBuiltSeconds = Math.round(baseImages.builtSeconds);

try {
  // 1. Build: cold (empty layer cache), then warm (everything cached, as a rebuild after a docs-only change).
  const cold = build('runtime', images.server, baseImages.node);
  const warm = build('runtime', images.server, baseImages.node);
  build('plex-sim', images.sim, baseImages.node);
  const size = Number(podman.run(['image', 'inspect', '--format', '{{.Size}}', images.server]).trim());
  Object.assign(report, {
    coldBuildSeconds: Math.round(cold.seconds * 10) / 10,
    coldBuildCachedSteps: cold.cacheHits,
    warmBuildSeconds: Math.round(warm.seconds * 10) / 10,
    warmBuildCachedSteps: warm.cacheHits,
    imageMiB: Math.round(size / 2 ** 20),
  });
  check(
    'image builds',
    size > 0,
    `${report.imageMiB} MiB, cold ${report.coldBuildSeconds} s, warm ${report.warmBuildSeconds} s`,
  );
  const label = podman
    .run([
      'image',
      'inspect',
      '--format',
      '{{index .Labels "io.modelcontextprotocol.server.name"}}',
      images.server,
    ])
    .trim();
  const mcpName = (
    JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { mcpName?: string }
  ).mcpName;
  check(
    'image carries the MCP Registry name label',
    label === mcpName,
    `${label} (package.json mcpName ${mcpName})`,
  );
  // The compile cache the build made (.ci/build/bake-compile-cache.ts) is what a start at the image's NODE_OPTIONS
  // reads: every module it loads is accepted from it, none compiled afresh.
  const cacheRun = podman.tryRun([
    'run',
    '--rm',
    '--read-only',
    '--env',
    'NODE_DEBUG_NATIVE=COMPILE_CACHE',
    images.server,
    '--version',
  ]);
  const accepted = cacheRun.stderr.match(/was accepted/g)?.length ?? 0;
  const notAccepted = cacheRun.stderr.match(/was (rejected|not)\b/g)?.length ?? 0;
  check(
    "a start reads the image's compile cache",
    cacheRun.status === 0 && accepted > 0 && notAccepted === 0,
    `${accepted} modules accepted, ${notAccepted} not (exit ${cacheRun.status})` +
      (accepted > 0 && notAccepted === 0
        ? ''
        : `: ${cacheRun.stderr.trim().split('\n').slice(-6).join(' | ')}`),
  );

  // 2. What the operator renders, run as rendered.
  const plexToken = randomBytes(18).toString('base64url');
  const authToken = randomBytes(32).toString('base64url');
  const redisPassword = randomBytes(24).toString('base64url');
  secrets.push(plexToken, authToken, redisPassword);
  const rendered = renderChildren(plexToken, authToken, redisPassword);
  const lookup = lookupIn(rendered.objects);
  const serverPod = rendered.server.spec?.template.spec;
  const serverContainer = serverPod?.containers[0];
  const redisPod = rendered.redis.spec?.template.spec;
  const redisContainer = redisPod?.containers[0];
  if (!serverPod || !serverContainer || !redisPod || !redisContainer)
    throw new Error('rendered Deployments have no containers');
  check(
    'rendered server image is the one built',
    serverContainer.image === images.server,
    String(serverContainer.image),
  );
  const serverPlan = planContainer(serverPod, serverContainer, lookup);
  const redisPlan = planContainer(redisPod, redisContainer, lookup);

  // The Services' names resolve to the pod's loopback, as cluster DNS resolves them to their ClusterIPs.
  const hosts = path.join(stateDir, 'hosts');
  const redisHost = rendered.redisService.metadata?.name as string;
  writeFileSync(
    hosts,
    `127.0.0.1 localhost ${redisHost} ${redisHost}.smoke.svc ${redisHost}.smoke.svc.cluster.local\n::1 localhost\n`,
  );
  const memoryOf = (p: PodmanContainerPlan) => p.expect.memoryLimitBytes ?? 256 * 2 ** 20;
  const podMemory = memoryOf(serverPlan) + memoryOf(redisPlan) + 256 * 2 ** 20 + 768 * 2 ** 20 + 64 * 2 ** 20;
  podman.run([
    'pod',
    'create',
    '--name',
    pod,
    '--network',
    'none',
    '--cgroup-parent',
    podman.cgroupParent,
    '--memory',
    String(podMemory),
    '--infra-name',
    `${run}-infra`,
  ]);
  const hostsMount = ['--volume', `${hosts}:/etc/hosts:ro`];
  const redis = startContainer('redis', baseImages.redis, redisPlan, hostsMount);
  const sim = startContainer('plex-sim', images.sim, {
    ...serverPlan,
    flags: [
      '--read-only',
      '--cap-drop=ALL',
      '--security-opt',
      'no-new-privileges',
      '--memory',
      '256m',
      '--memory-swap',
      '256m',
    ],
    env: {},
    // `--token=…`, one argument: a base64url token may begin with '-', which parseArgs takes for an option when the
    // value comes as the next argument (one CI run in 64 failed on it).
    args: ['--host', '127.0.0.1', '--port', '32400', `--token=${plexToken}`],
  });
  const server = startContainer('server', images.server, serverPlan, hostsMount);
  const targetPort = rendered.service.spec?.ports?.[0]?.targetPort;
  const port = typeof targetPort === 'number' ? targetPort : serverPlan.ports[String(targetPort)];
  check(
    'Service targets a named container port',
    typeof port === 'number',
    `targetPort ${targetPort} -> ${port}`,
  );
  const url = `http://127.0.0.1:${port}/mcp`;
  client(['ready', '--url', url], authToken);
  check('server ready through the pod loopback', true, url);
  const interfaces = podman
    .run(['exec', server, 'cat', '/proc/net/dev'])
    .split('\n')
    .slice(2)
    .map((l) => l.split(':')[0]?.trim())
    .filter(Boolean);
  check(
    'the pod has no network but loopback',
    interfaces.join(',') === 'lo',
    `interfaces ${interfaces.join(',')}`,
  );

  // 3. From /proc inside.
  checkSecurity('server', server, serverPlan);
  checkCgroup('server', server, serverPlan);
  checkSecurity('redis', redis, redisPlan);
  checkCgroup('redis', redis, redisPlan);
  checkCgroup('plex-sim', sim, {
    ...serverPlan,
    expect: { ...serverPlan.expect, memoryLimitBytes: 256 * 2 ** 20 },
  });

  // 4. Every tool, then load, with memory before and after.
  await new Promise((r) => setTimeout(r, 2_000));
  report.serverMemoryIdle = memoryUsage(server);
  const answered = client(['tools', '--url', url, '--load', String(LOAD_CALLS)], authToken) as {
    tools: string[];
    load: { calls: number; errors: number; ms: number };
  };
  check('every tool answered through the port', answered.tools.length >= 8, answered.tools.join(', '));
  check(
    `${LOAD_CALLS} more calls answered`,
    answered.load.errors === 0,
    `${answered.load.errors} errors in ${answered.load.ms} ms`,
  );
  report.serverMemoryAfterLoad = memoryUsage(server);
  for (const container of [redis, sim, server]) {
    const state = containerState(container);
    check(`${container.slice(run.length + 1)} still running after the load`, state.running, state.summary);
  }
  report.loadCalls = answered.load;
  const redisKeys = podman.tryRun([
    'exec',
    '--env',
    `REDISCLI_AUTH=${redisPassword}`,
    redis,
    'redis-cli',
    'dbsize',
  ]);
  check(
    'the server cached in the rendered Redis',
    Number(redisKeys.stdout.trim()) > 0,
    `dbsize ${redisKeys.stdout.trim()} ${redisKeys.stderr.trim()}`,
  );

  // 5. The operator's entrypoint under the operator Deployment's own security context.
  const install = renderInstallManifests({ image: images.server });
  const operator = install.find((o) => o.kind === 'Deployment') as V1Deployment | undefined;
  const operatorPod = operator?.spec?.template.spec;
  const operatorContainer = operatorPod?.containers[0];
  if (!operatorPod || !operatorContainer)
    throw new Error('the install manifests have no operator Deployment');
  const operatorPlan = planContainer(
    operatorPod,
    { ...operatorContainer, args: ['--help'] },
    lookupIn(install),
  );
  const help = podman.tryRun([
    'run',
    '--rm',
    '--name',
    `${run}-operator-help`,
    '--network',
    'none',
    '--cgroup-parent',
    podman.cgroupParent,
    '--env-file',
    envFile('operator', operatorPlan.env),
    ...operatorPlan.flags,
    images.server,
    ...operatorPlan.args,
  ]);
  check(
    'operator entrypoint --help',
    help.status === 0 && /--leader-elect/.test(help.stdout),
    `exit ${help.status} ${help.stderr.trim().slice(0, 200)}`,
  );
} catch (error) {
  check('smoke run', false, redact(error instanceof Error ? error.message : String(error)));
}
if (failures.length > 0) postMortem();

check('our own cgroup left as it was', readOwnLimit() === ownLimitBefore, `memory limit ${readOwnLimit()}`);
process.stdout.write(`${JSON.stringify(report)}\n`);
if (failures.length > 0) {
  say(`FAILED checks: ${failures.join('; ')}`);
  process.exitCode = 1;
} else {
  say('all checks passed');
}
