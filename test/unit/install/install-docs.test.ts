// The install docs say what the tests prove: the README's exposure snippets are valid PlexMcpServer specs, its client
// configs are valid JSON that start the package the way test/integration/package/npm-package.test.ts does, and the
// CHANGELOG keeps the Keep a Changelog shape with this version in it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parsePlexMcpServer } from '../../../operator/api/v1alpha1/index.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const section = (from: string, to: string) =>
  readme.slice(readme.indexOf(from), readme.indexOf(to, readme.indexOf(from)));
const blocks = (text: string, lang: string) =>
  [...text.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) =>
    (m[1] as string).replace(/^ {2,3}/gm, ''),
  );

describe('install docs', () => {
  it("the exposure snippets are specs the operator's API accepts", () => {
    const example = parse(readFileSync(path.join(repoRoot, 'examples/plexmcpserver.yaml'), 'utf8')) as {
      spec: Record<string, unknown>;
    };
    const snippets = blocks(
      section('**6. Expose it beyond the cluster**', '### The same quick start'),
      'yaml',
    );
    expect(snippets.length).toBe(2);
    for (const snippet of snippets) {
      const spec = (parse(snippet) as { spec: Record<string, unknown> }).spec;
      const parsed = parsePlexMcpServer({ ...example, spec: { ...example.spec, ...spec } });
      expect(parsed.ok, `${snippet}\n${parsed.ok ? '' : parsed.errors.join('\n')}`).toBe(true);
    }
  });

  it('the client configs are JSON and start the package as the npm package test does', () => {
    const configs = blocks(section('## Connect a client', '## Connect from claude.ai'), 'json').map(
      (text) => JSON.parse(text) as { mcpServers: Record<string, { command?: string; args?: string[] }> },
    );
    const stdio = configs
      .flatMap((c) => Object.values(c.mcpServers))
      .filter((s) => s.args?.includes('--stdio'));
    expect(stdio.length).toBeGreaterThanOrEqual(2);
    for (const server of stdio)
      expect([server.command, ...(server.args ?? [])]).toEqual(['npx', '-y', pkg.name, '--stdio']);
    expect(readme).toContain(`-- npx -y ${pkg.name} --stdio`);
    expect(readme).toContain(`dist/${pkg.name}-${pkg.version}.mcpb`);
  });

  it('the CHANGELOG follows Keep a Changelog and lists this version', () => {
    const changelog = readFileSync(path.join(repoRoot, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(/keepachangelog\.com/);
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    expect(changelog).toMatch(
      new RegExp(`^## \\[${pkg.version.replaceAll('.', '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'),
    );
    const headings = [...changelog.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    for (const heading of headings)
      expect(['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security']).toContain(heading);
    expect(changelog).toMatch(/^\[Unreleased\]: /m);
  });
});
