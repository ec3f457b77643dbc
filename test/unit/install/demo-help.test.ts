// `npm run demo -- --help` prints its options on stdout, exits 0, and the README's option list is that text.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const demo = path.join(repoRoot, 'test/plex-sim/demo.ts');

describe('demo --help and --version', { timeout: 30_000 }, () => {
  it('prints the options on stdout, and the README lists the same ones', () => {
    const help = spawnSync(process.execPath, [demo, '--help'], { encoding: 'utf8' });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stderr).toBe('');
    const options = help.stdout
      .split('\n')
      .filter((l) => l.startsWith('  --'))
      .map((l) => l.trim());
    expect(options.length).toBeGreaterThanOrEqual(4);
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const block = /<!-- demo-help:begin[^>]*-->\s*```text\n([\s\S]*?)```\s*<!-- demo-help:end -->/.exec(
      readme,
    );
    expect(block, 'README demo-help block').not.toBeNull();
    expect((block?.[1] ?? '').trim().split('\n')).toEqual(options);
  });

  it('prints the version on stdout', () => {
    const version = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version;
    const printed = spawnSync(process.execPath, [demo, '--version'], { encoding: 'utf8' });
    expect(printed.status).toBe(0);
    expect(printed.stdout).toContain(version);
  });

  it('refuses an unknown option and a bad number with exit 2 and the reason', () => {
    const unknown = spawnSync(process.execPath, [demo, '--nope'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/--nope/);
    const bad = spawnSync(process.execPath, [demo, '--items', 'many'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--items must be a whole number/);
  });
});
