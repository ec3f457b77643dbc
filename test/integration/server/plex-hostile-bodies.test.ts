/**
 * A Plex that answers with a body too large to hold, or one that never ends, must not take the server down: the
 * answer is cut off at PLEX_MAX_RESPONSE_BYTES (or at the call's deadline), the tool says plex_unavailable with the
 * reason, and the server keeps answering. The "Plex" here is a small hostile HTTP server, not the simulator: the
 * simulator follows the Plex API, and these answers are exactly what a real Plex never sends.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHttpServer, startHttpServer } from '../../../server/http-server.ts';
import { buildConfig, connectClient, errorCodeOf, randomToken, textOf } from './support/mcp-harness.ts';

type Behaviour = 'declared-huge' | 'chunked-endless' | 'trickle-endless' | 'fine';

const CHUNK = Buffer.alloc(64 * 1024, 0x20);
const LIMIT_BYTES = 1024 * 1024;

interface HostilePlex {
  url: string;
  behaviour: Behaviour;
  /** Bytes written into the last answer before the server hung up. */
  lastBytesSent(): number;
  close(): Promise<void>;
}

async function startHostilePlex(): Promise<HostilePlex> {
  let sent = 0;
  const plex: HostilePlex = {
    url: '',
    behaviour: 'fine',
    lastBytesSent: () => sent,
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    sent = 0;
    const pump = () => {
      while (!res.destroyed && res.write(CHUNK)) sent += CHUNK.length;
      if (!res.destroyed) sent += CHUNK.length;
    };
    switch (plex.behaviour) {
      case 'fine': {
        const body = JSON.stringify({ MediaContainer: { size: 0, Directory: [] } });
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      case 'declared-huge':
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': String(600 * 1024 * 1024),
        });
        res.on('drain', pump);
        pump();
        return;
      case 'chunked-endless':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"MediaContainer":{"Directory":[');
        res.on('drain', pump);
        pump();
        return;
      case 'trickle-endless': {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const timer = setInterval(() => {
          res.write(' ');
          sent += 1;
        }, 50);
        res.on('close', () => clearInterval(timer));
        return;
      }
    }
    void req;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  plex.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  plex.close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
  return plex;
}

describe('hostile Plex answer bodies', () => {
  let plex: HostilePlex;
  let server: RunningHttpServer;
  let authToken: string;

  beforeAll(async () => {
    plex = await startHostilePlex();
    authToken = randomToken(32);
    server = await startHttpServer(
      buildConfig({
        PLEX_SERVER_URL: plex.url,
        PLEX_TOKEN: randomToken(),
        AUTH_TOKEN: authToken,
        SERVER_PORT: '0',
        LOG_LEVEL: 'silent',
        CACHE_ENABLED: 'false',
        PLEX_MAX_RESPONSE_BYTES: String(LIMIT_BYTES),
        PLEX_TIMEOUT: '2',
      }),
    );
  });
  afterAll(async () => {
    await server?.close({ graceMs: 500 });
    await plex?.close();
  });

  it.each([
    ['declared-huge', /PLEX_MAX_RESPONSE_BYTES/],
    ['chunked-endless', /PLEX_MAX_RESPONSE_BYTES/],
    ['trickle-endless', /in time|within/],
  ] as const)(
    'a %s body is cut off, answered as plex_unavailable, and the server keeps serving',
    async (behaviour, reason) => {
      const client = await connectClient(server.url, authToken, 'modern');
      try {
        plex.behaviour = behaviour;
        const result = await client.callTool({ name: 'list_libraries', arguments: {} });
        expect(result.isError).toBe(true);
        expect(errorCodeOf(result)).toBe('plex_unavailable');
        expect(textOf(result)).toMatch(reason);
        // The server stopped reading long before 600 MiB (socket buffers allow a few MiB in flight).
        expect(plex.lastBytesSent()).toBeLessThan(64 * 1024 * 1024);

        const live = await fetch(server.url.replace(/\/mcp$/, '/health/live'));
        expect(live.status).toBe(200);
        plex.behaviour = 'fine';
        const ok = await client.callTool({ name: 'list_libraries', arguments: {} });
        expect(ok.isError).toBeFalsy();
      } finally {
        await client.close();
      }
    },
  );
});
