/**
 * When Plex says no or is gone, tools answer with the right error code: wrong token → unauthorized, connection
 * refused / 5xx / garbage → plex_unavailable (get_plex_status answers reachable:false instead).
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeOf, type Harness, randomToken, startHarness, textOf } from './support/mcp-harness.ts';

/** A loopback port with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('wrong Plex token', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ PLEX_TOKEN: randomToken() });
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each([
    ['list_libraries', {}],
    ['search_media', { query: 'the' }],
    ['get_playback_status', {}],
    ['get_plex_status', {}],
  ])('%s is an unauthorized tool error', async (tool, args) => {
    const client = await h.connect();
    const result = await client.callTool({ name: tool, arguments: args });
    expect(result.isError).toBe(true);
    expect(errorCodeOf(result)).toBe('unauthorized');
    expect(textOf(result)).toContain('PLEX_TOKEN');
  });
});

describe('Plex unreachable', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ PLEX_SERVER_URL: `http://127.0.0.1:${await closedPort()}`, PLEX_TIMEOUT: '2' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each([
    ['list_libraries', {}],
    ['search_media', { query: 'the' }],
    ['get_media_details', { media_id: '1001' }],
    ['get_recently_added', {}],
    ['get_on_deck', {}],
    ['control_playback', { action: 'pause', session_id: 'x' }],
  ])('%s is a plex_unavailable tool error', async (tool, args) => {
    const client = await h.connect('modern');
    const result = await client.callTool({ name: tool, arguments: args });
    expect(result.isError).toBe(true);
    expect(errorCodeOf(result)).toBe('plex_unavailable');
  });

  it('get_plex_status answers reachable: false', async () => {
    const client = await h.connect();
    const result = await client.callTool({ name: 'get_plex_status', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ reachable: false });
  });
});

describe('Plex failing (simulator faults)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ PLEX_TIMEOUT: '1' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each(['error', 'garbage', 'down'] as const)(
    'fault %s gives plex_unavailable, and recovery works',
    async (mode) => {
      const client = await h.connect();
      h.sim.setFault({ mode });
      const failed = await client.callTool({
        name: 'get_media_details',
        arguments: { media_id: h.sim.catalog.movies[0]?.ratingKey },
      });
      expect(errorCodeOf(failed)).toBe('plex_unavailable');
      h.sim.setFault({ mode: 'none' });
      const ok = await client.callTool({ name: 'list_libraries', arguments: {} });
      expect(ok.isError).toBeFalsy();
    },
  );
});
