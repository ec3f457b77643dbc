/**
 * Where the control-plane binaries are. build.sh owns the cache layout (a directory keyed by the Go pins), so we
 * ask it (`--print-bin-dir`) instead of re-deriving the key here. `PLEX_MCP_K8S_BIN_DIR` overrides, e.g. to try
 * binaries built some other way.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const COMPONENTS = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok',
] as const;
export type Component = (typeof COMPONENTS)[number];

export const BUILD_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'build.sh');

export class MissingBinariesError extends Error {
  override name = 'MissingBinariesError';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The bin dir build.sh uses for the current pins (whether or not it is built yet). */
export function expectedBinDir(): string {
  const explicit = process.env.PLEX_MCP_K8S_BIN_DIR;
  if (explicit) return explicit;
  let output: string;
  try {
    output = execFileSync('bash', [BUILD_SCRIPT, '--print-bin-dir'], { encoding: 'utf8' });
  } catch (error) {
    // Exit status 1 means "not built"; the path is still printed on stdout.
    output = String((error as { stdout?: string }).stdout ?? '');
  }
  const dir = output.trim().split('\n').pop();
  if (!dir) throw new Error(`${BUILD_SCRIPT} --print-bin-dir printed nothing`);
  return dir;
}

/** Absolute paths of every component, or MissingBinariesError naming build.sh. */
export function findControlPlaneBinaries(): Record<Component, string> {
  const dir = expectedBinDir();
  const paths = Object.fromEntries(COMPONENTS.map((c) => [c, path.join(dir, c)])) as Record<
    Component,
    string
  >;
  const missing = COMPONENTS.filter((c) => !isExecutable(paths[c]));
  if (missing.length > 0) {
    throw new MissingBinariesError(
      `Kubernetes control-plane binaries missing in ${dir}: ${missing.join(', ')}. ` +
        `Build them once with: bash test/cluster/build.sh (10-20+ min cold on 2 cores; cached afterwards).`,
    );
  }
  return paths;
}
