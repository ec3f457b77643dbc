/**
 * The cache through the whole server: real MCP SDK clients over HTTP, the real tools, the cockatiel policy and the
 * Plex simulator with its faults. In-memory store (no REDIS_URL); Redis end-to-end is cache-redis-e2e.test.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simCount as count, type E2e, startE2e } from './cache-e2e-setup.ts';
import { errorCodeOf, textOf } from './support/mcp-harness.ts';

describe('tool cache end to end (memory store)', () => {
  let s: E2e;
  let client: Client;
  beforeAll(async () => {
    // Media details expire after 1 s so the stale path can be reached quickly; everything else keeps the defaults.
    // The circuit breaker is kept out of the way here (it has its own tests in resilience-e2e.test.ts): these
    // tests inject faults one after another, which would otherwise open it for the following tests.
    s = await startE2e({ env: { CACHE_TTL_MEDIA_DETAILS: '1', PLEX_TIMEOUT: '1' }, failureThreshold: 1_000 });
    client = await s.client();
  });
  afterEach(() => s.sim.setFault({ mode: 'none' }));
  afterAll(async () => {
    await s?.close();
  });

  it('answers a repeated call from the cache without asking Plex again', async () => {
    // search_media keeps its default TTL here: the 1 s media-details TTL above could expire between two calls on a
    // loaded machine, which would test the clock rather than the cache.
    const movie = s.sim.catalog.movies[0];
    if (!movie) throw new Error('catalog has no movies');
    const path = '/hubs/search';
    const before = count(s.sim, path);
    const first = await client.callTool({ name: 'search_media', arguments: { query: movie.title } });
    expect(first.isError).toBeFalsy();
    const plexCalls = count(s.sim, path);
    expect(plexCalls).toBeGreaterThan(before);
    const second = await client.callTool({ name: 'search_media', arguments: { query: movie.title } });
    expect(second.structuredContent).toEqual(first.structuredContent);
    expect(count(s.sim, path)).toBe(plexCalls);
  });

  it('answers stale with stale: true and cached_at when Plex is down, and plex_unavailable without an entry', async () => {
    const [movie, other] = s.sim.catalog.movies.slice(1, 3);
    if (!movie || !other) throw new Error('catalog too small');
    const fresh = await client.callTool({
      name: 'get_media_details',
      arguments: { media_id: movie.ratingKey },
    });
    expect(fresh.isError).toBeFalsy();
    expect(fresh.structuredContent).not.toHaveProperty('stale');
    const fetchedBefore = Date.now();

    await sleep(1_100); // past the 1 s TTL
    s.sim.setFault({ mode: 'down' });
    const stale = await client.callTool({
      name: 'get_media_details',
      arguments: { media_id: movie.ratingKey },
    });
    expect(stale.isError).toBeFalsy();
    const content = stale.structuredContent as Record<string, unknown>;
    expect(content.stale).toBe(true);
    expect(typeof content.cached_at).toBe('string');
    expect(Date.parse(content.cached_at as string)).toBeLessThanOrEqual(fetchedBefore);
    expect(Date.parse(content.cached_at as string)).toBeGreaterThan(fetchedBefore - 10_000);
    expect(textOf(stale)).toMatch(/warning/i);
    // The rest of the answer is the cached one.
    const { stale: _s, cached_at: _c, ...rest } = content;
    expect(rest).toEqual(fresh.structuredContent);

    const missing = await client.callTool({
      name: 'get_media_details',
      arguments: { media_id: other.ratingKey },
    });
    expect(missing.isError).toBe(true);
    expect(errorCodeOf(missing)).toBe('plex_unavailable');
  });

  it('makes exactly one Plex request for 100 concurrent identical cold calls', async () => {
    s.sim.resetRequestCounts();
    const clients = await Promise.all(Array.from({ length: 4 }, () => s.client()));
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (clients[i % clients.length] as Client).callTool({
          name: 'search_media',
          arguments: { query: 'Crimson', limit: 7 },
        }),
      ),
    );
    expect(results.filter((r) => r.isError)).toEqual([]);
    expect(new Set(results.map((r) => JSON.stringify(r.structuredContent))).size).toBe(1);
    expect(count(s.sim, '/hubs/search')).toBe(1);
  });

  it('never caches control_playback and invalidates cached sessions after it', async () => {
    s.sim.reset();
    const before = await client.callTool({ name: 'get_playback_status', arguments: {} });
    const sessions = (before.structuredContent as { sessions: Array<{ session_id: string; state: string }> })
      .sessions;
    const playing = sessions.find((x) => x.state === 'playing');
    if (!playing) throw new Error('simulator has no playing session');
    const sessionReads = count(s.sim, '/status/sessions');
    await client.callTool({ name: 'get_playback_status', arguments: {} });
    expect(count(s.sim, '/status/sessions')).toBe(sessionReads); // cached (30 s TTL)

    const paused = await client.callTool({
      name: 'control_playback',
      arguments: { action: 'pause', session_id: playing.session_id },
    });
    expect(paused.isError).toBeFalsy();
    const after = await client.callTool({ name: 'get_playback_status', arguments: {} });
    const now = (after.structuredContent as { sessions: Array<{ session_id: string; state: string }> })
      .sessions;
    expect(now.find((x) => x.session_id === playing.session_id)?.state).toBe('paused');
  });

  it('turns a garbage Plex body into plex_unavailable, not a crash, and recovers', async () => {
    s.sim.setFault({ mode: 'garbage' });
    const bad = await client.callTool({ name: 'get_recently_added', arguments: { limit: 3 } });
    expect(bad.isError).toBe(true);
    expect(errorCodeOf(bad)).toBe('plex_unavailable');
    s.sim.setFault({ mode: 'none' });
    const good = await client.callTool({ name: 'get_recently_added', arguments: { limit: 3 } });
    expect(good.isError).toBeFalsy();
  });

  it('gives a too-slow Plex one deadline (PLEX_TIMEOUT) per call and never retries the read that ran into it', async () => {
    s.sim.reset();
    s.sim.setFault({ mode: 'slow', delay_ms: 3_000 });
    const started = Date.now();
    const slow = await client.callTool({ name: 'get_on_deck', arguments: { limit: 2 } });
    expect(slow.isError).toBe(true);
    expect(errorCodeOf(slow)).toBe('plex_unavailable');
    expect(count(s.sim, '/library/onDeck')).toBe(1);
    // One 1 s deadline, not a 3 s answer: the deadline cut the call (a loose bound, not a speed claim).
    expect(Date.now() - started).toBeLessThan(2_900);
  });

  it('answers stale when Plex is too slow (timeout) and an expired entry exists', async () => {
    const movie = s.sim.catalog.movies[3];
    if (!movie) throw new Error('catalog too small');
    const fresh = await client.callTool({
      name: 'get_media_details',
      arguments: { media_id: movie.ratingKey },
    });
    expect(fresh.isError).toBeFalsy();
    await sleep(1_100);
    s.sim.setFault({ mode: 'slow', delay_ms: 3_000 });
    const stale = await client.callTool({
      name: 'get_media_details',
      arguments: { media_id: movie.ratingKey },
    });
    expect(stale.isError).toBeFalsy();
    expect(stale.structuredContent).toMatchObject({ stale: true });
  });
});
