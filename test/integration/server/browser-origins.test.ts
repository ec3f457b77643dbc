/**
 * MCP_ALLOWED_ORIGINS works for browsers: a CORS preflight from an allowed origin is answered without a token, the
 * real answers (401 included) carry Access-Control-Allow-Origin for that exact origin, and an origin that differs in
 * scheme, host or port is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/mcp-harness.ts';

const APP = 'https://app.example.com';
const LIST_TOOLS = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-06-18',
};

describe('browser origins (CORS)', () => {
  let h: Harness;
  let url: string;
  beforeAll(async () => {
    h = await startHarness({ MCP_ALLOWED_ORIGINS: `${APP}, http://localhost.example:8081` });
    url = h.server.url;
  });
  afterAll(async () => {
    await h?.close();
  });

  const preflight = (origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, mcp-protocol-version',
      },
    });

  it('answers a preflight from an allowed origin with 204 and the CORS headers, without a token', async () => {
    const res = await preflight(APP);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    const allowedHeaders = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const name of ['authorization', 'content-type', 'mcp-protocol-version'])
      expect(allowedHeaders).toContain(name);
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it.each([
    ['another scheme', 'http://app.example.com'],
    ['another port', 'https://app.example.com:8443'],
    ['another host', 'https://evil.example.com'],
    ['a look-alike host', 'https://app.example.com.evil.example'],
    ['a listed origin on another port', 'http://localhost.example:9999'],
  ])('refuses a preflight from %s', async (_name, origin) => {
    const res = await preflight(origin);
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('marks real answers for the allowed origin, a 401 included, and still requires the token', async () => {
    const anonymous = await fetch(url, {
      method: 'POST',
      headers: { ...MCP_HEADERS, origin: APP },
      body: LIST_TOOLS,
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(APP);
    expect(anonymous.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');

    const ok = await fetch(url, {
      method: 'POST',
      headers: { ...MCP_HEADERS, origin: APP, authorization: `Bearer ${h.authToken}` },
      body: LIST_TOOLS,
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('refuses a real request from an origin that is not listed, before authentication', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        ...MCP_HEADERS,
        origin: 'https://app.example.com:8443',
        authorization: `Bearer ${h.authToken}`,
      },
      body: LIST_TOOLS,
    });
    expect(res.status).toBe(403);
  });

  it('admits loopback origins on any port for local development, and requests without Origin', async () => {
    expect((await preflight('http://localhost:5173')).status).toBe(204);
    const noOrigin = await fetch(url, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${h.authToken}` },
      body: LIST_TOOLS,
    });
    expect(noOrigin.status).toBe(200);
    expect(noOrigin.headers.get('access-control-allow-origin')).toBeNull();
  });
});
