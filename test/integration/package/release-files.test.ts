// Publishing cannot run here, so its files are checked against what would judge them: the release workflow with
// actionlint (GitHub's workflow syntax, expressions, action inputs), and server.json against the MCP Registry's own
// schema, the one its publisher embeds (github.com/modelcontextprotocol/registry, from the Go module proxy). Both
// checkers are shown to refuse a broken copy, and server.json's names and versions must match package.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCommand } from '../../../.ci/provision.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const REGISTRY_MODULE = 'github.com/modelcontextprotocol/registry@v1.8.9';
const ACTIONLINT = ['actionlint', 'github.com/rhysd/actionlint/cmd/actionlint', 'v1.7.12'];
const workflowFile = path.join(repoRoot, '.github/workflows/release.yml');
const serverJson = JSON.parse(readFileSync(path.join(repoRoot, 'server.json'), 'utf8')) as {
  $schema: string;
  name: string;
  version: string;
  packages: { registryType: string; identifier: string; version?: string }[];
};
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  mcpName: string;
};
const work = mkdtempSync(path.join(tmpdir(), 'plex-mcp-release-'));
const go = findCommand('go') ?? 'go';
let actionlint = '';
let validate: (data: unknown) => boolean;
let schemaErrors: () => string;

beforeAll(() => {
  actionlint = execFileSync('bash', [path.join(repoRoot, '.ci/build-go-tool.sh'), ...ACTIONLINT], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const module = JSON.parse(
    execFileSync(go, ['mod', 'download', '-json', REGISTRY_MODULE], {
      encoding: 'utf8',
      cwd: work,
      env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
    }),
  ) as { Dir: string };
  const version = /schemas\/([\d-]+)\/server\.schema\.json$/.exec(serverJson.$schema)?.[1];
  const schema = JSON.parse(
    readFileSync(path.join(module.Dir, 'internal/validators/schemas', `${version}.json`), 'utf8'),
  ) as object;
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const compiled = ajv.compile(schema);
  validate = (data) => compiled(data) as boolean;
  schemaErrors = () => ajv.errorsText(compiled.errors);
}, 900_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('release files', () => {
  it('the release workflow passes actionlint, and actionlint refuses a broken one', () => {
    const ok = spawnSync(actionlint, [workflowFile], { encoding: 'utf8' });
    expect(ok.status, ok.stdout).toBe(0);
    const broken = path.join(work, 'broken.yml');
    writeFileSync(
      broken,
      readFileSync(workflowFile, 'utf8').replace('runs-on: ubuntu-24.04', 'runs_on: ubuntu-24.04'),
    );
    expect(spawnSync(actionlint, [broken], { encoding: 'utf8' }).status).not.toBe(0);
  });

  it('publishes npm with provenance and a multi-arch image with the MCP name label', () => {
    const workflow = readFileSync(workflowFile, 'utf8');
    expect(workflow).toMatch(/npm publish --provenance/);
    expect(workflow).toMatch(/id-token: write/);
    expect(workflow).toMatch(/platforms: linux\/amd64,linux\/arm64/);
    expect(workflow).toMatch(/io\.modelcontextprotocol\.server\.name=/);
  });

  it("server.json is valid against the registry's schema, which refuses a broken copy", () => {
    expect(validate(serverJson), schemaErrors()).toBe(true);
    expect(validate({ ...serverJson, name: 'no namespace' })).toBe(false);
  });

  it("server.json names the package's mcpName, name and version", () => {
    expect(serverJson.name).toBe(pkg.mcpName);
    expect(serverJson.version).toBe(pkg.version);
    const npm = serverJson.packages.find((p) => p.registryType === 'npm');
    expect(npm).toMatchObject({ identifier: pkg.name, version: pkg.version });
    const oci = serverJson.packages.find((p) => p.registryType === 'oci');
    expect(oci?.identifier).toMatch(new RegExp(`:${pkg.version.replaceAll('.', '\\.')}$`));
  });
});
