// The live session table: events change state and position at once, a stop removes the session and keeps it out
// of a lagging Plex list until the list catches up, an unknown session makes the table re-read the list (and
// callers wait for that read), and a re-read keeps what events already said.
import { describe, expect, it } from 'vitest';
import type { PlaybackSession } from '../../../../server/domain/session.ts';
import { LiveSessionTable } from '../../../../server/live/live-sessions.ts';
import type { KeyedSession } from '../../../../server/plex/plex-client.ts';

function session(id: string, state: PlaybackSession['state'] = 'playing'): PlaybackSession {
  return {
    session_id: `s-${id}`,
    user: 'u',
    player: { name: `p${id}`, id: `m${id}` },
    state,
    media: { id: id, type: 'movie', title: `T${id}` },
    position_ms: 1_000,
    duration_ms: 10_000,
    progress_percent: 10,
    transcoding: false,
  };
}

function table(list: { current: KeyedSession[] }, now = { t: 0 }) {
  let loads = 0;
  const t = new LiveSessionTable({
    load: async () => {
      loads++;
      return list.current.map((k) => ({ ...k, session: { ...k.session } }));
    },
    now: () => now.t,
  });
  return { t, loads: () => loads };
}

describe('LiveSessionTable', () => {
  it('follows pause and seek events without reading the list again', async () => {
    const list = { current: [{ sessionKey: '1', session: session('1') }] };
    const { t, loads } = table(list);
    await t.reconcile();
    t.apply({ sessionKey: '1', state: 'paused', viewOffset: 5_000 });
    const [s] = await t.sessions();
    expect(s).toMatchObject({ state: 'paused', position_ms: 5_000, progress_percent: 50 });
    expect(loads()).toBe(1);
  });

  it('a stop removes the session; a lagging list cannot bring it back until it catches up', async () => {
    const list = {
      current: [
        { sessionKey: '1', session: session('1') },
        { sessionKey: '2', session: session('2') },
      ],
    };
    const now = { t: 0 };
    const { t } = table(list, now);
    await t.reconcile();
    t.apply({ sessionKey: '1', state: 'stopped' });
    expect((await t.sessions()).map((s) => s.session_id)).toEqual(['s-2']);
    await t.reconcile(); // Plex still lists session 1
    expect((await t.sessions()).map((s) => s.session_id)).toEqual(['s-2']);
    list.current = [{ sessionKey: '2', session: session('2') }];
    await t.reconcile(); // the list caught up: the tombstone ends
    list.current = [
      { sessionKey: '1', session: session('1') },
      { sessionKey: '2', session: session('2') },
    ];
    await t.reconcile(); // a session with that key now is a new one
    expect((await t.sessions()).map((s) => s.session_id).sort()).toEqual(['s-1', 's-2']);
  });

  it('a tombstone also ends when an event says the session plays again', async () => {
    const list = { current: [{ sessionKey: '1', session: session('1') }] };
    const { t } = table(list);
    await t.reconcile();
    t.apply({ sessionKey: '1', state: 'stopped' });
    t.apply({ sessionKey: '1', state: 'playing', viewOffset: 2_000 });
    // Unknown again: the table re-reads the list, and callers wait for it.
    expect((await t.sessions()).map((s) => s.session_id)).toEqual(['s-1']);
  });

  it('an event for an unknown session re-reads the list; callers meanwhile wait for that read', async () => {
    const list = { current: [] as KeyedSession[] };
    const { t, loads } = table(list);
    await t.reconcile();
    list.current = [{ sessionKey: '7', session: session('7') }];
    t.apply({ sessionKey: '7', state: 'playing', viewOffset: 0 });
    expect((await t.sessions()).map((s) => s.session_id)).toEqual(['s-7']);
    expect(loads()).toBe(2);
  });

  it('a re-read keeps the state an event already set (the list may lag behind it)', async () => {
    const list = { current: [{ sessionKey: '1', session: session('1', 'playing') }] };
    const { t } = table(list);
    await t.reconcile();
    t.apply({ sessionKey: '1', state: 'paused', viewOffset: 3_000 });
    await t.reconcile();
    expect((await t.sessions())[0]).toMatchObject({ state: 'paused', position_ms: 3_000 });
    t.reset();
    expect(t.loaded).toBe(false);
    await t.reconcile(); // after a reset (a reconnect) the list is the truth again
    expect((await t.sessions())[0]).toMatchObject({ state: 'playing', position_ms: 1_000 });
  });
});
