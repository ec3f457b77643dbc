/**
 * Start-up cost (#18): a stdio server loads neither the HTTP transport (the SDK's node adapter, the auth gate) nor
 * prom-client, which only /metrics over HTTP reads; neither start loads plex.tv's client. Proven on real
 * `server/main.ts` processes with every loaded module recorded (test/support/loaded-modules-hook.ts); the HTTP
 * start is the control that shows the record holds them when they are loaded.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INITIALIZED_NOTIFICATION,
  initializeRequest,
  toolsListRequest,
} from '../../support/raw-mcp-messages.ts';
import { randomToken } from './support/mcp-harness.ts';
import { MAIN_TS, REPO_ROOT, spawnServer } from './support/spawn-server.ts';

const HOOK = path.join(REPO_ROOT, 'test/support/loaded-modules-hook.ts');
const HTTP_ONLY =
  /\/node_modules\/(prom-client|@opentelemetry\/api|@modelcontextprotocol\/node)\/|\/server\/(http-server|http\/create-app|auth\/auth-gate|observability\/metrics)\.ts$/;
/** Loaded on the first call that names a Plex Home profile (home-switch.ts), by neither start. */
const ON_FIRST_USE = /\/server\/auth\/plex-tv\/(plex-tv-client|plex-tv-schemas|server-access)\.ts$/;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'plex-mcp-lazy-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function modulesLoaded(args: string[], env: Record<string, string>): Promise<string[]> {
  const file = path.join(dir, `${args.join('') || 'http'}.txt`);
  const server = spawnServer(MAIN_TS, args, {
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
  return (await readFile(file, 'utf8')).split('\n');
}

describe('lazy transports', () => {
  it('a stdio server answers tools/list without loading the HTTP transport or prom-client', async () => {
    const modules = await modulesLoaded(['--stdio'], {});
    expect(modules.some((m) => m.endsWith('/server/stdio.ts'))).toBe(true);
    expect(modules.filter((m) => HTTP_ONLY.test(m))).toEqual([]);
    expect(modules.filter((m) => ON_FIRST_USE.test(m))).toEqual([]);
  });

  it('an HTTP server loads them (control: the record sees them when they are there)', async () => {
    const modules = await modulesLoaded([], {
      AUTH_TOKEN: randomToken(32),
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: '0',
    });
    for (const part of [
      'prom-client/',
      '@modelcontextprotocol/node/',
      '/server/http-server.ts',
      '/auth/auth-gate.ts',
    ])
      expect(modules.some((m) => m.includes(part))).toBe(true);
    expect(modules.filter((m) => ON_FIRST_USE.test(m))).toEqual([]);
  });
});
