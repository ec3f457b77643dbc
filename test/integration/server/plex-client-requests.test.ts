/**
 * What our Plex client puts on the wire, as the simulator recorded it: Accept JSON, the token in a header (never in
 * the query string), a stable X-Plex-Client-Identifier, the endpoints REFERENCE.md names, and a pool bounded by PLEX_MAX_CONNECTIONS.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/mcp-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ PLEX_CLIENT_IDENTIFIER: 'plex-mcp-test-client', PLEX_MAX_CONNECTIONS: '2' });
});
afterAll(async () => {
  await h?.close();
});

it('sends JSON Accept, the token as a header and our client identifier on every request', async () => {
  const client = await h.connect();
  h.sim.reset();
  const calls: Array<[string, Record<string, unknown>]> = [
    ['list_libraries', {}],
    ['search_media', { query: 'the', library: '1' }],
    ['get_media_details', { media_id: h.sim.catalog.movies[0]?.ratingKey, include_chapters: true }],
    ['get_playback_status', {}],
    ['get_recently_added', { library: 'Music', limit: 3 }],
    ['get_on_deck', {}],
    ['get_plex_status', {}],
  ];
  for (const [name, args] of calls) {
    const result = await client.callTool({ name, arguments: args });
    expect(result.isError, name).toBeFalsy();
  }
  const log = h.sim.requestLog();
  expect(log.length).toBeGreaterThanOrEqual(calls.length);
  for (const record of log) {
    // Images (the poster get_media_details attaches) are the one thing not asked for as JSON.
    const accept = record.path === '/photo/:/transcode' ? 'image/jpeg, image/png' : 'application/json';
    expect(record.accept, record.path).toBe(accept);
    expect(record.tokenPresent, record.path).toBe(true);
    expect(record.clientIdentifier, record.path).toBe('plex-mcp-test-client');
    expect(record.query, record.path).not.toMatch(/X-Plex-Token/i);
    expect(record.status, record.path).toBe(200);
  }
  const paths = new Set(log.map((r) => r.path));
  const expectedPaths = [
    '/library/sections',
    '/hubs/search',
    '/status/sessions',
    '/library/onDeck',
    '/',
    '/photo/:/transcode',
  ];
  for (const path of expectedPaths) {
    expect(paths.has(path), path).toBe(true);
  }
  expect(paths.has(`/library/metadata/${h.sim.catalog.movies[0]?.ratingKey}`)).toBe(true);
  expect(paths.has('/library/sections/3/recentlyAdded')).toBe(true);
  const details = log.find((r) => r.path.startsWith('/library/metadata/'));
  expect(details?.query).toContain('includeChapters=1');
  const search = log.find((r) => r.path === '/hubs/search');
  expect(search?.query).toContain('sectionId=1');
});

it('routes player commands through the server to the session player', async () => {
  const client = await h.connect();
  h.sim.reset();
  const status = await client.callTool({ name: 'get_playback_status', arguments: {} });
  const target = (
    status.structuredContent as { sessions: Array<{ session_id: string; player: { id: string } }> }
  ).sessions[0];
  await client.callTool({
    name: 'control_playback',
    arguments: { action: 'seek', session_id: target?.session_id, position_ms: 1234 },
  });
  const command = h.sim.requestLog().find((r) => r.path === '/player/playback/seekTo');
  expect(command?.status).toBe(200);
  expect(command?.query).toMatch(/offset=1234/);
  expect(command?.query).toMatch(/commandID=\d+/);
  expect(command?.query).toMatch(/type=video/);
});

it('never opens more than PLEX_MAX_CONNECTIONS connections to Plex (2 here)', async () => {
  const client = await h.connect();
  h.sim.setFault({ mode: 'slow', delay_ms: 400 });
  try {
    const ids = h.sim.catalog.movies.slice(10, 16).map((m) => m.ratingKey);
    const started = performance.now();
    const results = await Promise.all(
      ids.map((id) => client.callTool({ name: 'get_media_details', arguments: { media_id: id } })),
    );
    const elapsed = performance.now() - started;
    expect(results.every((r) => !r.isError)).toBe(true);
    // Six 400 ms requests over two connections need three rounds; with an unbounded pool they would take one.
    expect(elapsed).toBeGreaterThanOrEqual(3 * 400 - 50);
  } finally {
    h.sim.setFault({ mode: 'none' });
  }
});
