/**
 * Ready means usable: /health/ready asks Plex something that needs the token, so a wrong PLEX_TOKEN is reported as
 * `token_rejected` (and not ready, cache or not), distinctly from an unreachable Plex (`unreachable`). The operator
 * reads `checks.plex.reason`; README "Cache, health and metrics" documents it.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { errorCodeOf, type Harness, randomToken, startHarness } from './support/mcp-harness.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface ReadyBody {
  status: string;
  checks: Record<string, Record<string, unknown>>;
}

async function ready(h: Harness): Promise<{ status: number; body: ReadyBody }> {
  const res = await fetch(h.server.url.replace(/\/mcp$/, '/health/ready'));
  return { status: res.status, body: (await res.json()) as ReadyBody };
}

describe('readiness and the Plex token', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it.each([['false'], ['true']])(
    'a wrong PLEX_TOKEN is token_rejected and not ready (CACHE_ENABLED=%s)',
    async (cache) => {
      h = await startHarness({ PLEX_TOKEN: randomToken(), CACHE_ENABLED: cache });
      const { status, body } = await ready(h);
      expect(status).toBe(503);
      expect(body.status).toBe('error');
      expect(body.checks.plex).toMatchObject({ status: 'error', reason: 'token_rejected' });
      expect(JSON.stringify(body)).not.toContain(h.plexToken);
      // get_plex_status tells the same story: an unauthorized error, not "unreachable".
      const client = await h.connect('modern');
      const result = await client.callTool({ name: 'get_plex_status', arguments: {} });
      expect(errorCodeOf(result)).toBe('unauthorized');
    },
  );

  it('an unreachable Plex is reported as unreachable, not as a token problem', async () => {
    h = await startHarness({ PLEX_SERVER_URL: `http://127.0.0.1:${await closedPort()}`, PLEX_TIMEOUT: '1' });
    const { status, body } = await ready(h);
    expect(status).toBe(503);
    expect(body.checks.plex).toMatchObject({ status: 'error', reason: 'unreachable' });
    const client = await h.connect('modern');
    const result = await client.callTool({ name: 'get_plex_status', arguments: {} });
    expect(result.structuredContent).toMatchObject({ reachable: false });
  });

  it('the right token is ready with the Plex version', async () => {
    h = await startHarness();
    const { status, body } = await ready(h);
    expect(status).toBe(200);
    expect(body.checks.plex).toEqual({ status: 'ok', version: h.sim.catalog.server.version });
  });
});
