/**
 * The MCP Inspector's CLI (`@modelcontextprotocol/inspector`, pinned below) for probes such as `--app-info`. It is not
 * a dev dependency: it brings ~110 MB (vite, react, ink) that no other test needs, so it is installed from the npm
 * registry on first use into the shared cache outside the repo (like .ci/node.sh's Node) and reused after that.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheRoot } from '../../.ci/with-node.mjs';

const run = promisify(execFile);

export const INSPECTOR_VERSION = '2.12.0';

const prefix = join(cacheRoot(), `inspector-${INSPECTOR_VERSION}`);
const CLI = join(prefix, 'node_modules/@modelcontextprotocol/inspector/clients/cli/build/index.js');

/** The CLI's entry script, installing the pinned package first when the cache does not have it. */
export async function inspectorCli(): Promise<string> {
  if (existsSync(CLI)) return CLI;
  mkdirSync(prefix, { recursive: true });
  try {
    await run(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        `@modelcontextprotocol/inspector@${INSPECTOR_VERSION}`,
      ],
      { timeout: 600_000 },
    );
  } catch (error) {
    throw new Error(
      `could not install @modelcontextprotocol/inspector@${INSPECTOR_VERSION} from the npm registry into ${prefix}: ` +
        String((error as { stderr?: string }).stderr ?? error),
    );
  }
  if (!existsSync(CLI)) throw new Error(`the Inspector package has no CLI at ${CLI}`);
  return CLI;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without blocking this process (the server under test may live in it). */
export async function runInspector(args: string[]): Promise<CliRun> {
  const cli = await inspectorCli();
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}
