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

const PACKAGE_JSON = createRequire(import.meta.url).resolve('@modelcontextprotocol/conformance/package.json');
const RUN_TIMEOUT_MS = 45_000;
const run = promisify(execFile);

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

async function suitePackage(): Promise<{ version: string; cli: string }> {
  const pkg = JSON.parse(await readFile(PACKAGE_JSON, 'utf8')) as {
    version: string;
    bin: { conformance: string };
  };
  return { version: pkg.version, cli: path.join(path.dirname(PACKAGE_JSON), pkg.bin.conformance) };
}

/** The installed suite's version (the baseline is written for one version). */
export async function conformanceSuiteVersion(): Promise<string> {
  return (await suitePackage()).version;
}

/** Runs the suite's CLI to its end (exit code 1 is an answer here, not an error: the suite found failures). */
async function runCli(args: string[]): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const { cli } = await suitePackage();
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

/** Every server scenario the installed suite has (`conformance list --server`), pending ones included. */
export async function conformanceServerScenarios(): Promise<string[]> {
  const { exitCode, stdout, stderr } = await runCli(['list', '--server']);
  if (exitCode !== 0) throw new Error(`conformance list failed (${exitCode}): ${stderr}`);
  return [...stdout.matchAll(/^\s+- (\S+)/gm)].map((m) => m[1] as string);
}

// `server-<scenario>-2026-12-02T13-26-14-850Z`
const RESULT_DIR = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

/**
 * Runs every server scenario (`--suite all`: the active ones and the pending ones) against `url`, with
 * `expectedFailures` as the suite's own baseline file, and returns each scenario's checks.
 */
export async function runConformanceSuite(url: string, expectedFailures: string[]): Promise<ConformanceRun> {
  const work = await mkdtemp(path.join(tmpdir(), 'plex-mcp-conformance-'));
  try {
    const baseline = path.join(work, 'expected-failures.yml');
    // JSON is YAML: the suite reads `{ server: [scenario, ...] }`.
    await writeFile(baseline, JSON.stringify({ server: expectedFailures }));
    const output = path.join(work, 'results');
    const args = ['server', '--url', url, '--suite', 'all', '--expected-failures', baseline, '-o', output];
    const { exitCode, stdout, stderr } = await runCli(args);
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

/** The suite's own rule for its baseline: a scenario fails when one of its checks fails or warns. */
export function passed(checks: readonly ConformanceCheck[]): boolean {
  return !checks.some((c) => c.status === 'FAILURE' || c.status === 'WARNING');
}

/** What a scenario found, without timestamps, details or INFO traffic: comparable between two runs. */
export function findingsOf(checks: readonly ConformanceCheck[]): string[] {
  return checks
    .filter((c) => c.status !== 'INFO')
    .map((c) => `${c.id} ${c.status}${c.errorMessage ? `: ${c.errorMessage}` : ''}`);
}
