/**
 * Event-driven cache invalidation across replicas sharing a real Redis: an item added to (or removed from) Plex
 * shows in get_recently_added on the next call on both replicas, long before the 120 s TTL, also on a replica
 * that does not follow the stream itself (the shared entries were dropped by the one that does); a scan's end
 * refreshes list_libraries. Without the stream the same call keeps answering the cached list (the control that
 * shows the test can fail).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisBinary } from '../../support/redis-binary.ts';
import { type RunningRedis, startRedisServer } from '../../support/redis-server.ts';
import { type LiveHarness, startLive, timeUntil } from './support/live-harness.ts';
import { type ToolCaller, toolCaller } from './support/tool-caller.ts';

describe.skipIf(!redisBinary)('cache entries dropped by Plex events, across replicas sharing Redis', () => {
  let redis: RunningRedis;
  let h: LiveHarness;
  let a: ToolCaller;
  let b: ToolCaller;
  let quiet: ToolCaller;

  beforeAll(async () => {
    redis = await startRedisServer({ binary: redisBinary as string });
    // Replica 0 and 1 follow the stream; replica 2 does not, and relies on the shared Redis alone.
    h = await startLive({
      replicas: 3,
      env: { REDIS_URL: redis.url },
      replicaEnv: [{}, {}, { PLEX_EVENTS: 'false' }],
    });
    await h.allConnected();
    for (const s of h.servers) await timeUntil(async () => s.deps.cache.status().connected);
    const callers = await Promise.all([0, 1, 2].map(async (i) => toolCaller(await h.connect(i))));
    [a, b, quiet] = callers as [ToolCaller, ToolCaller, ToolCaller];
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  const newest = async (tools: ToolCaller): Promise<string | undefined> =>
    (await tools.call('get_recently_added', { limit: 5 })).items[0]?.id;

  it('an added item shows on the next call on every replica, not after the TTL', async () => {
    // Warm the shared entry and each replica's view of it.
    const before = await newest(a);
    expect(await newest(b)).toBe(before);
    expect(await newest(quiet)).toBe(before);
    const item = h.sim.addItem({ title: 'Fresh Off The Scanner' });
    // One stream event away: within a second on each replica (the TTL is 120 s).
    for (const tools of [a, b, quiet]) {
      const ms = await timeUntil(async () => (await newest(tools)) === item.ratingKey, 2_000);
      expect(ms).toBeLessThan(1_000);
    }
    const details = await a.call('get_media_details', { media_id: item.ratingKey });
    expect(details.item.title).toBe('Fresh Off The Scanner');

    h.sim.removeItem(item.ratingKey);
    for (const tools of [a, b, quiet]) {
      const ms = await timeUntil(async () => (await newest(tools)) !== item.ratingKey, 2_000);
      expect(ms).toBeLessThan(1_000);
    }
    // Its cached details went with it: the next call asks Plex and learns it is gone.
    const gone = await a.raw('get_media_details', { media_id: item.ratingKey });
    expect(gone.isError).toBe(true);
  });

  it('a finished scan refreshes list_libraries (scanned_at), on every replica', async () => {
    const scannedAt = async (tools: ToolCaller) =>
      (await tools.call('list_libraries')).libraries.find((l: { id: string }) => l.id === '1')?.scanned_at;
    const before = await scannedAt(a);
    expect(await scannedAt(quiet)).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // scannedAt has one-second resolution
    const res = await fetch(`${h.sim.url}/library/sections/1/refresh`, {
      headers: { 'X-Plex-Token': h.sim.token },
    });
    expect(res.status).toBe(200);
    await timeUntil(async () => h.sim.scansFinished() > 0, 5_000);
    for (const tools of [a, b, quiet])
      await timeUntil(async () => (await scannedAt(tools)) !== before, 2_000);
  });
});

describe('without the event stream (control)', () => {
  let h: LiveHarness;
  let tools: ToolCaller;
  beforeAll(async () => {
    h = await startLive({ env: { PLEX_EVENTS: 'false' } });
    tools = await toolCaller(await h.connect(0));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps answering the cached list until the TTL', async () => {
    const before = (await tools.call('get_recently_added', { limit: 5 })).items[0]?.id;
    const item = h.sim.addItem({ title: 'Unannounced' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = (await tools.call('get_recently_added', { limit: 5 })).items[0]?.id;
    expect(after).toBe(before);
    expect(after).not.toBe(item.ratingKey);
  });
});
