/**
 * POST /mcp reuses McpServer instances for 2026-07-28 requests (server/mcp/mcp-server-pool.ts). These tests check
 * what makes that safe: many concurrent calls with different arguments each get their own answer, instances are
 * really reused (far fewer built than requests), 2025-era clients still work next to modern ones, and tool
 * errors on a reused instance do not leak into the next call. Also the plain node:http body handling in front of
 * the SDK (bad JSON 400, non-JSON 415, compressed bodies refused).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOL_NAMES } from '../../e2e/call-every-tool.ts';
import { type Harness, startHarness } from './support/mcp-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ CACHE_ENABLED: 'true' });
});
afterAll(async () => {
  await h?.close();
});

function post(
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(h.server.url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const modernHeaders = (name: string) => ({
  authorization: `Bearer ${h.authToken}`,
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2026-07-28',
  'mcp-method': 'tools/call',
  'mcp-name': name,
});

function modernCall(id: number, name: string, args: Record<string, unknown>): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: {
      name,
      arguments: args,
      _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientCapabilities': {},
      },
    },
  });
}

describe('McpServer reuse for 2026-07-28 requests', () => {
  it('answers 300 concurrent calls with different arguments each with its own result, on far fewer instances', async () => {
    const movies = h.sim.catalog.movies.slice(0, 30);
    expect(movies.length).toBe(30);
    const createdBefore = h.server.mcpServers.created();
    const rounds = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const movie = movies[i % movies.length] as { ratingKey: string; title: string };
        const res = await post(
          modernCall(i + 1, 'get_media_details', { media_id: movie.ratingKey }),
          modernHeaders('get_media_details'),
        );
        return { i, movie, res };
      }),
    );
    for (const { i, movie, res } of rounds) {
      expect(res.status).toBe(200);
      const answer = JSON.parse(res.body) as {
        id: number;
        result: { isError?: boolean; structuredContent: { item: { id: string; title: string } } };
      };
      expect(answer.id).toBe(i + 1);
      expect(answer.result.isError).toBeFalsy();
      expect(answer.result.structuredContent.item.id).toBe(movie.ratingKey);
      expect(answer.result.structuredContent.item.title).toBe(movie.title);
    }
    const built = h.server.mcpServers.created() - createdBefore;
    expect(built).toBeGreaterThan(0);
    expect(built).toBeLessThan(300);
    expect(h.server.mcpServers.idle()).toBeGreaterThan(0);

    // Sequential calls after the burst build nothing new: each takes an idle instance and returns it.
    const createdAfterBurst = h.server.mcpServers.created();
    for (let i = 0; i < 20; i++) {
      const res = await post(modernCall(1000 + i, 'list_libraries', {}), modernHeaders('list_libraries'));
      expect(res.status).toBe(200);
    }
    expect(h.server.mcpServers.created()).toBe(createdAfterBurst);
  });

  it('a tool error on a reused instance does not affect the next call on it', async () => {
    const bad = await post(
      modernCall(1, 'get_media_details', { media_id: '999999999' }),
      modernHeaders('get_media_details'),
    );
    expect(bad.status).toBe(200);
    expect(bad.body).toContain('"isError":true');
    const movie = h.sim.catalog.movies[0] as { ratingKey: string };
    const good = await post(
      modernCall(2, 'get_media_details', { media_id: movie.ratingKey }),
      modernHeaders('get_media_details'),
    );
    expect(good.status).toBe(200);
    expect(good.body).not.toContain('"isError":true');
    expect(good.body).toContain(movie.ratingKey);
  });

  it('serves 2025-era and 2026-07-28 SDK clients side by side', async () => {
    const legacy = await h.connect('legacy');
    const modern = await h.connect('modern');
    const [a, b] = await Promise.all([
      legacy.callTool({ name: 'list_libraries', arguments: {} }),
      modern.callTool({ name: 'list_libraries', arguments: {} }),
    ]);
    expect(a.isError).toBeFalsy();
    expect(b.isError).toBeFalsy();
    expect(a.structuredContent).toEqual(b.structuredContent);
    expect((await legacy.listTools()).tools).toHaveLength(TOOL_NAMES.length);
    expect((await modern.listTools()).tools).toHaveLength(TOOL_NAMES.length);
  });
});

describe('request bodies in front of the SDK', () => {
  it('answers unparseable JSON with 400 and a JSON-RPC parse error', async () => {
    const res = await post('{"jsonrpc":', modernHeaders('list_libraries'));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: -32700 } });
  });

  it('answers a non-JSON Content-Type with 415 (the SDK reads and refuses it)', async () => {
    const res = await post(modernCall(1, 'list_libraries', {}), {
      ...modernHeaders('list_libraries'),
      'content-type': 'text/plain',
    });
    expect(res.status).toBe(415);
  });

  it('refuses compressed request bodies with 415 instead of inflating them', async () => {
    const res = await post(modernCall(1, 'list_libraries', {}), {
      ...modernHeaders('list_libraries'),
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(415);
  });

  it('answers a HEAD on a health endpoint like GET, without a body', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(h.server.url.replace(/\/mcp$/, '/health/live'), { method: 'HEAD' }, (r) => {
        let text = '';
        r.on('data', (c: Buffer) => {
          text += c.toString();
        });
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
  });
});
