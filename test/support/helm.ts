// Finds (or builds, once) the helm binary that charts/build-helm.sh puts in the cache outside the repo,
// and renders the chart with it. Shared by the chart unit tests and the chart cluster tests.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const chartDir = resolve(repoRoot, 'charts/plex-mcp-operator');

let helmPath: string | undefined;

/**
 * The helm binary: $HELM_BIN when set, else charts/build-helm.sh's cached build (which builds it from the
 * Go module proxy on first use; minutes, so callers give their hook a long timeout).
 */
export function helmBinary(): string {
  if (helmPath) return helmPath;
  if (process.env.HELM_BIN) {
    helmPath = process.env.HELM_BIN;
    return helmPath;
  }
  const printed = execFileSync('bash', [resolve(repoRoot, 'charts/build-helm.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  helmPath = printed.trim().split('\n').at(-1) as string;
  return helmPath;
}

export function helm(args: string[]): string {
  return execFileSync(helmBinary(), args, {
    encoding: 'utf8',
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
};

/** `helm template` with --set style overrides, parsed into objects. */
export function renderChart(
  options: { release?: string; namespace?: string; set?: string[]; values?: string } = {},
): K8sObject[] {
  const args = [
    'template',
    options.release ?? 'plex-mcp-operator',
    chartDir,
    '--namespace',
    options.namespace ?? 'plex-mcp-system',
  ];
  for (const s of options.set ?? []) args.push('--set', s);
  if (options.values) args.push('--values', options.values);
  return parseManifests(helm(args));
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors[0]?.message);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}
