/**
 * The live session table (server/live/) against the simulator's event stream, through real SDK clients:
 * get_playback_status is right within a second of a pause or stop (also when Plex's own session list lags and
 * keeps the stopped stream), and the stream dropping, stalling or being refused ends in a reconnect or a clean
 * fallback to Plex's session list, without a single failed tool call. /health/ready and get_plex_status say
 * which mode the server is in.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LiveHarness, startLive, timeUntil } from './support/live-harness.ts';
import { type ToolCaller, toolCaller } from './support/tool-caller.ts';

let h: LiveHarness;
let tools: ToolCaller;

beforeAll(async () => {
  h = await startLive();
  await h.allConnected();
  tools = await toolCaller(await h.connect(0));
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  h.sim.setStreamFault({ mode: 'none' });
  h.sim.setFault({ mode: 'none' });
  h.sim.setSessionListLag(0);
});

async function command(player: string, action: string): Promise<void> {
  const res = await fetch(`${h.sim.url}/player/playback/${action}`, {
    headers: { 'X-Plex-Token': h.sim.token, 'X-Plex-Target-Client-Identifier': player },
  });
  expect(res.status).toBe(200);
}

async function sessionIds(): Promise<string[]> {
  const status = await tools.call('get_playback_status');
  return status.sessions.map((s: { session_id: string }) => s.session_id);
}

async function stateOf(sessionId: string): Promise<string | undefined> {
  const status = await tools.call('get_playback_status');
  return status.sessions.find((s: { session_id: string }) => s.session_id === sessionId)?.state;
}

describe('live sessions', () => {
  it('reports the stream as live on /health/ready and in get_plex_status', async () => {
    const ready = await h.get(0, '/health/ready');
    expect(ready.body).toMatchObject({
      checks: { events: { status: 'ok', mode: 'live', state: 'connected' } },
    });
    const status = await tools.call('get_plex_status');
    expect(status.events).toBe('live');
    expect(tools.lastText()).toContain('event stream');
  });

  it('answers from the event stream: a pause shows within a second, without asking Plex for the list', async () => {
    h.sim.reset();
    await h.allConnected();
    const [session] = h.sim.sessions();
    if (!session) throw new Error('no session');
    await timeUntil(async () => (await stateOf(session.sessionId)) === 'playing');
    const listedBefore = h.sim.requestCounts()['/status/sessions'] ?? 0;
    await command(session.player.machineIdentifier, 'pause');
    const ms = await timeUntil(async () => (await stateOf(session.sessionId)) === 'paused');
    expect(ms).toBeLessThan(1_000);
    expect(h.sim.requestCounts()['/status/sessions'] ?? 0).toBe(listedBefore);
  });

  it('lagging session list: a stopped stream is gone within a second though Plex still lists it', async () => {
    h.sim.reset();
    await h.allConnected();
    h.sim.setSessionListLag(10 * 60_000);
    const [session] = h.sim.sessions();
    if (!session) throw new Error('no session');
    await timeUntil(async () => (await sessionIds()).includes(session.sessionId));
    await command(session.player.machineIdentifier, 'stop');
    const ms = await timeUntil(async () => !(await sessionIds()).includes(session.sessionId));
    expect(ms).toBeLessThan(1_000);
    // Plex's own list still shows it; a new stream makes the table re-read that list, and the ghost stays out.
    const listed = await fetch(`${h.sim.url}/status/sessions`, {
      headers: { Accept: 'application/json', 'X-Plex-Token': h.sim.token },
    });
    const body = (await listed.json()) as { MediaContainer: { Metadata: { Session: { id: string } }[] } };
    expect(body.MediaContainer.Metadata.map((m) => m.Session.id)).toContain(session.sessionId);
    const bedroom = h.sim.catalog.players[2];
    const movie = h.sim.catalog.movies[3];
    if (!bedroom || !movie) throw new Error('catalog too small');
    const play = await fetch(
      `${h.sim.url}/player/playback/playMedia?key=/library/metadata/${movie.ratingKey}&offset=0`,
      {
        headers: {
          'X-Plex-Token': h.sim.token,
          'X-Plex-Target-Client-Identifier': bedroom.machineIdentifier,
        },
      },
    );
    expect(play.status).toBe(200);
    await timeUntil(async () => (await sessionIds()).length === 2);
    expect(await sessionIds()).not.toContain(session.sessionId);
  });
});

describe('stream faults end in a reconnect or a clean fallback, with no failed tool call', () => {
  /** Calls get_playback_status in a loop while `during` runs; every call must succeed. */
  async function callingThroughout(during: () => Promise<void>): Promise<number> {
    let running = true;
    let calls = 0;
    const failures: string[] = [];
    const loop = (async () => {
      while (running) {
        const result = await tools.raw('get_playback_status');
        calls++;
        if (result.isError) failures.push(JSON.stringify(result.content));
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    try {
      await during();
    } finally {
      running = false;
      await loop;
    }
    expect(failures).toEqual([]);
    return calls;
  }

  const reconnects = () => h.servers[0]?.deps.live?.status().stream.reconnects ?? 0;

  it('drop mid-event: reconnects, reconciles, and the dropped change is not lost', async () => {
    h.sim.reset();
    await h.allConnected();
    const [session] = h.sim.sessions();
    if (!session) throw new Error('no session');
    const before = reconnects();
    const calls = await callingThroughout(async () => {
      h.sim.setStreamFault({ mode: 'drop' });
      await command(session.player.machineIdentifier, 'pause'); // this event is cut in half
      await timeUntil(async () => reconnects() > before);
      await h.allConnected();
      // The reconcile after reconnecting read the pause back from Plex's list.
      await timeUntil(async () => (await stateOf(session.sessionId)) === 'paused', 3_000);
    });
    expect(calls).toBeGreaterThan(0);
  });

  it('stall: the idle timeout reopens the stream', async () => {
    const before = reconnects();
    await callingThroughout(async () => {
      h.sim.setStreamFault({ mode: 'stall' });
      await timeUntil(async () => reconnects() > before, 6_000);
      h.sim.setStreamFault({ mode: 'none' });
      await h.allConnected();
    });
    expect(h.servers[0]?.deps.live?.status().mode).toBe('live');
  });

  it('Plex down: the stream falls back, the tool answers stale from the last live copy, the stream returns with Plex', async () => {
    h.sim.reset();
    await h.allConnected();
    const live = await tools.call('get_playback_status'); // a copy of the live answer is kept for this day
    await new Promise((resolve) => setTimeout(resolve, 50));
    await callingThroughout(async () => {
      h.sim.setFault({ mode: 'down' });
      h.sim.setStreamFault({ mode: 'drop' });
      h.sim.addItem(); // an event: it is cut in half and the open stream goes; reconnecting meets a dead Plex
      await timeUntil(async () => h.servers[0]?.deps.live?.status().mode === 'fallback', 5_000);
      const ready = await h.get(0, '/health/ready');
      expect(ready.body).toMatchObject({ checks: { events: { status: 'degraded', state: 'disconnected' } } });
      const fallback = await tools.call('get_playback_status');
      expect(fallback).toMatchObject({ stale: true, count: live.count });
      expect(tools.lastText()).toContain('Plex is unavailable');
      h.sim.setFault({ mode: 'none' });
      await h.allConnected();
    });
  });

  it('refused: falls back to Plex session list (degraded, reported), and answers right', async () => {
    h.sim.reset();
    await h.allConnected();
    const [session] = h.sim.sessions();
    if (!session) throw new Error('no session');
    await callingThroughout(async () => {
      // The open connection drops at the next event, and the reconnect meets a refusal.
      h.sim.setStreamFault({ mode: 'drop' });
      await command(session.player.machineIdentifier, 'pause');
      h.sim.setStreamFault({ mode: 'refuse' });
      await timeUntil(async () => h.servers[0]?.deps.live?.status().stream.state === 'unsupported', 5_000);
    });
    const ready = await h.get(0, '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'degraded',
      checks: { events: { status: 'degraded', mode: 'fallback', state: 'unsupported' } },
    });
    const status = await tools.call('get_plex_status');
    expect(status.events).toBe('fallback');
    expect(tools.lastText()).toMatch(/event stream.*(unavailable|not available)/i);
    // The fallback is Plex's list behind the cache, as before the stream existed.
    expect(await stateOf(session.sessionId)).toBe('paused');
  });
});
