/**
 * Start-up cost: the default AUTH_MODE=bearer must not load jose or any OAuth verification module (they are
 * imported only when an oauth mode is configured). Proven by recording every module a real server process
 * resolves; the oauth-mode run is the control that shows the probe sees them when they are loaded.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OAUTH_ONLY, PLEX_SIGN_IN_ONLY } from './support/lazy-modules.ts';
import { randomToken } from './support/mcp-harness.ts';
import { baseEnv, REPO_ROOT } from './support/spawn-server.ts';

const PROBE = path.join(import.meta.dirname, 'support/module-probe.ts');

async function modulesLoaded(env: Record<string, string>): Promise<{ status: number; modules: string[] }> {
  const child = spawn(process.execPath, [PROBE], {
    cwd: REPO_ROOT,
    env: {
      ...baseEnv(),
      PLEX_SERVER_URL: 'http://127.0.0.1:9',
      PLEX_TOKEN: 'probe-plex-token',
      AUTH_TOKEN: randomToken(32),
      SERVER_PORT: '0',
      LOG_LEVEL: 'silent',
      CACHE_ENABLED: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`probe exited ${code}: ${err}`);
  return JSON.parse(out.trim().split('\n').pop() as string);
}

describe('lazy OAuth', () => {
  it('AUTH_MODE=bearer (the default) serves /mcp without loading jose or the OAuth verifier', async () => {
    const { status, modules } = await modulesLoaded({});
    expect(status).toBe(200);
    expect(modules.some((m) => m.endsWith('/server/app.ts'))).toBe(true);
    expect(modules.filter((m) => OAUTH_ONLY.test(m))).toEqual([]);
    expect(modules.filter((m) => PLEX_SIGN_IN_ONLY.test(m))).toEqual([]);
  });

  it('AUTH_MODE=oauth does not load the authorization server either', async () => {
    const { modules } = await modulesLoaded({
      AUTH_MODE: 'oauth',
      MCP_PUBLIC_URL: 'http://127.0.0.1:9/mcp',
      OAUTH_ISSUER: 'http://127.0.0.1:9',
    });
    expect(modules.filter((m) => PLEX_SIGN_IN_ONLY.test(m))).toEqual([]);
  });

  it('AUTH_MODE=plex loads oidc-provider and the sign-in (control), and /mcp wants a token it issued', async () => {
    const { status, modules } = await modulesLoaded({
      AUTH_MODE: 'plex',
      MCP_PUBLIC_URL: 'http://127.0.0.1:9/mcp',
      PLEX_SIGN_IN_KEY: randomToken(32),
    });
    expect(status).toBe(401);
    expect(modules.some((m) => /\/node_modules\/oidc-provider\//.test(m))).toBe(true);
    expect(modules.some((m) => m.endsWith('/server/auth/sign-in/authorization-server.ts'))).toBe(true);
  });

  it('AUTH_MODE=bearer+oauth loads them (the probe sees them when they are there)', async () => {
    const { status, modules } = await modulesLoaded({
      AUTH_MODE: 'bearer+oauth',
      MCP_PUBLIC_URL: 'http://127.0.0.1:9/mcp',
      OAUTH_ISSUER: 'http://127.0.0.1:9',
    });
    expect(status).toBe(200);
    expect(modules.some((m) => /\/node_modules\/jose\//.test(m))).toBe(true);
    expect(modules.some((m) => m.endsWith('/server/auth/oauth-verifier.ts'))).toBe(true);
  });
});
