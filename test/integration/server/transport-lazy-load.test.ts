/**
 * Start-up cost (#18): a stdio server loads neither the HTTP transport (the SDK's node adapter, the auth gate) nor
 * prom-client, which only /metrics over HTTP reads; neither start loads plex.tv's client, and an HTTP start of the
 * default configuration (AUTH_MODE=bearer, no REDIS_URL) loads neither OAuth, the Plex sign-in nor Redis. Proven on
 * real server processes with every loaded module recorded (test/support/loaded-modules-hook.ts), started from
 * source (server/main.ts) and from the production bundle (.ci/build/server-bundle.ts), whose chunks are read back
 * into the source modules they hold (test/support/bundle-modules.ts): a lazy `import()` the bundle inlined into a
 * chunk every start loads would fail here. The HTTP start and an OAuth start are the controls that show the record
 * holds modules when they are loaded.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../.ci/build/build.ts';
import { BUNDLE_WORKING_DIR } from '../../../.ci/build/server-bundle.ts';
import { sourceModulesOf } from '../../support/bundle-modules.ts';
import {
  INITIALIZED_NOTIFICATION,
  initializeRequest,
  toolsListRequest,
} from '../../support/raw-mcp-messages.ts';
import { OAUTH_ONLY, PLEX_SIGN_IN_ONLY, REDIS_ONLY } from './support/lazy-modules.ts';
import { randomToken } from './support/mcp-harness.ts';
import { MAIN_TS, REPO_ROOT, spawnServer } from './support/spawn-server.ts';

const HOOK = path.join(REPO_ROOT, 'test/support/loaded-modules-hook.ts');
const HTTP_ONLY =
  /\/node_modules\/(prom-client|@opentelemetry\/api|@modelcontextprotocol\/node)\/|\/server\/(http-server|http\/create-app|auth\/auth-gate|observability\/metrics)\.ts$/;
/** Loaded on the first call that names a Plex Home profile (home-switch.ts), by neither start. */
const ON_FIRST_USE = /\/server\/auth\/plex-tv\/(plex-tv-client|plex-tv-schemas|server-access)\.ts$/;

let dir: string;
/** The bundle's directory (inside the repo, so the packages it leaves external resolve) and its metafile. */
let bundleDir: string;
let metafile: Metafile;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'plex-mcp-lazy-'));
  bundleDir = path.join(REPO_ROOT, '.vitest-cache', `lazy-load-bundle-${process.pid}`);
  metafile = await buildServer(path.join(bundleDir, 'server'));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(bundleDir, { recursive: true, force: true });
});

interface Build {
  name: string;
  /** Names its record files. */
  key: string;
  entry(): string;
  /** The source modules behind the loaded URLs. */
  sources(loaded: string[]): string[];
}

const BUILDS: Build[] = [
  { name: 'from source (server/main.ts)', key: 'source', entry: () => MAIN_TS, sources: (loaded) => loaded },
  {
    name: 'the production bundle',
    key: 'bundle',
    entry: () => path.join(bundleDir, 'server/main.js'),
    sources: (loaded) => sourceModulesOf(loaded, metafile, BUNDLE_WORKING_DIR),
  },
];

async function modulesLoaded(build: Build, args: string[], env: Record<string, string>): Promise<string[]> {
  const file = path.join(dir, `${build.key}-${args.join('') || 'http'}-${Object.keys(env).join('')}.txt`);
  const server = spawnServer(build.entry(), args, {
    NODE_OPTIONS: `--import=${HOOK}`,
    LOADED_MODULES_FILE: file,
    PLEX_SERVER_URL: 'http://127.0.0.1:9',
    PLEX_TOKEN: 'probe-plex-token',
    LOG_LEVEL: 'info',
    CACHE_ENABLED: 'false',
    ...env,
  });
  try {
    if (args.includes('--stdio')) {
      const send = (message: object) => server.child.stdin?.write(`${JSON.stringify(message)}\n`);
      send(initializeRequest('probe'));
      send(INITIALIZED_NOTIFICATION);
      send(toolsListRequest(2));
      const deadline = Date.now() + 15_000;
      while (!server.stdout().includes('"id":2') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(server.stdout()).toContain('"tools"');
    } else {
      await server.listening();
    }
  } finally {
    await server.stop();
  }
  return build.sources((await readFile(file, 'utf8')).split('\n'));
}

const httpEnv = () => ({
  AUTH_TOKEN: randomToken(32),
  SERVER_HOST: '127.0.0.1',
  SERVER_PORT: '0',
});

describe.each(BUILDS)('lazy transports, $name', (build) => {
  it('a stdio server answers tools/list without loading the HTTP transport or prom-client', async () => {
    const modules = await modulesLoaded(build, ['--stdio'], {});
    expect(modules.some((m) => m.endsWith('/server/stdio.ts'))).toBe(true);
    expect(modules.filter((m) => HTTP_ONLY.test(m))).toEqual([]);
    expect(modules.filter((m) => ON_FIRST_USE.test(m))).toEqual([]);
    expect(
      modules.filter((m) => OAUTH_ONLY.test(m) || PLEX_SIGN_IN_ONLY.test(m) || REDIS_ONLY.test(m)),
    ).toEqual([]);
  });

  it('an HTTP server loads them (control: the record sees them when they are there), and no OAuth or Redis', async () => {
    const modules = await modulesLoaded(build, [], httpEnv());
    for (const part of [
      'prom-client/',
      '@modelcontextprotocol/node/',
      '/server/http-server.ts',
      '/auth/auth-gate.ts',
    ])
      expect(modules.some((m) => m.includes(part))).toBe(true);
    expect(modules.filter((m) => ON_FIRST_USE.test(m))).toEqual([]);
    expect(
      modules.filter((m) => OAUTH_ONLY.test(m) || PLEX_SIGN_IN_ONLY.test(m) || REDIS_ONLY.test(m)),
    ).toEqual([]);
  });

  it('AUTH_MODE=bearer+oauth loads the OAuth verifier (control), still not the Plex sign-in', async () => {
    const modules = await modulesLoaded(build, [], {
      ...httpEnv(),
      AUTH_MODE: 'bearer+oauth',
      MCP_PUBLIC_URL: 'http://127.0.0.1:9/mcp',
      OAUTH_ISSUER: 'http://127.0.0.1:9',
    });
    expect(modules.some((m) => m.endsWith('/server/auth/oauth-verifier.ts'))).toBe(true);
    expect(modules.some((m) => /\/node_modules\/jose\//.test(m))).toBe(true);
    expect(modules.filter((m) => PLEX_SIGN_IN_ONLY.test(m))).toEqual([]);
  });
});
