// What `npx plex-mcp` users get: `npm pack` (which builds dist/ in prepack), installed into an empty directory with
// production dependencies only, runs plex-mcp-server over stdio and HTTP; `npx -y <tarball> --stdio` works with an MCP
// client. Prints the package's size and the install time.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';
import { connectClient, randomToken } from '../server/support/mcp-harness.ts';
import { spawnServer } from '../server/support/spawn-server.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(path.join(tmpdir(), 'plex-mcp-npm-'));
const app = path.join(work, 'app');
let tarball = '';
let sim: PlexSimulator;

/** Only what a user's shell would pass: no repo node_modules/.bin on PATH, no NODE_OPTIONS from vitest. */
function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: (process.env.PATH ?? '')
      .split(path.delimiter)
      .filter((d) => !d.includes('node_modules'))
      .join(path.delimiter),
    HOME: process.env.HOME ?? work,
    ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
    ...extra,
  };
}

async function stdioClient(command: string, args: string[], cwd: string): Promise<Client> {
  const transport = new StdioClientTransport({
    command,
    args,
    cwd,
    env: userEnv({ PLEX_SERVER_URL: sim.url, PLEX_TOKEN: sim.token, LOG_LEVEL: 'warn' }),
    stderr: 'pipe',
  });
  const client = new Client({ name: 'npm-package-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

async function expectWorkingTools(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toContain('list_libraries');
  const libraries = await client.callTool({ name: 'list_libraries', arguments: {} });
  expect(libraries.isError).toBeFalsy();
  expect((libraries.structuredContent as { count: number }).count).toBe(sim.catalog.sections.length);
}

describe('the npm package', () => {
  beforeAll(async () => {
    sim = await startPlexSimulator({ port: 0, token: randomToken() });
    // prepack runs the build, so the tarball carries a fresh dist/.
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    tarball = path.join(work, packed.trim().split('\n').at(-1) as string);
    writeFileSync(path.join(work, '.keep'), '');
    execFileSync('mkdir', ['-p', app]);
    const started = performance.now();
    execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', tarball], {
      cwd: app,
      env: userEnv(),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const seconds = (performance.now() - started) / 1000;
    const du = (dir: string) =>
      Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]) / 1024;
    console.log(
      `npm package: tarball ${(statSync(tarball).size / 1024).toFixed(0)} KiB, installed ${du(path.join(app, 'node_modules/plex-mcp')).toFixed(1)} MiB ` +
        `(${du(path.join(app, 'node_modules')).toFixed(0)} MiB with its dependencies), npm install ${seconds.toFixed(1)} s`,
    );
  }, 600_000);
  afterAll(async () => {
    await sim?.close();
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it('holds the built entry points and no sources, tests or dev dependencies', () => {
    const pkgDir = path.join(app, 'node_modules/plex-mcp');
    expect(existsSync(path.join(pkgDir, 'dist/server/main.js'))).toBe(true);
    expect(existsSync(path.join(pkgDir, 'server'))).toBe(false);
    expect(existsSync(path.join(pkgDir, 'test'))).toBe(false);
    // Every direct devDependency that the lock file marks dev-only (not also needed at run time).
    const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; devDependencies?: Record<string, string> }>;
    };
    const devOnly = Object.keys(lock.packages['']?.devDependencies ?? {}).filter(
      (name) => lock.packages[`node_modules/${name}`]?.dev === true,
    );
    expect(devOnly).toEqual(expect.arrayContaining(['vitest', 'typescript', '@anthropic-ai/mcpb']));
    for (const dev of devOnly) expect(existsSync(path.join(app, 'node_modules', dev)), dev).toBe(false);
    expect(readdirSync(path.join(app, 'node_modules/.bin'))).toEqual(
      expect.arrayContaining(['plex-mcp', 'plex-mcp-server', 'plex-mcp-operator']),
    );
  });

  it('runs plex-mcp-server --stdio for an MCP client', async () => {
    const client = await stdioClient(path.join(app, 'node_modules/.bin/plex-mcp-server'), ['--stdio'], app);
    try {
      await expectWorkingTools(client);
    } finally {
      await client.close();
    }
  });

  it('runs plex-mcp-server over HTTP', async () => {
    const authToken = randomToken(32);
    const server = spawnServer(path.join(app, 'node_modules/plex-mcp/dist/server/main.js'), [], {
      ...userEnv(),
      PLEX_SERVER_URL: sim.url,
      PLEX_TOKEN: sim.token,
      AUTH_TOKEN: authToken,
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: '0',
      LOG_LEVEL: 'info',
    });
    try {
      const port = await server.listening(30_000);
      const client = await connectClient(`http://127.0.0.1:${port}/mcp`, authToken, 'modern');
      try {
        await expectWorkingTools(client);
      } finally {
        await client.close();
      }
    } finally {
      await server.stop();
    }
  });

  // A bare tarball path is run as a file by npx; `file:` makes it a package spec, as `plex-mcp` from the registry is.
  it('works as `npx -y file:<tarball> --stdio`', async () => {
    const empty = mkdtempSync(path.join(work, 'npx-'));
    const npx = spawnSync('npx', ['--version'], { encoding: 'utf8' });
    expect(npx.status, 'npx on PATH').toBe(0);
    const client = await stdioClient('npx', ['-y', `file:${tarball}`, '--stdio'], empty);
    try {
      await expectWorkingTools(client);
    } finally {
      await client.close();
    }
  }, 300_000);
});
