// hadolint (from PyPI, test/support/hadolint.ts) finds nothing in the Dockerfile. In the `tools` project: it needs a
// tool the machine does not ship; the Dockerfile's structure is checked in test/unit/image/dockerfile.test.ts.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hadolintBinary } from '../../support/hadolint.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');

describe('hadolint', () => {
  it('finds nothing in the Dockerfile, down to style level', () => {
    const result = spawnSync(hadolintBinary(), ['--no-color', '--failure-threshold', 'style', 'Dockerfile'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 300_000);
});
