/**
 * Runs the official MCP conformance suite (`@modelcontextprotocol/conformance`, its `server` runner, as its own
 * process) against a URL, and reads back what every scenario checked. The suite connects with a bare SDK transport
 * and cannot send an Authorization header, so the caller puts a token-adding proxy (token-proxy.ts) in front of the
 * server and gives the suite the proxy's URL.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const RUN_TIMEOUT_MS = 45_000;
const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** Which installed suite, and which of its server scenarios. */
export interface SuiteSelection {
  packageName: string;
  /** Arguments choosing the scenarios, for `conformance server` (e.g. `['--requirements', '2026-07-28']`). */
  run: string[];
  /** The same choice for `conformance list --server`. */
  list: string[];
}

/** One check as the suite writes it to `<output>/server-<scenario>-<timestamp>/checks.json`. */
export interface ConformanceCheck {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
  details?: Record<string, unknown>;
}

export interface ConformanceRun {
  /** The suite's exit code: 0 when every failure is in the expected-failures file and none of those passed. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Scenario name -> its checks. */
  scenarios: Map<string, ConformanceCheck[]>;
}

async function suitePackage(packageName: string): Promise<{ version: string; cli: string }> {
  const packageJson = require.resolve(`${packageName}/package.json`);
  const pkg = JSON.parse(await readFile(packageJson, 'utf8')) as {
    version: string;
    bin: { conformance: string };
  };
  return { version: pkg.version, cli: path.join(path.dirname(packageJson), pkg.bin.conformance) };
}

/** The installed suite's version (a baseline is written for one version). */
export async function conformanceSuiteVersion(suite: SuiteSelection): Promise<string> {
  return (await suitePackage(suite.packageName)).version;
}

/** Runs the suite's CLI to its end (exit code 1 is an answer here, not an error: the suite found failures). */
async function runCli(
  suite: SuiteSelection,
  args: string[],
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const { cli } = await suitePackage(suite.packageName);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1' };
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env, timeout: RUN_TIMEOUT_MS });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; killed?: boolean; stdout?: string; stderr?: string };
    if (failed.killed)
      throw new Error(`conformance suite did not finish in ${RUN_TIMEOUT_MS} ms: ${failed.stderr}`);
    if (typeof failed.code !== 'number') throw error;
    return { exitCode: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/**
 * The server scenarios `suite.run` selects, from `conformance list --server`: its "Server scenarios" block, and
 * the server scenarios it runs without scoring them (extensions, pending: `- name [server]`).
 */
export async function conformanceServerScenarios(suite: SuiteSelection): Promise<string[]> {
  const { exitCode, stdout, stderr } = await runCli(suite, ['list', '--server', ...suite.list]);
  if (exitCode !== 0) throw new Error(`conformance list failed (${exitCode}): ${stderr}`);
  const block = /Server scenarios[^\n]*\n((?:[ \t]+- .*\n?)+)/.exec(stdout)?.[1] ?? '';
  const listed = [...block.matchAll(/^\s+- (\S+)/gm), ...stdout.matchAll(/^\s+- (\S+) \[server\]$/gm)];
  return listed.map((m) => m[1] as string);
}

// `server-<scenario>-2026-12-02T13-26-14-850Z`
const RESULT_DIR = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

/**
 * Runs the server scenarios `suite.run` selects against `url`, with `expectedFailures` (scenario names) as the
 * suite's own baseline file, and returns each scenario's checks.
 */
export async function runConformanceSuite(
  suite: SuiteSelection,
  url: string,
  expectedFailures: string[],
): Promise<ConformanceRun> {
  const work = await mkdtemp(path.join(tmpdir(), 'plex-mcp-conformance-'));
  try {
    const baseline = path.join(work, 'expected-failures.yml');
    // JSON is YAML: the suite reads `{ server: [scenario, ...] }`.
    await writeFile(baseline, JSON.stringify({ server: expectedFailures }));
    const output = path.join(work, 'results');
    const args = ['server', '--url', url, ...suite.run, '--expected-failures', baseline, '-o', output];
    const { exitCode, stdout, stderr } = await runCli(suite, args);
    const scenarios = new Map<string, ConformanceCheck[]>();
    for (const dir of await readdir(output).catch(() => [])) {
      const name = RESULT_DIR.exec(dir)?.[1];
      if (name === undefined) continue;
      const checks = JSON.parse(await readFile(path.join(output, dir, 'checks.json'), 'utf8'));
      scenarios.set(name, checks as ConformanceCheck[]);
    }
    return { exitCode, stdout, stderr, scenarios };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The suite's own rule for its baseline: a check fails when it fails or warns. */
export function failing(check: ConformanceCheck): boolean {
  return check.status === 'FAILURE' || check.status === 'WARNING';
}

/** What a check says went wrong (some warnings put it in `details.message` only). */
export function messageOf(check: ConformanceCheck): string {
  return check.errorMessage ?? String(check.details?.message ?? '');
}

/** What a scenario found, without timestamps, details or INFO traffic: comparable between two runs. */
export function findingsOf(checks: readonly ConformanceCheck[]): string[] {
  return checks.filter((c) => c.status !== 'INFO').map((c) => `${c.id} ${c.status}: ${messageOf(c)}`);
}
