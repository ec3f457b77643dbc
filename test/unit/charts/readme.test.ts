// The README is what a cluster user follows: keep it honest about the operator's condition reasons and the
// repository's files. (The quick start's commands themselves run in test/integration/cluster/quickstart-local.)
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONDITION_REASONS } from '../../../operator/api/v1alpha1/constants.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

describe('README', () => {
  it('maps every condition reason the operator reports to a fix', () => {
    // The section ends at the next heading, whatever comes after it (the tools table has rows starting the same way).
    const start = readme.indexOf('## Troubleshooting');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    const documented = rows.map((l) => /^\| `([A-Za-z]+)`/.exec(l)?.[1]);
    expect([...documented].sort()).toEqual([...CONDITION_REASONS].sort());
    for (const row of rows) expect(row.split('|').at(-2)?.trim().length, row).toBeGreaterThan(10);
  });

  it('links and names only files that exist', () => {
    const paths = [...readme.matchAll(/\]\(((?!https?:)[^)#]+)\)/g)].map((m) => m[1] as string);
    paths.push(
      'examples/plexmcpserver.yaml',
      'charts/plex-mcp-operator',
      'test/e2e/kind-e2e.sh',
      'Dockerfile',
    );
    for (const path of paths) expect(existsSync(join(repoRoot, path)), path).toBe(true);
  });

  it('uses npm scripts that exist', () => {
    const scripts = Object.keys(
      (
        JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
          scripts: Record<string, string>;
        }
      ).scripts,
    );
    const used = new Set([...readme.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1] as string));
    for (const script of used) expect(scripts, `npm run ${script}`).toContain(script);
  });

  it('keeps the sections the lead fills in', () => {
    for (const heading of ['## Server configuration', '## Cache, health and metrics', '## Development']) {
      expect(readme).toContain(heading);
    }
  });
});
