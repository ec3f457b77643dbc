// Reads a fenced `sh` block of README.md between `<!-- <marker>:begin ... -->` and `<!-- <marker>:end -->`, and
// runs its lines with bash, so tests follow exactly the commands a reader copies.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cluster-support.ts';

/** The block's shell lines in order, with comments (`  # ...`) and blank lines removed. */
export function readmeCommands(
  marker: string,
  readme = readFileSync(join(repoRoot, 'README.md'), 'utf8'),
): string[] {
  const begin = readme.indexOf(`<!-- ${marker}:begin`);
  const end = readme.indexOf(`<!-- ${marker}:end -->`);
  if (begin < 0 || end < begin) throw new Error(`README.md has no ${marker} block`);
  const fenced = /```sh\n([\s\S]*?)```/.exec(readme.slice(begin, end))?.[1] ?? '';
  return fenced
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Runs one README line with bash (errexit, pipefail) in the repository; returns stdout or throws with stderr. */
export function runReadmeCommand(command: string, env: NodeJS.ProcessEnv, context = ''): string {
  try {
    return execFileSync('bash', ['-euo', 'pipefail', '-c', command], {
      cwd: repoRoot,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 150_000,
    });
  } catch (error) {
    const failed = error as { stderr?: string; stdout?: string; status?: number };
    throw new Error(
      `README command failed (exit ${failed.status}): ${command}\n${failed.stderr ?? ''}${failed.stdout ?? ''}${context}`,
    );
  }
}
