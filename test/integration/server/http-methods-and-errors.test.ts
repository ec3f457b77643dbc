/**
 * The HTTP edge's smaller promises: unsupported methods are 405 (TRACE used to be a 500 from the fetch adapter),
 * a client's `Connection: close` holds on streamed (SSE) answers (the SDK's hop-by-hop headers are not copied), and
 * every 500 is logged, whoever wrote it.
 */
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthGate } from '../../../server/auth/auth-gate.ts';
import { createApp } from '../../../server/http/create-app.ts';
import { capturingLogger } from '../../unit/server/cache/fakes.ts';
import { buildConfig, type Harness, randomToken, startHarness } from './support/mcp-harness.ts';

async function rawExchange(port: number, request: string, waitMs = 2_000) {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.on('data', (chunk) => {
    data += chunk.toString('latin1');
  });
  socket.on('error', () => undefined);
  const closed = new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)));
  socket.write(request);
  const didClose = await Promise.race([closed, sleep(waitMs).then(() => false)]);
  socket.destroy();
  return { text: data, closed: didClose, status: /^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] };
}

describe('methods and connection headers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each([
    ['TRACE', '/mcp'],
    ['PUT', '/mcp'],
    ['PATCH', '/mcp/'],
    ['TRACE', '/health/live'],
    ['POST', '/health/ready'],
    ['DELETE', '/metrics'],
  ])('%s %s is 405 with Allow, not 500', async (method, path) => {
    const res = await rawExchange(
      h.server.port,
      `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${h.authToken}\r\n\r\n`,
    );
    expect(res.status).toBe('405');
    expect(res.text).toMatch(/\r\nAllow: [A-Z, ]+\r\n/i);
  });

  it('honours a client’s Connection: close on a streamed (SSE) answer', async () => {
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    const res = await rawExchange(
      h.server.port,
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer ${h.authToken}\r\n` +
        'Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    expect(res.status).toBe('200');
    expect(res.text.toLowerCase()).toContain('content-type: text/event-stream');
    expect(res.text.toLowerCase()).not.toContain('connection: keep-alive');
    expect(res.closed).toBe(true);
  });
});

describe('every 500 is logged', () => {
  const { logger, lines } = capturingLogger();
  let server: Server;
  let port: number;
  let authToken: string;
  beforeAll(async () => {
    const registry = new Registry();
    // A metrics registry that fails stands in for any bug behind a route.
    registry.metrics = async () => {
      throw new Error('registry exploded');
    };
    authToken = randomToken(32);
    const config = buildConfig({
      PLEX_SERVER_URL: 'http://127.0.0.1:9',
      PLEX_TOKEN: 't',
      AUTH_TOKEN: authToken,
    });
    const { app } = createApp({
      config,
      createServer: () => {
        throw new Error('factory exploded');
      },
      auth: await createAuthGate(config, { logger, registry, categoryOfTool: () => undefined }),
      health: { started: () => true, readinessChecks: [] },
      metricsRegistry: registry,
      logger,
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('logs a failing route with its cause and answers 500', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal_error' });
    await sleep(20);
    const line = lines.find((l) => l.msg === 'HTTP request failed');
    expect(line).toBeDefined();
    expect(JSON.stringify(line)).toContain('registry exploded');
  });

  it('logs a 500 the MCP SDK wrote itself (here: the server factory throws)', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${authToken}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      }),
    });
    expect(res.status).toBe(500);
    await sleep(20);
    expect(lines.some((l) => l.level === 50 && l.path === '/mcp')).toBe(true);
  });
});
