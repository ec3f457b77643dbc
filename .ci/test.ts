// `npm test`: sets up what the suite needs (.ci/provision.ts says what it installs), then lint, type check and
// every vitest project. Arguments after `npm test --` go to vitest instead, without lint and type check
// (`npm test -- --project unit`).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { findCommand, provisionBuiltTools, provisionSystemTools } from './provision.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');
const vitestArgs = process.argv.slice(2);

function step(title: string, command: string, args: string[], env: NodeJS.ProcessEnv): void {
  process.stderr.write(`\n== ${title}: ${[path.basename(command), ...args].join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', env });
  if (result.status !== 0) {
    process.stderr.write(`npm test: ${title} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status ?? 1);
  }
}

process.stderr.write(`setup: using node ${process.version} (${process.execPath})\n`);
if (!provisionSystemTools()) process.exit(1);
// The Go SDK's usual home is not on a non-login shell's PATH (CI); the build scripts need `go`.
const go = findCommand('go');
if (go) process.env.PATH = `${process.env.PATH}${path.delimiter}${path.dirname(go)}`;
const additions = provisionBuiltTools();
if (!additions) process.exit(1);
const env = {
  ...process.env,
  PATH: [...additions, process.env.PATH ?? ''].join(path.delimiter),
};

const bin = (name: string) => path.join(repoRoot, 'node_modules/.bin', name);
if (vitestArgs.length === 0) {
  step('lint', bin('biome'), ['check', '.'], env);
  step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'], env);
}
step('vitest', bin('vitest'), ['run', ...vitestArgs], env);
