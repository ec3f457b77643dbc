/**
 * The operator's verification probe (operator/verification/) against a real server process on loopback, with the
 * Plex simulator behind it: the MCP handshake through the SDK client and the readiness detail, for a healthy server,
 * a rejected Plex token, an unreachable Plex, a wrong bearer token, nothing listening, a server that hangs and one
 * that answers far too much. Each failure is reported within the timeout.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyServer } from '../../../operator/verification/verify-server.ts';
import { SERVER_NAME, SERVER_VERSION } from '../../../server/version.ts';
import { TOOL_NAMES } from '../../e2e/call-every-tool.ts';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';
import { randomToken } from './support/mcp-harness.ts';
import { MAIN_TS, type SpawnedServer, spawnServer } from './support/spawn-server.ts';

const TIMEOUT_MS = 2_000;
const options = { timeoutMs: TIMEOUT_MS, clientVersion: 'test', now: Date.now };

async function startServerProcess(
  env: Record<string, string>,
): Promise<{ server: SpawnedServer; baseUrl: string }> {
  const server = spawnServer(MAIN_TS, [], {
    SERVER_PORT: '0',
    LOG_LEVEL: 'info',
    CACHE_ENABLED: 'false',
    ...env,
  });
  const port = await server.listening();
  return { server, baseUrl: `http://127.0.0.1:${port}` };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('verifyServer against a real server process', () => {
  const plexToken = randomToken();
  const authToken = randomToken(32);
  let sim: PlexSimulator;
  const started: SpawnedServer[] = [];
  const fakes: Server[] = [];

  const start = async (env: Record<string, string> = {}) => {
    const running = await startServerProcess({
      PLEX_SERVER_URL: sim.url,
      PLEX_TOKEN: plexToken,
      AUTH_TOKEN: authToken,
      ...env,
    });
    started.push(running.server);
    return running.baseUrl;
  };

  beforeAll(async () => {
    sim = await startPlexSimulator({ port: 0, token: plexToken });
  });
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
    await Promise.all(fakes.map((f) => new Promise((resolve) => f.close(resolve))));
    await sim.close();
  });

  it('reports the server as it answers: name, version, protocol, every tool, and Plex reachable', async () => {
    const baseUrl = await start();
    const result = await verifyServer({ baseUrl, bearer: authToken }, options);
    expect(result.handshake).toEqual({
      ok: true,
      server: {
        name: SERVER_NAME,
        version: SERVER_VERSION,
        protocolVersions: expect.arrayContaining(['2026-07-28']),
        toolCount: TOOL_NAMES.length,
        authMode: 'bearer',
      },
    });
    expect(result.plex).toMatchObject({ state: 'reachable' });
  });

  it('says the Plex token is rejected (and the MCP handshake still works)', async () => {
    const baseUrl = await start({ PLEX_TOKEN: randomToken() });
    const result = await verifyServer({ baseUrl, bearer: authToken }, options);
    expect(result.plex.state).toBe('token_rejected');
    expect(result.handshake.ok).toBe(true);
  });

  it('says Plex is unreachable when nothing answers at the Plex URL', async () => {
    const closed = createServer();
    const deadUrl = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const baseUrl = await start({ PLEX_SERVER_URL: deadUrl });
    const result = await verifyServer({ baseUrl, bearer: authToken }, options);
    expect(result.plex.state).toBe('unreachable');
  });

  it('says the handshake failed for a wrong bearer token, without quoting it', async () => {
    const baseUrl = await start();
    const wrong = randomToken(32);
    const result = await verifyServer({ baseUrl, bearer: wrong }, options);
    expect(result.handshake).toMatchObject({ ok: false, failure: 'unauthorized' });
    expect(JSON.stringify(result)).not.toContain(wrong);
    expect(JSON.stringify(result)).not.toContain(authToken);
  });

  it('says nothing answers when no process listens', async () => {
    const closed = createServer();
    const baseUrl = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const result = await verifyServer({ baseUrl, bearer: authToken }, options);
    expect(result.handshake).toMatchObject({ ok: false, failure: 'unreachable' });
    expect(result.plex.state).toBe('unknown');
  });

  it('gives up on a server that never answers within the timeout', async () => {
    const hanging = createServer(() => {}); // accepts, never responds
    fakes.push(hanging);
    const baseUrl = await listen(hanging);
    const begun = Date.now();
    const result = await verifyServer({ baseUrl, bearer: authToken }, options);
    expect(Date.now() - begun).toBeLessThan(TIMEOUT_MS + 1_500);
    expect(result.handshake).toMatchObject({ ok: false, failure: 'timeout' });
    expect(result.plex).toMatchObject({
      state: 'unknown',
      message: expect.stringContaining(`${TIMEOUT_MS} ms`),
    });
  });

  it('refuses a readiness answer far larger than any real one', async () => {
    const flood = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"checks":{"plex":{"status":"ok","version":"${'9'.repeat(256 * 1024)}"}}}`);
    });
    fakes.push(flood);
    const baseUrl = await listen(flood);
    const result = await verifyServer({ baseUrl, bearer: authToken }, options);
    expect(result.plex).toMatchObject({ state: 'unknown', message: expect.stringContaining('larger than') });
  });
});
