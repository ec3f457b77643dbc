/**
 * The plex:// resources through real SDK clients: listed and read (stable JSON and a short text, the cache
 * lifetime advertised), and subscriptions that notify within a second of a change, whichever replica made it:
 * - 2026-07-28 over HTTP: `subscriptions/listen` on replica 0 hears play/pause/stop made through replica 1
 *   (control_playback) via the Redis event bus, and the read after the notice shows the new state;
 * - 2025-era HTTP is stateless, so subscriptions are not offered there (reads work);
 * - stdio, both eras: `resources/subscribe` (2025) and `subscriptions/listen` (2026) hear a pause.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';
import { redisBinary } from '../../support/redis-binary.ts';
import { type RunningRedis, startRedisServer } from '../../support/redis-server.ts';
import { type LiveHarness, startLive, timeUntil } from './support/live-harness.ts';
import { ERAS, randomToken } from './support/mcp-harness.ts';
import { connectStdioClient, MAIN_TS } from './support/spawn-server.ts';
import { toolCaller } from './support/tool-caller.ts';

const FIXED = ['plex://server', 'plex://libraries', 'plex://sessions', 'plex://playlists'];

/** Collects resource-updated notifications with arrival times. */
function updates(client: Client) {
  const seen: { uri: string; at: number }[] = [];
  client.setNotificationHandler('notifications/resources/updated', (n) => {
    seen.push({ uri: n.params.uri, at: performance.now() });
  });
  return {
    seen,
    async next(uri: string, after: number, timeoutMs = 3_000): Promise<number> {
      await timeUntil(async () => seen.some((s) => s.uri === uri && s.at >= after), timeoutMs, 5);
      const first = seen.find((s) => s.uri === uri && s.at >= after);
      return (first?.at ?? after) - after;
    },
  };
}

async function sessionState(client: Client, sessionId: string): Promise<string | undefined> {
  const read = await client.readResource({ uri: 'plex://sessions' });
  const json = read.contents.find((c) => c.mimeType === 'application/json') as { text: string };
  const body = JSON.parse(json.text) as { sessions: { session_id: string; state: string }[] };
  return body.sessions.find((s) => s.session_id === sessionId)?.state ?? 'gone';
}

describe('plex:// resources: listing and reading', () => {
  let h: LiveHarness;
  beforeAll(async () => {
    h = await startLive();
    await h.allConnected();
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each(ERAS)('lists the four resources and the item template, and reads them (%s era)', async (era) => {
    const client = await h.connect(0, era);
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri).filter((u) => u.startsWith('plex://'))).toEqual(FIXED);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('plex://item/{id}');
    for (const uri of FIXED) {
      const read = await client.readResource({ uri });
      expect(read.contents.map((c) => c.mimeType)).toEqual(['application/json', 'text/plain']);
      expect(() => JSON.parse((read.contents[0] as { text: string }).text)).not.toThrow();
      expect((read.contents[1] as { text: string }).text.length).toBeGreaterThan(0);
    }
    const movie = h.sim.catalog.movies[4];
    if (!movie) throw new Error('no movie');
    const item = await client.readResource({ uri: `plex://item/${movie.ratingKey}` });
    const json = JSON.parse((item.contents[0] as { text: string }).text) as { item: { title: string } };
    expect(json.item.title).toBe(movie.title);
    // Text and JSON say the same thing (the text names the item too).
    expect((item.contents[1] as { text: string }).text).toContain(movie.title);
    await expect(client.readResource({ uri: 'plex://item/999999999' })).rejects.toThrow();
    // The lifetime the server keeps the answer for is advertised to the client.
    const meta = (item.contents[0] as { _meta?: Record<string, unknown> })._meta;
    expect(meta?.['plexmcp.dev/ttl_ms']).toBe(h.config.cache.ttlSeconds.mediaDetails * 1000);
    if (era === 'modern')
      expect((item as { ttlMs?: number }).ttlMs).toBe(h.config.cache.ttlSeconds.mediaDetails * 1000);
    // Stateless 2025-era HTTP has no stream to push on: subscriptions are not offered there.
    expect(client.getServerCapabilities()?.resources?.subscribe ?? false).toBe(era === 'modern');
  });
});

describe.skipIf(!redisBinary)('subscriptions across replicas sharing Redis (2026-07-28 listen)', () => {
  let redis: RunningRedis;
  let h: LiveHarness;
  beforeAll(async () => {
    redis = await startRedisServer({ binary: redisBinary as string });
    h = await startLive({ replicas: 2, env: { REDIS_URL: redis.url } });
    await h.allConnected();
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  it('a client listening on replica 0 hears play, pause and stop made through replica 1 within a second', async () => {
    const listener = await h.connect(0, 'modern');
    const seen = updates(listener);
    const subscription = await listener.listen({ resourceSubscriptions: ['plex://sessions'] });
    expect(subscription.honoredFilter.resourceSubscriptions).toEqual(['plex://sessions']);
    const controller = await toolCaller(await h.connect(1, 'modern'));
    const [session] = h.sim.sessions();
    if (!session) throw new Error('no session');
    const steps: [string, string][] = [
      ['pause', 'paused'],
      ['play', 'playing'],
      ['stop', 'gone'],
    ];
    for (const [action, state] of steps) {
      const started = performance.now();
      await controller.call('control_playback', { action, session_id: session.sessionId });
      const ms = await seen.next('plex://sessions', started);
      expect(ms, `${action} notification`).toBeLessThan(1_000);
      // Reading after the notices shows the new state (a trailing notice follows the last change).
      await timeUntil(async () => (await sessionState(listener, session.sessionId)) === state, 1_000);
    }
    await subscription.close();
  });

  it('a Plex-side change (no tool call) reaches listeners on both replicas', async () => {
    h.sim.reset();
    await h.allConnected();
    const clients = await Promise.all([h.connect(0, 'modern'), h.connect(1, 'modern')]);
    const seen = clients.map(updates);
    const subs = await Promise.all(
      clients.map((c) => c.listen({ resourceSubscriptions: ['plex://libraries'] })),
    );
    const started = performance.now();
    const item = h.sim.addItem({ title: 'Subscribed Arrival' });
    for (const s of seen) expect(await s.next('plex://libraries', started)).toBeLessThan(1_000);
    expect(item.ratingKey).toBeTruthy();
    await Promise.all(subs.map((s) => s.close()));
  });
});

describe.skipIf(!redisBinary)('the Redis event bus alone carries a change to another replica', () => {
  let redis: RunningRedis;
  let h: LiveHarness;
  beforeAll(async () => {
    redis = await startRedisServer({ binary: redisBinary as string });
    // No replica follows Plex's stream: only replica 1's own write, published on Redis, can tell replica 0.
    h = await startLive({ replicas: 2, env: { REDIS_URL: redis.url, PLEX_EVENTS: 'false' } });
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  it('a pause through replica 1 notifies a listener on replica 0', async () => {
    const listener = await h.connect(0, 'modern');
    const seen = updates(listener);
    const subscription = await listener.listen({ resourceSubscriptions: ['plex://sessions'] });
    const controller = await toolCaller(await h.connect(1, 'modern'));
    const [session] = h.sim.sessions();
    if (!session) throw new Error('no session');
    const started = performance.now();
    await controller.call('control_playback', { action: 'pause', session_id: session.sessionId });
    expect(await seen.next('plex://sessions', started)).toBeLessThan(1_000);
    await subscription.close();
  });
});

describe.each(ERAS)('stdio subscriptions (%s era)', (era) => {
  let sim: PlexSimulator;
  let client: Client;
  beforeAll(async () => {
    sim = await startPlexSimulator({ port: 0, token: randomToken(), heartbeatMs: 500 });
    client = await connectStdioClient(MAIN_TS, sim, { name: 'stdio-live', era });
    await timeUntil(async () => sim.streamConnections() > 0, 10_000);
  });
  afterAll(async () => {
    await client?.close();
    await sim?.close();
  });

  it('notifies within a second of a pause on Plex', async () => {
    expect(client.getServerCapabilities()?.resources?.subscribe).toBe(true);
    const seen = updates(client);
    let subscription: { close(): Promise<void> } | undefined;
    if (era === 'modern') subscription = await client.listen({ resourceSubscriptions: ['plex://sessions'] });
    else await client.subscribeResource({ uri: 'plex://sessions' });
    const [session] = sim.sessions();
    if (!session) throw new Error('no session');
    const started = performance.now();
    const res = await fetch(`${sim.url}/player/playback/pause`, {
      headers: {
        'X-Plex-Token': sim.token,
        'X-Plex-Target-Client-Identifier': session.player.machineIdentifier,
      },
    });
    expect(res.status).toBe(200);
    expect(await seen.next('plex://sessions', started)).toBeLessThan(1_000);
    await timeUntil(async () => (await sessionState(client, session.sessionId)) === 'paused', 1_000);
    // Only what was subscribed: no notice for plex://playlists.
    expect(seen.seen.filter((s) => s.uri === 'plex://playlists')).toEqual([]);
    await subscription?.close();
  });
});
