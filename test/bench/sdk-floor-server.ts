/**
 * The MCP SDK's own floor, for bench:server's context: a node:http server whose POST /mcp goes straight through the
 * same fetch bridge and `createMcpHandler` as ours (pooled McpServer instances, stateless), serving one tool that
 * returns a constant answer of BODY_BYTES with no input or output schema, no cache, no auth, no Plex. Whatever
 * a tools/call costs here, no tool logic of ours can get below it. Started by server-bench.ts with fork().
 *
 * With PLEX_URL, PLEX_TOKEN and PLEX_PATHS (a JSON array of path+query strings) it is the *uncached floor*: each
 * call also GETs the next of those Plex answers from the simulator over a keep-alive socket and `JSON.parse`s it,
 * the least any uncached call must do on top of the SDK.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { serveParsedBody } from '../../server/http/fetch-bridge.ts';
import { readJsonBody } from '../../server/http/request-body.ts';
import { createMcpServerPool } from '../../server/mcp/mcp-server-pool.ts';

const text = 'x'.repeat(Math.max(0, Number(process.env.BODY_BYTES ?? '2000') - 200));
const plexUrl = process.env.PLEX_URL;
const plexPaths = JSON.parse(process.env.PLEX_PATHS ?? '[]') as string[];
const agent = new Agent({ keepAlive: true, maxSockets: 8 });
let next = 0;

/** One keep-alive GET of a Plex answer and its JSON.parse (what the uncached floor adds). */
function getPlex(base: string): Promise<unknown> {
  const url = new URL(plexPaths[next++ % plexPaths.length] as string, base);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { agent, headers: { accept: 'application/json', 'x-plex-token': process.env.PLEX_TOKEN ?? '' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200)
            reject(new Error(`Plex answered ${res.statusCode} for ${url.pathname}`));
          else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function build(): McpServer {
  const server = new McpServer({ name: 'sdk-floor', version: '1.0.0' });
  for (const name of ['search_media', 'get_media_details', 'get_recently_added']) {
    server.registerTool(name, { description: 'constant answer' }, async () => {
      if (plexUrl) await getPlex(plexUrl);
      return { content: [{ type: 'text', text }] };
    });
  }
  return server;
}

const pool = createMcpServerPool({ create: build, maxIdle: 64 });
const handler = createMcpHandler((ctx) => pool.factory(ctx), { legacy: 'stateless' });
const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  void readJsonBody(req, 1024 * 1024).then((body) => {
    if (body.kind !== 'json') {
      res.writeHead(400).end();
      return;
    }
    return serveParsedBody(handler, req, res, body);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
