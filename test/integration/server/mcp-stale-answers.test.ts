/**
 * The tools' side of stale answers: with the real (in-memory) cache, an entry past its TTL is served when Plex is
 * down, and the result says so (stale: true, cached_at, a warning line). Without an entry: plex_unavailable.
 * Fresh results carry neither field. control_playback drops the cached sessions.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCodeOf, type Harness, startHarness, textOf } from './support/mcp-harness.ts';

let h: Harness;
let client: Client;
// A fresh server per test: the circuit breaker opens after 5 consecutive Plex failures and would otherwise carry
// one test's outage into the next.
beforeEach(async () => {
  h = await startHarness({
    CACHE_ENABLED: 'true',
    CACHE_TTL_LIBRARIES: '1',
    CACHE_TTL_MEDIA_DETAILS: '1',
    CACHE_TTL_SEARCH: '1',
    CACHE_TTL_SESSIONS: '60',
    PLEX_TIMEOUT: '1',
  });
  client = await h.connect();
});
afterEach(async () => {
  await h?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('stale answers', () => {
  it('serves an expired entry with stale: true and cached_at while Plex is down', async () => {
    const movie = h.sim.catalog.movies[4];
    // cached_at is when Plex answered: after this call started (the whole call, poster included, may take > 1 s).
    const fetchedAfter = Date.now();
    const fresh = await client.callTool({
      name: 'get_media_details',
      arguments: { media_id: movie?.ratingKey },
    });
    expect(fresh.isError).toBeFalsy();
    expect(fresh.structuredContent).not.toHaveProperty('stale');
    expect(fresh.structuredContent).not.toHaveProperty('cached_at');

    await sleep(1_200); // past the 1 s TTL
    h.sim.setFault({ mode: 'down' });
    try {
      const stale = await client.callTool({
        name: 'get_media_details',
        arguments: { media_id: movie?.ratingKey },
      });
      expect(stale.isError, textOf(stale)).toBeFalsy();
      const sc = stale.structuredContent as { stale: boolean; cached_at: string; item: { title: string } };
      expect(sc.stale).toBe(true);
      expect(sc.item.title).toBe(movie?.title);
      expect(Date.parse(sc.cached_at)).toBeGreaterThanOrEqual(fetchedAfter);
      expect(Date.parse(sc.cached_at)).toBeLessThan(Date.now());
      expect(textOf(stale).split('\n')[0]).toMatch(/^Warning: Plex is unavailable/);

      // Never asked before: nothing to serve.
      const other = await client.callTool({
        name: 'get_media_details',
        arguments: { media_id: h.sim.catalog.movies[9]?.ratingKey },
      });
      expect(errorCodeOf(other)).toBe('plex_unavailable');
    } finally {
      h.sim.setFault({ mode: 'none' });
    }
  });

  it('search with a library name is stale when the libraries lookup was stale', async () => {
    const args = { query: h.sim.catalog.movies[1]?.title ?? 'x', library: 'Movies' };
    expect((await client.callTool({ name: 'search_media', arguments: args })).isError).toBeFalsy();
    await sleep(1_200);
    h.sim.setFault({ mode: 'error' });
    try {
      const stale = await client.callTool({ name: 'search_media', arguments: args });
      expect(stale.isError, textOf(stale)).toBeFalsy();
      expect(stale.structuredContent).toMatchObject({ stale: true });
    } finally {
      h.sim.setFault({ mode: 'none' });
    }
  });

  it('control_playback invalidates cached sessions so the next status is current', async () => {
    h.sim.reset();
    const before = await client.callTool({ name: 'get_playback_status', arguments: {} });
    const playing = (
      before.structuredContent as { sessions: Array<{ session_id: string; state: string }> }
    ).sessions.find((s) => s.state === 'playing');
    await client.callTool({
      name: 'control_playback',
      arguments: { action: 'pause', session_id: playing?.session_id },
    });
    const after = await client.callTool({ name: 'get_playback_status', arguments: {} });
    const session = (
      after.structuredContent as { sessions: Array<{ session_id: string; state: string }> }
    ).sessions.find((s) => s.session_id === playing?.session_id);
    expect(session?.state).toBe('paused');
  });
});
