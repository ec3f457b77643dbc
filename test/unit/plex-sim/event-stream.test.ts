// The simulator's event stream (/:/eventsource/notifications): Plex's NotificationContainer shapes for playback,
// library items and scans, published when the state changes; the stream faults (refuse, drop mid-event, stall)
// and the lagging session list. Every message is checked with the server's own event schemas
// (server/live/plex-events.ts), and broken copies must fail them.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  NotificationSchema,
  type PlexNotification,
  parseNotification,
} from '../../../server/live/plex-events.ts';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';
import { openSse, type SseReader } from '../../support/sse-reader.ts';

const TOKEN = 'unit-test-plex-token-events';
let sim: PlexSimulator;
const open: SseReader[] = [];

beforeAll(async () => {
  sim = await startPlexSimulator({ token: TOKEN, items: 120, scanStepMs: 20, heartbeatMs: 100 });
});
afterAll(async () => {
  for (const r of open) r.close();
  await sim.close();
});
beforeEach(() => {
  for (const r of open.splice(0)) r.close();
  sim.reset();
});

async function stream(filters = 'playing,timeline,activity', token = TOKEN): Promise<SseReader> {
  const reader = await openSse(`${sim.url}/:/eventsource/notifications?filters=${filters}`, {
    'X-Plex-Token': token,
  });
  open.push(reader);
  return reader;
}

function plex(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return fetch(`${sim.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { Accept: 'application/json', 'X-Plex-Token': TOKEN, ...init.headers },
  });
}

const notifications = (r: SseReader, type: string): PlexNotification[] =>
  r.messages
    .filter((m) => m.event === type)
    .map((m) => parseNotification(m.event, m.data))
    .filter((n): n is PlexNotification => n !== undefined);

async function command(player: string, action: string, query = ''): Promise<void> {
  const res = await plex(`/player/playback/${action}${query}`, {
    headers: { 'X-Plex-Target-Client-Identifier': player },
  });
  expect(res.status).toBe(200);
}

describe('plex-sim event stream', () => {
  it('needs the token, answers text/event-stream and sends heartbeats', async () => {
    const refused = await fetch(`${sim.url}/:/eventsource/notifications`);
    expect(refused.status).toBe(401);
    const r = await stream();
    expect(r.status).toBe(200);
    await r.waitFor(1, (m) => m.event === 'ping');
    expect(sim.streamConnections()).toBe(1);
  });

  it('publishes playing events for pause, play, seek and stop, in Plex shapes', async () => {
    const r = await stream();
    const [session] = sim.sessions();
    if (!session) throw new Error('no session');
    const player = session.player.machineIdentifier;
    await command(player, 'pause');
    await command(player, 'play');
    await command(player, 'seekTo', '?offset=60000');
    await command(player, 'stop');
    await r.waitFor(4, (m) => m.event === 'playing');
    const states = notifications(r, 'playing').map((n) =>
      n.type === 'playing'
        ? n.PlaySessionStateNotification.map((p) => [p.sessionKey, p.state, p.viewOffset])
        : [],
    );
    expect(states).toEqual([
      [[session.sessionKey, 'paused', session.viewOffset]],
      [[session.sessionKey, 'playing', session.viewOffset]],
      [[session.sessionKey, 'playing', 60_000]],
      [[session.sessionKey, 'stopped', 60_000]],
    ]);
    const first = JSON.parse(r.messages.find((m) => m.event === 'playing')?.data ?? '{}');
    expect(first.NotificationContainer.PlaySessionStateNotification[0]).toMatchObject({
      clientIdentifier: player,
      ratingKey: session.ratingKey,
      key: `/library/metadata/${session.ratingKey}`,
    });
    // The schema is strict where it matters: a state Plex never sends, or a missing sessionKey, fails.
    const badState = structuredClone(first);
    badState.NotificationContainer.PlaySessionStateNotification[0].state = 'running';
    expect(NotificationSchema.safeParse(badState).success).toBe(false);
    const noKey = structuredClone(first);
    delete noKey.NotificationContainer.PlaySessionStateNotification[0].sessionKey;
    expect(NotificationSchema.safeParse(noKey).success).toBe(false);
  });

  it('honours filters: timeline-only listeners get no playing events', async () => {
    const r = await stream('timeline');
    const [session] = sim.sessions();
    if (!session) throw new Error('no session');
    await command(session.player.machineIdentifier, 'pause');
    const item = sim.addItem({ title: 'Filtered Arrival' });
    await r.waitFor(2, (m) => m.event === 'timeline');
    expect(r.messages.filter((m) => m.event === 'playing')).toEqual([]);
    expect(item.ratingKey).toBeTruthy();
  });

  it('announces added and removed items as timeline entries; the item is listed at once', async () => {
    const r = await stream();
    const item = sim.addItem({ title: 'Brand New Film' });
    await r.waitFor(2, (m) => m.event === 'timeline');
    const entries = notifications(r, 'timeline').flatMap((n) =>
      n.type === 'timeline' ? n.TimelineEntry : [],
    );
    expect(entries.map((e) => [e.itemID, e.state, e.sectionID, e.type])).toEqual([
      [item.ratingKey, 0, '1', 1],
      [item.ratingKey, 5, '1', 1],
    ]);
    const recent = (await (await plex('/library/recentlyAdded')).json()) as {
      MediaContainer: { Metadata: { ratingKey: string }[] };
    };
    expect(recent.MediaContainer.Metadata[0]?.ratingKey).toBe(item.ratingKey);
    const search = (await (await plex('/hubs/search?query=Brand%20New%20Film')).json()) as {
      MediaContainer: { Hub: { type: string; Metadata?: { ratingKey: string }[] }[] };
    };
    expect(search.MediaContainer.Hub.find((h) => h.type === 'movie')?.Metadata?.[0]?.ratingKey).toBe(
      item.ratingKey,
    );

    sim.removeItem(item.ratingKey);
    await r.waitFor(3, (m) => m.event === 'timeline');
    const last = notifications(r, 'timeline').at(-1);
    expect(last?.type === 'timeline' ? last.TimelineEntry[0]?.state : undefined).toBe(9);
    expect((await plex(`/library/metadata/${item.ratingKey}`)).status).toBe(404);
    sim.reset();
    expect(sim.catalog.byRatingKey.has(item.ratingKey)).toBe(false);
  });

  it('runs a scan: activity started, updated with rising progress, ended; /activities shows it meanwhile', async () => {
    const r = await stream();
    expect((await plex('/library/sections/1/refresh', { method: 'POST' })).status).toBe(200);
    await r.waitFor(1, (m) => m.event === 'activity');
    const running = (await (await plex('/activities')).json()) as {
      MediaContainer: { size: number; Activity?: { type: string }[] };
    };
    expect(running.MediaContainer.Activity?.[0]?.type).toBe('library.update.section');
    await r.waitFor(1, (m) => m.event === 'activity' && m.data.includes('"ended"'));
    const steps = notifications(r, 'activity').flatMap((n) =>
      n.type === 'activity' ? n.ActivityNotification.map((a) => [a.event, a.Activity.progress]) : [],
    );
    expect(steps[0]).toEqual(['started', 0]);
    expect(steps.at(-1)).toEqual(['ended', 100]);
    const progress = steps.map((s) => s[1] as number);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(steps.slice(1, -1).every((s) => s[0] === 'updated')).toBe(true);
    const uuids = new Set(
      notifications(r, 'activity').flatMap((n) =>
        n.type === 'activity' ? n.ActivityNotification.map((a) => a.uuid) : [],
      ),
    );
    expect(uuids.size).toBe(1);
    expect(sim.scansFinished()).toBe(1);
    const after = (await (await plex('/activities')).json()) as { MediaContainer: { size: number } };
    expect(after.MediaContainer.size).toBe(0);
    expect((await plex('/library/sections/99/refresh')).status).toBe(404);
  });
});

describe('plex-sim event stream faults', () => {
  it('refuse: new connections get 404, as from a PMS without the endpoint', async () => {
    sim.setStreamFault({ mode: 'refuse' });
    const res = await plex('/:/eventsource/notifications');
    expect(res.status).toBe(404);
  });

  it('drop: the next event arrives cut in half and the connection closes (once)', async () => {
    const r = await stream();
    await r.waitFor(1, (m) => m.event === 'ping');
    sim.setStreamFault({ mode: 'drop' });
    const [session] = sim.sessions();
    if (!session) throw new Error('no session');
    await command(session.player.machineIdentifier, 'pause');
    await r.ended;
    expect(r.raw()).toContain('event: playing\ndata: {"NotificationContainer"');
    expect(r.messages.filter((m) => m.event === 'playing')).toEqual([]);
    // Back to normal for the next connection.
    const again = await stream();
    await command(session.player.machineIdentifier, 'play');
    await again.waitFor(1, (m) => m.event === 'playing');
  });

  it('stall: the connection stays open and carries nothing, heartbeats included', async () => {
    const r = await stream();
    sim.setStreamFault({ mode: 'stall' });
    const before = r.messages.length;
    const [session] = sim.sessions();
    if (!session) throw new Error('no session');
    await command(session.player.machineIdentifier, 'pause');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.messages.length).toBe(before);
    expect(sim.streamConnections()).toBe(1);
  });

  it('lagging session list: /status/sessions keeps a stopped stream; the event says stopped at once', async () => {
    sim.setSessionListLag(60_000);
    const r = await stream();
    const [session] = sim.sessions();
    if (!session) throw new Error('no session');
    await command(session.player.machineIdentifier, 'stop');
    await r.waitFor(1, (m) => m.event === 'playing' && m.data.includes('"stopped"'));
    const listed = (await (await plex('/status/sessions')).json()) as {
      MediaContainer: { size: number; Metadata: { sessionKey: string }[] };
    };
    expect(listed.MediaContainer.Metadata.map((m) => m.sessionKey)).toContain(session.sessionKey);
    expect(sim.sessions().map((s) => s.sessionKey)).not.toContain(session.sessionKey);
    sim.setSessionListLag(0);
    const fixed = (await (await plex('/status/sessions')).json()) as {
      MediaContainer: { Metadata: { sessionKey: string }[] };
    };
    expect(fixed.MediaContainer.Metadata.map((m) => m.sessionKey)).not.toContain(session.sessionKey);
  });

  it('rejects unknown stream faults through the hook', async () => {
    const bad = await fetch(`${sim.url}/__sim/stream-faults`, { method: 'POST', body: '{"mode":"explode"}' });
    expect(bad.status).toBe(400);
    const ok = await fetch(`${sim.url}/__sim/stream-faults`, { method: 'POST', body: '{"mode":"refuse"}' });
    expect(ok.status).toBe(200);
    expect((await plex('/:/eventsource/notifications')).status).toBe(404);
  });
});
