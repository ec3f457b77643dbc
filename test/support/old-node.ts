/**
 * A Node older than the project's minimum, as a new user's machine has it (Debian bookworm and these machines ship
 * Node 20): the system one when it is old, else node-<os>-<arch>@20 from the npm registry, installed once into the
 * cache outside the repo. Tests put its directory first on PATH to prove that `npm run ...` provisions its own Node.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { installNodePackage } from '../../.ci/with-node.mjs';

const OLD_NODE_PACKAGE = `node-${process.platform}-${process.arch}@20.19.5`;

function majorOf(node: string): number {
  const printed = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return printed.status === 0 ? Number(printed.stdout.split('.')[0]) : 0;
}

/** A directory whose `node` is older than 22 (and holds nothing else that matters on PATH). */
export function oldNodeBinDir(): string {
  for (const dir of ['/usr/bin', '/usr/local/bin']) {
    const node = path.join(dir, 'node');
    if (existsSync(node) && majorOf(node) > 0 && majorOf(node) < 22) return dir;
  }
  const installed = installNodePackage(OLD_NODE_PACKAGE);
  if (!installed.binDir)
    throw new Error(`could not install ${OLD_NODE_PACKAGE} (npm exited ${installed.npmStatus})`);
  return installed.binDir;
}

/** PATH with an old Node first and no directory that holds a newer one (so nothing can fall back to it). */
export function pathWithOldNodeFirst(): string {
  const oldDir = oldNodeBinDir();
  const rest = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => {
    if (!dir || dir === oldDir) return false;
    const node = path.join(dir, 'node');
    return !existsSync(node) || majorOf(node) < 22;
  });
  return [oldDir, ...rest].join(path.delimiter);
}
