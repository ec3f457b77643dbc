/**
 * Slow or greedy clients cannot hold the server: headers and whole requests have deadlines
 * (SERVER_HEADERS_TIMEOUT, SERVER_REQUEST_TIMEOUT), refused requests (401, 404, 405, 413) close the connection
 * instead of reading the body, and SERVER_MAX_CONNECTIONS caps connections while health probes still answer.
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/mcp-harness.ts';

interface RawConnection {
  socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves with the time (ms since `connect`) at which the server closed, or undefined after `withinMs`. */
  closed(withinMs: number): Promise<number | undefined>;
}

async function open(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const started = performance.now();
  let data = '';
  let closedAt: number | undefined;
  socket.on('data', (chunk) => {
    data += chunk.toString('latin1');
  });
  socket.on('error', () => undefined); // a reset from the server is one way of being cut off
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  closed.then(() => {
    closedAt = performance.now() - started;
  });
  return {
    socket,
    received: () => data,
    async closed(withinMs) {
      await Promise.race([closed, sleep(withinMs)]);
      return closedAt;
    },
  };
}

/** Writes `chunk` every `everyMs` until the socket closes or `untilMs` passes. */
function trickle(c: RawConnection, chunk: string, everyMs: number, untilMs: number): void {
  const timer = setInterval(() => {
    if (c.socket.destroyed) clearInterval(timer);
    else c.socket.write(chunk);
  }, everyMs);
  setTimeout(() => clearInterval(timer), untilMs).unref();
}

const statusOf = (text: string) => /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];

describe('slow clients', () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness({ SERVER_HEADERS_TIMEOUT: '1', SERVER_REQUEST_TIMEOUT: '2' });
    port = h.server.port;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('cuts a client that trickles its headers at SERVER_HEADERS_TIMEOUT', async () => {
    const c = await open(port);
    c.socket.write('POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    trickle(c, 'X-Slow: a\r\n', 200, 10_000);
    const at = await c.closed(6_000);
    expect(at).toBeDefined();
    expect(at).toBeLessThan(3_500);
  });

  it('cuts an authenticated client that trickles its body at SERVER_REQUEST_TIMEOUT', async () => {
    const c = await open(port);
    c.socket.write(
      'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        `Accept: application/json, text/event-stream\r\nAuthorization: Bearer ${h.authToken}\r\n` +
        'Content-Length: 100000\r\n\r\n{',
    );
    trickle(c, ' ', 200, 10_000);
    const at = await c.closed(6_000);
    expect(at).toBeDefined();
    expect(at).toBeLessThan(4_500);
  });

  it('keeps an idle keep-alive connection between requests (the header deadline starts with a request)', async () => {
    const c = await open(port);
    c.socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await sleep(2_500);
    c.socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await sleep(300);
    expect(c.received().match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    c.socket.destroy();
  });

  it.each([
    ['401 without a token', 'POST /mcp', false],
    ['404 on an unknown path', 'POST /upload', true],
    ['405 on an unsupported method', 'PUT /mcp', true],
    ['413 for a declared body over 1 MiB', 'POST /mcp', true],
  ])('answers %s and closes without reading the body', async (name, requestLine, withToken) => {
    const c = await open(port);
    const length = name.startsWith('413') ? 2 * 1024 * 1024 : 50 * 1024 * 1024;
    c.socket.write(
      `${requestLine} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Accept: application/json, text/event-stream\r\n${withToken ? `Authorization: Bearer ${h.authToken}\r\n` : ''}` +
        `Content-Length: ${length}\r\n\r\n${'x'.repeat(16 * 1024)}`,
    );
    // The rest of the body is never sent: the server must answer and hang up on its own.
    const at = await c.closed(2_500);
    expect(statusOf(c.received())).toBe(name.slice(0, 3));
    expect(at).toBeDefined();
  });
});

describe('connection cap', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ SERVER_MAX_CONNECTIONS: '3' });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function requestOn(c: RawConnection, lines: string): Promise<string | undefined> {
    c.socket.write(lines);
    for (let i = 0; i < 50 && !/\r\n\r\n/.test(c.received()); i++) await sleep(20);
    return statusOf(c.received());
  }

  it('refuses MCP requests beyond SERVER_MAX_CONNECTIONS while health and metrics still answer', async () => {
    const port = h.server.port;
    const holders = await Promise.all([open(port), open(port), open(port)]);
    await sleep(100);
    const mcp = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${h.authToken}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 2\r\n\r\n{}`;

    const extra = await open(port);
    expect(await requestOn(extra, mcp)).toBe('503');
    expect(extra.received()).toContain('too_many_connections');
    const probe = await open(port);
    expect(await requestOn(probe, 'GET /health/ready HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n')).toBe('200');
    const scrape = await open(port);
    expect(await requestOn(scrape, 'GET /metrics HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n')).toBe('200');

    // Past the cap and its small health reserve, connections are refused outright.
    const flood = await Promise.all(Array.from({ length: 12 }, () => open(port)));
    const refused = await Promise.all(flood.map((c) => c.closed(1_000)));
    expect(refused.filter((t) => t !== undefined).length).toBeGreaterThan(0);

    for (const c of [...holders, extra, probe, scrape, ...flood]) c.socket.destroy();
    await sleep(200);
    const again = await open(port);
    // Once the holders are gone, MCP requests are served again ({} is not JSON-RPC, hence 400 from the SDK).
    expect(await requestOn(again, mcp)).toBe('400');
    again.socket.destroy();
  });
});
