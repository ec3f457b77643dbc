// The images the smoke test builds on, made locally because no container registry is reachable here:
// - a Debian bookworm minbase layer from mmdebstrap (Debian packages are reachable),
// - `node`: that layer plus Node 24's official binary from the npm registry package node-linux-<arch> and npm from
//   `npm pack npm@…`, the equivalent of node:24-bookworm-slim (no `node` user, no yarn/corepack: the Dockerfile
//   uses neither),
// - `redis`: a minbase layer with Debian's redis-server, standing in for the redis image the operator renders.
// Tags carry a hash of their inputs, so each is built once per machine and rebuilt only when a pin changes.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NODE_PACKAGES } from '../../.ci/with-node.mjs';
import type { Podman } from './podman.ts';

/** The npm that goes into the node image (the Dockerfile runs `npm ci` and `npm run build` with it). */
const NPM_SPEC = 'npm@11.21.2';
const SUITE = 'bookworm';

export interface BaseImages {
  node: string;
  redis: string;
  /** Seconds spent building images that were not cached yet (0 when all were). */
  builtSeconds: number;
}

function nodeSpec(): string {
  const arch = process.arch === 'x64' ? 'x64' : process.arch === 'arm64' ? 'arm64' : undefined;
  const spec = arch && (NODE_PACKAGES as Record<string, string>)[`linux-${arch}`];
  if (!spec) throw new Error(`no Node package for linux-${process.arch}`);
  return spec;
}

function key(...parts: string[]): string {
  const self = readFileSync(import.meta.filename, 'utf8');
  return createHash('sha256')
    .update([self, ...parts].join('\0'))
    .digest('hex')
    .slice(0, 12);
}

function log(line: string): void {
  process.stderr.write(`[base-images] ${line}\n`);
}

// apt's own deb822 sources file as the mirror argument: the machine's configured mirror (and snapshot pin), and a
// working apt inside. The merged-usr hook avoids usrmerge and full perl (78 instead of 131 MB).
const SOURCES = '/etc/apt/sources.list.d/debian.sources';

function mmdebstrapOptions(include: string[]): string[] {
  return [
    '--variant=minbase',
    `--include=${include.join(',')}`,
    '--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr',
    '--aptopt=Acquire::Check-Valid-Until "false"',
    '--dpkgopt=path-exclude=/usr/share/man/*',
    '--dpkgopt=path-exclude=/usr/share/doc/*',
    '--dpkgopt=path-include=/usr/share/doc/*/copyright',
    '--dpkgopt=path-exclude=/usr/share/locale/*',
    '--dpkgopt=path-exclude=/usr/share/info/*',
    SUITE,
  ];
}

/** A Debian minbase root filesystem with the given extra packages, imported as an image. */
function debianImage(podman: Podman, tag: string, include: string[], work: string): void {
  const tar = path.join(work, `${tag.replace(/[^a-z0-9]+/g, '-')}.tar`);
  const sources = readFileSafe(SOURCES) ? [SOURCES] : [];
  // Its chatter goes to a log, shown only when it fails.
  const result = spawnSync('mmdebstrap', ['--quiet', ...mmdebstrapOptions(include), tar, ...sources], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(
      `mmdebstrap failed (${result.status}): ${`${result.stdout}${result.stderr}`.trim().split('\n').slice(-15).join('\n')}`,
    );
  }
  podman.run(['import', '--quiet', tar, tag]);
  rmSync(tar, { force: true });
}

function readFileSafe(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** bin/node from the npm package and npm itself, laid out as the official image has them under /usr/local. */
function nodeLayer(work: string): string {
  const layer = path.join(work, 'node-layer');
  const packs = path.join(work, 'packs');
  mkdirSync(packs, { recursive: true });
  for (const spec of [nodeSpec(), NPM_SPEC]) {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', packs, spec], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const tgz = (prefix: string) =>
    path.join(
      packs,
      execFileSync('ls', [packs], { encoding: 'utf8' })
        .split('\n')
        .find((f) => f.startsWith(prefix)) as string,
    );
  const bin = path.join(layer, 'usr/local/bin');
  const npmDir = path.join(layer, 'usr/local/lib/node_modules/npm');
  mkdirSync(bin, { recursive: true });
  mkdirSync(npmDir, { recursive: true });
  const nodeDir = path.join(work, 'node-pkg');
  mkdirSync(nodeDir);
  execFileSync('tar', ['-xzf', tgz('node-linux-'), '-C', nodeDir, '--strip-components=1']);
  execFileSync('install', ['-m', '0755', path.join(nodeDir, 'bin/node'), path.join(bin, 'node')]);
  execFileSync('tar', ['-xzf', tgz('npm-'), '-C', npmDir, '--strip-components=1']);
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(bin, 'npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', path.join(bin, 'npx'));
  const tar = path.join(work, 'node-layer.tar');
  execFileSync('tar', ['--owner=0', '--group=0', '-C', layer, '-cf', tar, '.']);
  return tar;
}

/** The tags of the three images for the current pins. */
export function baseImageTags(): { debian: string; node: string; redis: string; containerfile: string } {
  const sources = readFileSafe(SOURCES) ?? '';
  const debian = `localhost/plex-mcp-smoke-debian:${SUITE}-${key(...mmdebstrapOptions(['libatomic1']), sources)}`;
  const containerfile = `FROM ${debian}\nADD node-layer.tar /\nENV NODE_VERSION=${nodeSpec().split('@')[1]}\nCMD ["node"]\n`;
  const node = `localhost/plex-mcp-smoke-node:24-${SUITE}-slim-${key(containerfile, nodeSpec(), NPM_SPEC)}`;
  const redis = `localhost/plex-mcp-smoke-redis:${SUITE}-${key(...mmdebstrapOptions(['redis-server']), sources)}`;
  return { debian, node, redis, containerfile };
}

export function ensureBaseImages(podman: Podman): BaseImages {
  const started = performance.now();
  const { debian, node, redis, containerfile } = baseImageTags();
  const exists = (tag: string) => podman.tryRun(['image', 'exists', tag]).status === 0;
  const work = mkdtempSync(path.join(tmpdir(), 'plex-mcp-base-'));
  let built = false;
  try {
    if (!exists(node)) {
      built = true;
      if (!exists(debian)) {
        log(`building ${debian} with mmdebstrap (once per machine, about 30 s)`);
        debianImage(podman, debian, ['libatomic1'], work);
      }
      log(`building ${node}: ${nodeSpec()} and ${NPM_SPEC} from the npm registry on ${debian}`);
      const tar = nodeLayer(work);
      writeFileSync(path.join(work, 'Containerfile'), containerfile);
      podman.run([
        'build',
        '--quiet',
        '--network',
        'none',
        '-t',
        node,
        '-f',
        path.join(work, 'Containerfile'),
        path.dirname(tar),
      ]);
    }
    if (!exists(redis)) {
      built = true;
      log(`building ${redis} with mmdebstrap (Debian's redis-server; once per machine)`);
      debianImage(podman, redis, ['redis-server'], work);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { node, redis, builtSeconds: built ? (performance.now() - started) / 1000 : 0 };
}
