// What `npm test` needs from the machine besides Node, and how to get each piece: system packages (apt on Debian and
// Ubuntu, brew on macOS), and the binaries this repository builds from Go modules into the cache outside the repo
// (test/cluster/build.sh, charts/build-helm.sh). Everything is checked first, in well under a second, and the plan
// printed; what cannot be installed here is said at once with the command to run, before any long build starts.
//
// Opt-outs for a laptop (each makes the matching tests skip with a banner, never pass): SKIP_REDIS_TESTS=1,
// SKIP_CLUSTER_TESTS=1, SKIP_CONTAINER_TESTS=1, SKIP_BROWSER_TESTS=1. PLEX_MCP_NO_INSTALL=1 reports what is
// missing without installing.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '..');

export interface SystemTool {
  /** The command looked up on PATH (and the usual sbin/Homebrew directories). */
  command: string;
  why: string;
  /** Debian packages that provide it (and its companions), or null when apt cannot. */
  apt: string[] | null;
  /** Homebrew formula, or null when macOS cannot run it. */
  brew: string | null;
  /** The environment flag that lets a laptop skip the tests that need it. */
  skipFlag?: string;
  linuxOnly?: boolean;
}

export const SYSTEM_TOOLS: SystemTool[] = [
  {
    command: 'redis-server',
    why: 'the cache tests start real Redis servers',
    apt: ['redis-server'],
    brew: 'redis',
    skipFlag: 'SKIP_REDIS_TESTS',
  },
  {
    command: 'shellcheck',
    why: 'the kind end-to-end script must stay shellcheck-clean',
    apt: ['shellcheck'],
    brew: 'shellcheck',
  },
  {
    command: 'podman',
    why: 'the container smoke test builds and runs the image (rootful podman with runc)',
    // catatonit is the pod's infra process; runc and mmdebstrap are listed below.
    apt: ['podman', 'catatonit'],
    brew: null,
    skipFlag: 'SKIP_CONTAINER_TESTS',
    linuxOnly: true,
  },
  {
    // crun 1.8 (Debian's podman default) refuses cgroup v1 hybrid machines; runc works on both.
    command: 'runc',
    why: 'the OCI runtime of the container smoke test',
    apt: ['runc'],
    brew: null,
    skipFlag: 'SKIP_CONTAINER_TESTS',
    linuxOnly: true,
  },
  {
    command: 'mmdebstrap',
    why: 'the container smoke test makes its node:24-bookworm-slim equivalent from Debian packages',
    apt: ['mmdebstrap'],
    brew: null,
    skipFlag: 'SKIP_CONTAINER_TESTS',
    linuxOnly: true,
  },
  {
    command: 'chromium',
    why: 'browser tests (sign-in, the MCP Apps views) drive a headless Chromium',
    apt: ['chromium'],
    brew: '--cask chromium',
    skipFlag: 'SKIP_BROWSER_TESTS',
  },
];

const EXTRA_DIRS = ['/usr/sbin', '/sbin', '/usr/local/bin', '/usr/local/go/bin', '/opt/homebrew/bin'];

export function findCommand(command: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), ...EXTRA_DIRS]) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next directory
    }
  }
  return undefined;
}

function say(line: string): void {
  process.stderr.write(`setup: ${line}\n`);
}

function run(command: string, args: string[], env?: NodeJS.ProcessEnv): number {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: env ?? process.env,
  });
  return result.status ?? 1;
}

type Installer = { kind: 'apt' | 'sudo-apt' | 'brew' | 'none'; hint: (missing: SystemTool[]) => string };

function installer(): Installer {
  const isRoot = process.getuid?.() === 0;
  if (process.platform === 'linux' && findCommand('apt-get')) {
    const list = (m: SystemTool[]) => [...new Set(m.flatMap((t) => t.apt ?? []))].join(' ');
    const sudoWorks = !isRoot && findCommand('sudo') && spawnSync('sudo', ['-n', 'true']).status === 0;
    return {
      kind: isRoot ? 'apt' : sudoWorks ? 'sudo-apt' : 'none',
      hint: (m) => `sudo apt-get install -y --no-install-recommends ${list(m)}`,
    };
  }
  if (process.platform === 'darwin' && findCommand('brew')) {
    return {
      kind: 'brew',
      hint: (m) => m.map((t) => `brew install ${t.brew}`).join(' && '),
    };
  }
  return {
    kind: 'none',
    hint: (m) => `install ${m.map((t) => t.command).join(', ')} with your package manager`,
  };
}

/** Installs the missing system tools, or explains what to run; returns false when the run cannot go on. */
export function provisionSystemTools(env: NodeJS.ProcessEnv = process.env): boolean {
  const wanted = SYSTEM_TOOLS.filter((t) => !(t.skipFlag && env[t.skipFlag] === '1'));
  const missing = wanted.filter((t) => !findCommand(t.command));
  for (const tool of wanted.filter((t) => !missing.includes(t))) {
    say(`found ${tool.command} (${findCommand(tool.command)})`);
  }
  if (missing.length === 0) return true;

  const how = installer();
  const unsupported = missing.filter(
    (t) => (t.linuxOnly && process.platform !== 'linux') || (how.kind === 'brew' ? !t.brew : !t.apt),
  );
  if (unsupported.length > 0) {
    for (const tool of unsupported) {
      const flag = tool.skipFlag
        ? `; or set ${tool.skipFlag}=1 to skip those tests (they then say SKIPPED)`
        : '';
      say(
        `MISSING ${tool.command}: ${tool.why}. It cannot be installed automatically on ${process.platform}${flag}`,
      );
    }
    return false;
  }
  if (how.kind === 'none' || env.PLEX_MCP_NO_INSTALL === '1') {
    say(`MISSING ${missing.map((t) => t.command).join(', ')} (${missing.map((t) => t.why).join('; ')})`);
    say(`run: ${how.hint(missing)}`);
    const flags = [...new Set(missing.flatMap((t) => (t.skipFlag ? [`${t.skipFlag}=1`] : [])))];
    if (flags.length > 0)
      say(`or skip the tests that need them with ${flags.join(' ')} (they then say SKIPPED)`);
    return false;
  }
  if (how.kind === 'brew') {
    for (const tool of missing) {
      say(`installing ${tool.command} with: brew install ${tool.brew} (${tool.why})`);
      if (run('brew', ['install', ...(tool.brew as string).split(' ')]) !== 0) return false;
    }
    return true;
  }
  const packages = [...new Set(missing.flatMap((t) => t.apt ?? []))];
  say(
    `installing with apt-get: ${packages.join(' ')} (${missing.map((t) => `${t.command}: ${t.why}`).join('; ')})`,
  );
  const sudo = how.kind === 'sudo-apt' ? ['sudo', '-n'] : [];
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]) =>
    run(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], aptEnv);
  // Wait for another apt (unattended upgrades, a parallel install) instead of failing on its lock.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  if (apt([...lock, 'update', '-qq']) !== 0) return false;
  if (apt([...lock, 'install', '-y', '-qq', '--no-install-recommends', ...packages]) !== 0) return false;
  const still = missing.filter((t) => !findCommand(t.command));
  if (still.length > 0) {
    say(`apt-get finished but ${still.map((t) => t.command).join(', ')} is still missing`);
    return false;
  }
  return true;
}

/** Runs one of the repository's build scripts (cached builds: a no-op once built); returns its last stdout line. */
function buildScript(script: string, what: string): string | undefined {
  const result = spawnSync('bash', [path.join(repoRoot, script)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) {
    say(`FAILED to build ${what} with bash ${script} (exit ${result.status})`);
    return undefined;
  }
  return result.stdout.trim().split('\n').at(-1);
}

/** Go is needed only to build what is not cached yet; say so before anything long starts. */
function checkGoForBuilds(env: NodeJS.ProcessEnv): boolean {
  const needCluster = env.SKIP_CLUSTER_TESTS !== '1' && !env.TEST_KUBECONFIG;
  const clusterBuilt =
    spawnSync('bash', [path.join(repoRoot, 'test/cluster/build.sh'), '--print-bin-dir'], { stdio: 'ignore' })
      .status === 0;
  if ((needCluster && !clusterBuilt) || !env.HELM_BIN) {
    if (!findCommand('go')) {
      if (!needCluster || clusterBuilt) {
        // helm may already be cached; build-helm.sh will say so or fail naming Go.
        return true;
      }
      say('MISSING go (1.24+): the Kubernetes control plane and helm are built from Go modules.');
      say(
        'run: install Go 1.24+ (Debian: the golang.org tarball into /usr/local/go; macOS: brew install go),',
      );
      say('or set SKIP_CLUSTER_TESTS=1 to skip the cluster tests (they then say SKIPPED)');
      return false;
    }
  }
  return true;
}

/** Builds (or finds cached) the control plane, kubectl and helm; returns PATH additions, or undefined on failure. */
export function provisionBuiltTools(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  if (!checkGoForBuilds(env)) return undefined;
  const pathAdditions: string[] = [];
  if (env.SKIP_CLUSTER_TESTS !== '1' && !env.TEST_KUBECONFIG) {
    say(
      'control plane: bash test/cluster/build.sh (cached by pins; a cold build takes about 15 min on 2 cores)',
    );
    const binDir = buildScript('test/cluster/build.sh', 'the Kubernetes control plane');
    if (!binDir) return undefined;
    if (!findCommand('kubectl')) {
      say(`kubectl: building it from test/cluster/k8s-tools into ${binDir}`);
      const built = spawnSync(
        findCommand('go') ?? 'go',
        [
          'build',
          '-mod=readonly',
          '-trimpath',
          '-ldflags',
          '-s -w',
          '-o',
          path.join(binDir, 'kubectl'),
          'k8s.io/kubernetes/cmd/kubectl',
        ],
        {
          cwd: path.join(repoRoot, 'test/cluster/k8s-tools'),
          stdio: 'inherit',
          env: { ...process.env, GOWORK: 'off', GOTOOLCHAIN: 'local', CGO_ENABLED: '0' },
        },
      );
      if (built.status !== 0) return undefined;
      pathAdditions.push(binDir);
    }
  }
  if (!env.HELM_BIN) {
    say('helm: bash charts/build-helm.sh (cached by version; a cold build takes about 3 min)');
    const helm = buildScript('charts/build-helm.sh', 'helm');
    if (!helm) return undefined;
    pathAdditions.push(path.dirname(helm));
  }
  return pathAdditions;
}
