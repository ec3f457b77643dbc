/**
 * The HTTP surface around /mcp: bearer auth (401 + WWW-Authenticate), Host and Origin guards, security headers,
 * health endpoints that answer any Host without a token, /metrics, GET /mcp 405 and the body limit.
 * Uses raw node:http requests so the Host header can be set freely (fetch forbids it).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/mcp-harness.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

const LIST_TOOLS = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-06-18',
};

let h: Harness;
let base: string;
beforeAll(async () => {
  h = await startHarness();
  base = h.server.url.replace(/\/mcp$/, '');
});
afterAll(async () => {
  await h?.close();
});

describe('bearer auth on /mcp', () => {
  it('answers 401 with a WWW-Authenticate challenge without a token', async () => {
    const res = await raw(`${base}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: LIST_TOOLS });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="plex-mcp"');
  });

  it('answers 401 with error="invalid_token" for a wrong token, also one of the same length', async () => {
    for (const token of ['wrong', `${h.authToken.slice(0, -1)}x`, `${h.authToken}x`]) {
      const res = await raw(`${base}/mcp`, {
        method: 'POST',
        headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
        body: LIST_TOOLS,
      });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="plex-mcp", error="invalid_token"');
      expect(res.body).not.toContain(h.authToken);
    }
  });

  it('rejects a non-Bearer scheme', async () => {
    const res = await raw(`${base}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Basic ${h.authToken}` },
      body: LIST_TOOLS,
    });
    expect(res.status).toBe(401);
  });

  it('the SDK client fails to connect with a wrong token', async () => {
    await expect(h.connect('legacy', { bearer: 'not-the-token' })).rejects.toThrow();
  });

  it('accepts the right token and serves tools/list with security headers', async () => {
    const res = await raw(`${base}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${h.authToken}` },
      body: LIST_TOOLS,
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('search_media');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(String(res.headers['cache-control'])).toContain('no-store');
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'none'");
  });

  it('answers GET and DELETE /mcp with 405 (stateless server)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await raw(`${base}/mcp`, {
        method,
        headers: { accept: 'text/event-stream', authorization: `Bearer ${h.authToken}` },
      });
      expect(res.status, method).toBe(405);
    }
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const huge = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'search_media', arguments: { query: 'x'.repeat(1_100_000) } },
    });
    const res = await raw(`${base}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${h.authToken}` },
      body: huge,
    });
    expect(res.status).toBe(413);
  });
});

describe('Host and Origin guards (server bound to 127.0.0.1)', () => {
  const authed = () => ({ ...MCP_HEADERS, authorization: `Bearer ${h.authToken}` });

  it('refuses /mcp for a foreign Host header (DNS rebinding) with 403', async () => {
    const res = await raw(`${base}/mcp`, {
      method: 'POST',
      headers: { ...authed(), host: 'evil.example.com' },
      body: LIST_TOOLS,
    });
    expect(res.status).toBe(403);
  });

  it('refuses a foreign Origin with 403 and accepts a localhost Origin', async () => {
    const evil = await raw(`${base}/mcp`, {
      method: 'POST',
      headers: { ...authed(), origin: 'https://evil.example.com' },
      body: LIST_TOOLS,
    });
    expect(evil.status).toBe(403);
    const local = await raw(`${base}/mcp`, {
      method: 'POST',
      headers: { ...authed(), origin: 'http://localhost:6274' },
      body: LIST_TOOLS,
    });
    expect(local.status).toBe(200);
  });
});

describe('bound to all interfaces (as in a container)', () => {
  it('does not check Host (the Service and pod IP are legitimate names) but still checks Origin and the token', async () => {
    const open = await startHarness({ SERVER_HOST: '0.0.0.0' });
    try {
      const url = `http://127.0.0.1:${open.server.port}/mcp`;
      const headers = {
        ...MCP_HEADERS,
        authorization: `Bearer ${open.authToken}`,
        host: 'plex-mcp.media.svc:8080',
      };
      expect((await raw(url, { method: 'POST', headers, body: LIST_TOOLS })).status).toBe(200);
      const evil = { ...headers, origin: 'https://evil.example.com' };
      expect((await raw(url, { method: 'POST', headers: evil, body: LIST_TOOLS })).status).toBe(403);
      const anonymous = { ...MCP_HEADERS, host: 'plex-mcp.media.svc:8080' };
      expect((await raw(url, { method: 'POST', headers: anonymous, body: LIST_TOOLS })).status).toBe(401);
    } finally {
      await open.close();
    }
  });

  it('admits an Origin listed in MCP_ALLOWED_ORIGINS', async () => {
    const open = await startHarness({ MCP_ALLOWED_ORIGINS: 'https://app.example.com' });
    try {
      const headers = {
        ...MCP_HEADERS,
        authorization: `Bearer ${open.authToken}`,
        origin: 'https://app.example.com',
      };
      expect((await raw(open.server.url, { method: 'POST', headers, body: LIST_TOOLS })).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe('health and metrics', () => {
  it.each(['/health/live', '/health/startup', '/health/ready'])(
    '%s answers 200 JSON for a foreign Host (kubelet sends the pod IP) without a token',
    async (path) => {
      const res = await raw(`${base}${path}`, { headers: { host: '10.244.3.17:8080' } });
      expect(res.status).toBe(200);
      const body = JSON.parse(res.body);
      expect(body.status).toBe('ok');
      if (path === '/health/ready') expect(body.checks.plex.status).toBe('ok');
    },
  );

  it('/health/ready is 503 while Plex is down without a cache, and recovers', async () => {
    h.sim.setFault({ mode: 'down' });
    try {
      // The readiness result is remembered for a few seconds; wait for a fresh probe.
      let res: RawResponse | undefined;
      for (let i = 0; i < 40; i++) {
        res = await raw(`${base}/health/ready`);
        if (res.status === 503) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(res?.status).toBe(503);
      expect(JSON.parse(res?.body ?? '{}').checks.plex.status).toBe('error');
    } finally {
      h.sim.setFault({ mode: 'none' });
    }
    let ok: RawResponse | undefined;
    for (let i = 0; i < 60; i++) {
      ok = await raw(`${base}/health/ready`);
      if (ok.status === 200) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(ok?.status).toBe(200);
  });

  it('/health/ready stays 200 "degraded" while Plex is down if a cache can answer', async () => {
    const cached = await startHarness({ CACHE_ENABLED: 'true' });
    try {
      cached.sim.setFault({ mode: 'down' });
      const res = await raw(cached.server.url.replace(/\/mcp$/, '/health/ready'));
      expect(res.status).toBe(200);
      const body = JSON.parse(res.body);
      expect(body.status).toBe('degraded');
      expect(body.checks.plex.status).toBe('error');
      expect(body.checks.cache).toMatchObject({ status: 'ok', mode: 'memory' });
    } finally {
      await cached.close();
    }
  });

  it('/health/ready answers within ~2 s even when Plex hangs', async () => {
    const slow = await startHarness({ CACHE_ENABLED: 'true', PLEX_TIMEOUT: '20' });
    try {
      slow.sim.setFault({ mode: 'slow', delay_ms: 10_000 });
      const started = performance.now();
      const res = await raw(slow.server.url.replace(/\/mcp$/, '/health/ready'));
      expect(performance.now() - started).toBeLessThan(4_000);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).checks.plex.status).toBe('error');
    } finally {
      slow.sim.setFault({ mode: 'none' });
      await slow.close();
    }
  });

  it('/metrics serves Prometheus text without a token, counting tool calls', async () => {
    const client = await h.connect();
    await client.callTool({ name: 'list_libraries', arguments: {} });
    const res = await raw(`${base}/metrics`, { headers: { host: '10.0.0.1' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/plexmcp_tool_calls_total\{[^}]*tool="list_libraries"[^}]*outcome="success"/);
    expect(res.body).toContain('process_resident_memory_bytes');
  });

  it('unknown paths are 404 JSON', async () => {
    const res = await raw(`${base}/nope`);
    expect(res.status).toBe(404);
  });
});
