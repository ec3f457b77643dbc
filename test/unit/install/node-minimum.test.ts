// One Node minimum everywhere: package.json's engines.node is what .ci/with-node.mjs enforces, it satisfies every
// installed dependency's own engines range (so no dependency refuses the Node we call enough), the Node 24 builds the
// bootstrap provisions satisfy it too, and the README says the same number.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { NODE_PACKAGES, requiredNode } from '../../../.ci/with-node.mjs';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string }; optional?: boolean }>;
};
const minimum = `${(requiredNode() as number[]).join('.')}.0`;

describe('the Node minimum', () => {
  it('is read from engines.node by the bootstrap', () => {
    expect(pkg.engines.node).toBe(`>=${minimum.replace(/\.0$/, '')}`);
  });

  it("satisfies every dependency's engines range", () => {
    const refused = Object.entries(lock.packages)
      .filter(([name, p]) => name && p.engines?.node)
      .filter(([, p]) => !semver.satisfies(minimum, p.engines?.node as string))
      .map(([name, p]) => `${name} ${p.engines?.node}`);
    expect(refused).toEqual([]);
  });

  it('is met by every Node the bootstrap provisions, and by no older major', () => {
    for (const spec of Object.values(NODE_PACKAGES as Record<string, string>)) {
      const version = spec.slice(spec.lastIndexOf('@') + 1);
      expect(semver.gte(version, minimum), spec).toBe(true);
    }
    expect(semver.satisfies('20.19.5', pkg.engines.node)).toBe(false);
  });

  it('is the one the README states', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const stated = [...readme.matchAll(/Node (\d+\.\d+)\+/g)].map((m) => m[1]);
    expect(stated.length).toBeGreaterThan(0);
    expect(new Set(stated)).toEqual(new Set([minimum.replace(/\.0$/, '')]));
  });
});
