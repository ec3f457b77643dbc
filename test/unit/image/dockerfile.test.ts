// What can be checked about the image without a container engine: the Dockerfile's structure, that every
// file it copies exists and reaches the build context, that it runs as a non-root user, and that the
// launcher scripts it writes dispatch to the right program. The kind end-to-end script builds it for real.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copies, includedInContext, parseDockerfile, type Stage } from './dockerfile.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');
const dockerfileText = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8');
const { stages } = parseDockerfile(dockerfileText);
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  version: string;
};

function stage(name: string): Stage {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage named ${name}`);
  return found;
}
const runs = (s: Stage) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const runtime = stages.at(-1) as Stage;

describe('Dockerfile', () => {
  it('is multi-stage on Node 24 and ends with the runtime stage', () => {
    expect(stages.map((s) => s.name)).toEqual(['deps', 'build', 'plex-sim', 'runtime']);
    expect(dockerfileText).toMatch(/^ARG NODE_IMAGE=node:24-[a-z-]+$/m);
    for (const s of stages) expect(s.base).toBe(['$', '{NODE_IMAGE}'].join(''));
  });

  it('builds with all dependencies and ships production dependencies only', () => {
    const build = runs(stage('build'));
    expect(build.some((r) => /\bnpm ci\b/.test(r) && !r.includes('--omit=dev'))).toBe(true);
    expect(build.some((r) => /\bnpm run build\b/.test(r))).toBe(true);
    expect(runs(stage('deps')).some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).toBe(true);
    const runtimeCopies = copies(runtime);
    expect(runtimeCopies.find((c) => c.destination === './node_modules')?.from).toBe('deps');
    expect(runtimeCopies.find((c) => c.destination === './dist')?.from).toBe('build');
    // The runtime stage never installs anything itself, so no dev dependency can slip in.
    expect(runs(runtime).some((r) => /\bnpm (ci|install)\b/.test(r))).toBe(false);
  });

  it('copies only files that exist and that .dockerignore lets into the context', () => {
    const checked: string[] = [];
    for (const s of stages) {
      for (const copy of copies(s)) {
        if (copy.from) {
          expect(
            stages.some((other) => other.name === copy.from),
            `COPY --from=${copy.from} (line ${copy.line})`,
          ).toBe(true);
          continue;
        }
        for (const source of copy.sources) {
          const path = source.replace(/\/$/, '');
          expect(existsSync(join(repoRoot, path)), `${path} (line ${copy.line}) exists`).toBe(true);
          expect(includedInContext(dockerignore, path), `${path} is in the build context`).toBe(true);
          checked.push(path);
        }
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'server', 'operator', 'cdk8s', 'crds']),
    );
  });

  it('keeps local state and secrets out of the build context', () => {
    for (const path of [
      '.git/config',
      'node_modules/zod/package.json',
      'dist/server/main.js',
      '.cluster/kubeconfig',
    ]) {
      expect(includedInContext(dockerignore, path), path).toBe(false);
    }
    expect(includedInContext(dockerignore, 'server/main.ts')).toBe(true);
    expect(includedInContext(dockerignore, 'server/main.test.ts')).toBe(false);
  });

  it('runs as the non-root uid 10001, with the CRDs, labels and no HEALTHCHECK', () => {
    const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users.at(-1)).toBe('10001:10001');
    expect(
      stage('plex-sim')
        .instructions.filter((i) => i.keyword === 'USER')
        .at(-1)?.args,
    ).toBe('10001:10001');
    expect(copies(runtime).some((c) => c.sources.includes('crds') && !c.from)).toBe(true);
    expect(dockerfileText).not.toMatch(/^HEALTHCHECK/m);
    const labels = runtime.instructions
      .filter((i) => i.keyword === 'LABEL')
      .map((i) => i.args)
      .join(' ');
    for (const key of ['title', 'description', 'licenses', 'version', 'revision']) {
      expect(labels).toContain(`org.opencontainers.image.${key}=`);
    }
  });

  it("labels the image with the MCP Registry name, which is package.json's mcpName", () => {
    const labels = runtime.instructions
      .filter((i) => i.keyword === 'LABEL')
      .map((i) => i.args)
      .join(' ');
    expect(labels).toMatch(/io\.modelcontextprotocol\.server\.name="\$\{MCP_NAME\}"/);
    const mcpName = /^ARG MCP_NAME=(.+)$/m.exec(dockerfileText)?.[1];
    expect(mcpName).toBe((packageJson as { mcpName?: string }).mcpName);
  });

  it('launches the same files package.json names as bins', () => {
    expect(packageJson.bin).toEqual({
      // `npx <package>` runs the bin named like the package: the server, as plex-mcp-server.
      'plex-mcp': 'dist/server/main.js',
      'plex-mcp-server': 'dist/server/main.js',
      'plex-mcp-operator': 'dist/operator/main.js',
    });
    const launchers = runs(runtime).join(' ');
    for (const [bin, file] of Object.entries(packageJson.bin).filter(([name]) => name !== 'plex-mcp')) {
      expect(launchers).toContain(`exec node /app/${file} "$@"\\n' > /usr/local/bin/${bin}`);
    }
    const entrypoint = runtime.instructions.find((i) => i.keyword === 'ENTRYPOINT')?.args;
    const cmd = runtime.instructions.find((i) => i.keyword === 'CMD')?.args;
    expect(JSON.parse(entrypoint ?? 'null')).toEqual(['plex-mcp-entrypoint']);
    expect(JSON.parse(cmd ?? 'null')).toEqual(['plex-mcp-server']);
  });
});

describe('the image entrypoint dispatcher', () => {
  // Recreate the scripts exactly as the Dockerfile's RUN does (its printf lines, run by sh), in a temp dir,
  // with stand-in programs that print which one ran and with which arguments.
  const dir = mkdtempSync(join(tmpdir(), 'plex-mcp-entrypoint-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const printfs = runs(runtime)
    .join(' && ')
    .split('&&')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('printf') && s.includes('plex-mcp-entrypoint'));

  function dispatch(args: string[]): string {
    return execFileSync(join(dir, 'plex-mcp-entrypoint'), args, {
      env: { PATH: `${dir}:/usr/bin:/bin` },
      encoding: 'utf8',
    }).trim();
  }

  it('sends program names to that program and everything else to the server', () => {
    expect(printfs).toHaveLength(1);
    const script = (printfs[0] as string).replace(
      '/usr/local/bin/plex-mcp-entrypoint',
      join(dir, 'plex-mcp-entrypoint'),
    );
    execFileSync('sh', ['-c', script]);
    chmodSync(join(dir, 'plex-mcp-entrypoint'), 0o755);
    for (const program of ['plex-mcp-server', 'plex-mcp-operator']) {
      writeFileSync(join(dir, program), `#!/bin/sh\necho ${program} "$@"\n`, { mode: 0o755 });
    }
    expect(dispatch(['plex-mcp-server'])).toBe('plex-mcp-server');
    expect(dispatch(['--stdio'])).toBe('plex-mcp-server --stdio');
    expect(dispatch(['plex-mcp-operator', '--leader-elect', '--namespaces=a,b'])).toBe(
      'plex-mcp-operator --leader-elect --namespaces=a,b',
    );
    expect(dispatch(['sh', '-c', 'echo shell'])).toBe('shell');
  });
});
