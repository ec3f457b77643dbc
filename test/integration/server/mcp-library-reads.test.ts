/**
 * The library read tools (get_watch_history, browse_library, list_playlists, get_playlist, list_players,
 * get_media_details include_children) and the "right the first time" fixes of the read tools, through the real
 * SDK client over HTTP in both protocol eras against the Plex simulator. Expectations come from the simulator's
 * catalog and stores, never from our Plex client.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recentlyAdded } from '../../plex-sim/queries.ts';
import { ERAS, errorCodeOf, errorMetaOf, type Harness, startHarness, textOf } from './support/mcp-harness.ts';
import { type Structured, type ToolCaller, toolCaller } from './support/tool-caller.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe.each(ERAS)('library read tools over HTTP (%s era)', (era) => {
  let t: ToolCaller;
  beforeAll(async () => {
    t = await toolCaller(await h.connect(era));
  });
  beforeEach(() => {
    h.sim.reset();
  });

  it('get_watch_history lists views newest first with user, relative age and player', async () => {
    const out = await t.call('get_watch_history', { limit: 10 });
    const expected = h.sim.history().slice(0, 10);
    expect(out.entries.map((e: Structured) => e.media_id)).toEqual(expected.map((e) => e.ratingKey));
    expect(out.total).toBe(h.sim.history().length);
    const accounts = new Map(h.sim.catalog.accounts.map((a) => [a.id, a.name]));
    expect(out.entries.map((e: Structured) => e.user)).toEqual(
      expected.map((e) => accounts.get(e.accountID)),
    );
    const first = out.entries[0];
    expect(first.viewed_at).toBe(new Date((expected[0]?.viewedAt ?? 0) * 1000).toISOString());
    expect(first.ago).toMatch(/ago$|just now/);
    expect(first.player).toBe(h.sim.catalog.players[(expected[0]?.deviceID ?? 1) - 1]?.name);
    expect(t.lastText()).toContain(first.ago);
    expect(t.lastText()).toContain(first.player);
  });

  it('get_watch_history filters by user (name or the owner email), since a duration, and media type', async () => {
    const alice = await t.call('get_watch_history', { user: 'ALICE', limit: 100 });
    expect(alice.entries.length).toBeGreaterThan(0);
    expect(alice.entries.every((e: Structured) => e.user === 'alice')).toBe(true);

    const ownerEmail = h.sim.catalog.server.myPlexUsername;
    const owner = await t.call('get_watch_history', { user: ownerEmail, limit: 5 });
    expect(owner.entries.every((e: Structured) => e.user === h.sim.catalog.accounts[0]?.name)).toBe(true);

    const since = h.sim.catalog.now - 7 * 86_400;
    const week = await t.call('get_watch_history', { since: '7d', limit: 100 });
    const expectedWeek = h.sim.history().filter((e) => e.viewedAt >= since - 5);
    expect(week.entries.length).toBeGreaterThan(0);
    expect(Math.abs(week.entries.length - expectedWeek.length)).toBeLessThanOrEqual(1);
    expect(week.entries.every((e: Structured) => Date.parse(e.viewed_at) / 1000 >= since - 5)).toBe(true);

    const episodes = await t.call('get_watch_history', { media_type: 'episode', library: 2, limit: 5 });
    expect(episodes.entries.every((e: Structured) => e.type === 'episode' && e.library_id === '2')).toBe(
      true,
    );
  });

  it('get_watch_history refuses a bad since, an unknown user and a bad limit', async () => {
    const since = await t.raw('get_watch_history', { since: 'last tuesday' });
    expect(errorCodeOf(since)).toBe('invalid_request');
    expect(textOf(since)).toContain('since');
    const user = await t.raw('get_watch_history', { user: 'nobody-here' });
    expect(errorCodeOf(user)).toBe('not_found');
    expect(errorMetaOf(user).users).toEqual(h.sim.catalog.accounts.map((a) => a.name));
    expect(errorCodeOf(await t.raw('get_watch_history', { limit: 0 }))).toBe('invalid_request');
  });

  it('browse_library counts a whole library and filters unwatched movies of a genre and decade', async () => {
    const c = h.sim.catalog;
    const all = await t.call('browse_library', { library: 1, limit: 5 });
    expect(all.total).toBe(c.movies.length);
    expect(all.items).toHaveLength(5);
    expect(all.library).toEqual({ id: '1', name: 'Movies' });

    const genre = c.movies[0]?.Genre?.[0]?.tag as string;
    const year = c.movies[0]?.year as number;
    const from = year - (year % 10);
    const expected = c.movies.filter(
      (m) =>
        !m.viewCount &&
        m.Genre?.some((g) => g.tag === genre) &&
        m.year !== undefined &&
        m.year >= from &&
        m.year <= from + 9,
    );
    const out = await t.call('browse_library', {
      library: 'movies',
      unwatched: true,
      genre: genre.toLowerCase(),
      year_from: from,
      year_to: from + 9,
      limit: 100,
    });
    expect(out.total).toBe(expected.length);
    expect(out.items.map((i: Structured) => i.id).sort()).toEqual(expected.map((m) => m.ratingKey).sort());
    expect(t.lastText()).toContain(`${expected.length} item(s)`);

    const newest = await t.call('browse_library', { library: 'Movies', sort: 'added', limit: 1 });
    const latest = [...c.movies].sort((a, b) => b.addedAt - a.addedAt)[0];
    expect(newest.items[0]?.id).toBe(latest?.ratingKey);
  });

  it('browse_library refuses an unknown genre (listing the genres) and a reversed year range', async () => {
    const genre = await t.raw('browse_library', { library: 'Movies', genre: 'Nope' });
    expect(errorCodeOf(genre)).toBe('not_found');
    expect((errorMetaOf(genre).genres as string[]).length).toBeGreaterThan(0);
    const years = await t.raw('browse_library', { library: 'Movies', year_from: 2000, year_to: 1990 });
    expect(errorCodeOf(years)).toBe('invalid_request');
    expect(errorCodeOf(await t.raw('browse_library', {}))).toBe('invalid_request');
  });

  it('list_playlists and get_playlist show the playlists and their items in order', async () => {
    const out = await t.call('list_playlists');
    const sim = h.sim.playlists();
    expect(out.playlists.map((p: Structured) => p.title)).toEqual(sim.map((p) => p.title));
    const audio = await t.call('list_playlists', { type: 'audio' });
    expect(audio.playlists.every((p: Structured) => p.type === 'audio')).toBe(true);
    const movieNight = sim.find((p) => p.title === 'Movie Night');
    const one = await t.call('get_playlist', { playlist_id: Number(movieNight?.ratingKey) });
    expect(one.playlist).toMatchObject({ title: 'Movie Night', type: 'video', smart: false, item_count: 3 });
    expect(one.items.map((i: Structured) => i.id)).toEqual(movieNight?.items.map((i) => i.ratingKey));
    expect(errorCodeOf(await t.raw('get_playlist', { playlist_id: '1' }))).toBe('not_found');
  });

  it('list_players lists the players Plex can reach, and whether they take remote control', async () => {
    const out = await t.call('list_players');
    expect(out.players.map((p: Structured) => p.name)).toEqual(h.sim.catalog.players.map((p) => p.name));
    expect(out.players[0]).toMatchObject({
      id: h.sim.catalog.players[0]?.machineIdentifier,
      controllable: true,
    });
  });

  it('get_media_details include_children: a show has its seasons with episode and unwatched counts', async () => {
    const show = h.sim.catalog.shows[0];
    if (!show) throw new Error('no show');
    const out = await t.call('get_media_details', { media_id: show.ratingKey, include_children: true });
    const seasons = h.sim.catalog.childrenOf.get(show.ratingKey) ?? [];
    expect(out.children.map((c: Structured) => c.id)).toEqual(seasons.map((s) => s.ratingKey));
    expect(out.children.map((c: Structured) => c.leaf_count)).toEqual(seasons.map((s) => s.leafCount));
    expect(out.children.map((c: Structured) => c.unwatched_count)).toEqual(
      seasons.map((s) => (s.leafCount ?? 0) - (s.viewedLeafCount ?? 0)),
    );
    expect(t.lastText()).toContain(`${show.childCount} seasons, ${show.leafCount} episodes`);
    const album = h.sim.catalog.albums[0];
    const tracks = await t.call('get_media_details', { media_id: album?.ratingKey, include_children: true });
    expect(tracks.children.every((c: Structured) => c.type === 'track')).toBe(true);
  });

  it('get_recently_added since 7d shows only additions of the last week, each with how long ago', async () => {
    const since = h.sim.catalog.now - 7 * 86_400;
    const expected = recentlyAdded(h.sim.catalog).filter((i) => i.addedAt >= since + 5);
    const out = await t.call('get_recently_added', { since: '7d', limit: 50 });
    expect(out.items.length).toBeGreaterThan(0);
    expect(out.items.length).toBeGreaterThanOrEqual(Math.min(50, expected.length));
    expect(out.items.every((i: Structured) => Date.parse(i.added_at) / 1000 >= since - 5)).toBe(true);
    expect(t.lastText()).toMatch(/added \d{4}-\d\d-\d\d \((\d+ \w+ ago|just now)\)/);
  });

  it('library accepts a number everywhere it accepts a name', async () => {
    const search = await t.call('search_media', { query: 'the', library: 2, limit: 5 });
    expect(search.library).toEqual({ id: '2', name: 'TV Shows' });
    const recent = await t.call('get_recently_added', { library: 1, limit: 3 });
    expect(recent.library).toEqual({ id: '1', name: 'Movies' });
  });

  it('get_on_deck accepts the owner by account name, user name or email, and names the owner for others', async () => {
    const owner = h.sim.catalog.accounts[0]?.name as string;
    for (const user of [owner, owner.toUpperCase(), h.sim.catalog.server.myPlexUsername]) {
      const out = await t.call('get_on_deck', { user, limit: 3 });
      expect(out.items.length).toBeGreaterThan(0);
    }
    const other = await t.raw('get_on_deck', { user: 'alice' });
    expect(errorCodeOf(other)).toBe('invalid_request');
    expect(textOf(other)).toContain(`"${owner}"`);
    // The same name get_playback_status shows for the owner's session is accepted by get_on_deck.
    const status = await t.call('get_playback_status');
    const ownerSession = status.sessions.find((s: Structured) => s.user === owner);
    expect(ownerSession).toBeDefined();
    await t.call('get_on_deck', { user: ownerSession.user });
  });

  it('get_playback_status knows the owner by account name, plex.tv user name or email, as get_on_deck does', async () => {
    const owner = h.sim.catalog.accounts[0]?.name as string;
    const ownerSessions = h.sim.sessions().filter((s) => s.userTitle === owner).length;
    expect(ownerSessions).toBeGreaterThan(0);
    const email = h.sim.catalog.server.myPlexUsername;
    for (const user of [owner, owner.toUpperCase(), email, email.split('@')[0] as string]) {
      const out = await t.call('get_playback_status', { user });
      expect(out.count, user).toBe(ownerSessions);
      expect(
        out.sessions.every((s: Structured) => s.user === owner),
        user,
      ).toBe(true);
      // The name it shows is one get_on_deck accepts.
      await t.call('get_on_deck', { user: out.sessions[0].user, limit: 1 });
    }
  });

  it('every date in a text says how long ago it was', async () => {
    const watched = h.sim.catalog.movies.find((m) => m.viewCount && m.lastViewedAt);
    const texts: string[] = [];
    for (const [tool, args] of [
      ['get_recently_added', { limit: 10 }],
      ['get_watch_history', { limit: 10 }],
      ['get_media_details', { media_id: watched?.ratingKey }],
      ['get_on_deck', { limit: 5 }],
      ['list_libraries', {}],
      ['list_playlists', {}],
      ['get_playback_status', {}],
      ['search_media', { query: 'the', limit: 10 }],
      ['browse_library', { library: 'Movies', limit: 10 }],
    ] as const) {
      await t.call(tool, args);
      texts.push(t.lastText());
    }
    expect(texts[2]).toContain('Watched');
    const all = texts.join('\n');
    const dates = [...all.matchAll(/\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?Z?)?)?/g)];
    // The watch history and recently added texts have dates; the details of a watched item too.
    expect(dates.length).toBeGreaterThan(10);
    for (const date of dates) {
      const after = all.slice((date.index ?? 0) + date[0].length, (date.index ?? 0) + date[0].length + 24);
      expect(
        after,
        `${date[0]} in: ${all.slice(Math.max(0, (date.index ?? 0) - 40), (date.index ?? 0) + 40)}`,
      ).toMatch(/^ \((\d+ \w+ ago|just now|in \d+ \w+)\)/);
    }
  });

  it('get_playback_status matches a player forgivingly and lists what IS playing when nothing matches', async () => {
    const tv = h.sim.catalog.players[0]?.name as string; // "Living Room SHIELD"
    for (const client of ['living-room', 'LIVING ROOM', 'livingroom', 'shield']) {
      const out = await t.call('get_playback_status', { client });
      expect(
        out.sessions.map((s: Structured) => s.player.name),
        client,
      ).toEqual([tv]);
    }
    const none = await t.call('get_playback_status', { client: 'kitchen' });
    expect(none.count).toBe(0);
    expect(none.playing_now.map((s: Structured) => s.player).sort()).toEqual(
      h.sim
        .sessions()
        .map((s) => s.player.name)
        .sort(),
    );
    expect(t.lastText()).toContain(tv);
  });

  it('get_playback_status text carries transcoding, bandwidth and LAN/WAN as the structured result does', async () => {
    const out = await t.call('get_playback_status');
    for (const s of out.sessions) {
      const line =
        t
          .lastText()
          .split('\n')
          .find((l) => l.includes(s.session_id)) ?? '';
      expect(line).toContain(s.transcoding ? 'transcoding' : 'direct');
      expect(line).toContain(`${s.bandwidth_kbps} kbps`);
      expect(line).toContain(String(s.location).toUpperCase());
    }
  });
});

describe('PLEX_LIBRARIES keeps the tools out of other libraries', () => {
  let scoped: Harness;
  let t: ToolCaller;
  beforeAll(async () => {
    scoped = await startHarness({ PLEX_LIBRARIES: 'movies, 2' });
    t = await toolCaller(await scoped.connect('modern'));
  });
  afterAll(async () => {
    await scoped?.close();
  });

  it('hides excluded libraries from list_libraries and refuses them by name or id', async () => {
    const out = await t.call('list_libraries');
    expect(out.libraries.map((l: Structured) => l.name)).toEqual(['Movies', 'TV Shows']);
    for (const library of ['Music', 3, 'Photos']) {
      const refused = await t.raw('browse_library', { library });
      expect(errorCodeOf(refused)).toBe('not_found');
      expect(textOf(refused)).not.toContain('Music (id 3');
    }
  });

  it('does not show or open items of excluded libraries', async () => {
    const track = scoped.sim.catalog.tracks[0];
    if (!track) throw new Error('no track');
    expect(errorCodeOf(await t.raw('get_media_details', { media_id: track.ratingKey }))).toBe('not_found');
    const search = await t.call('search_media', { query: track.title, limit: 50 });
    expect(search.items.some((i: Structured) => i.library_id === '3')).toBe(false);
    const recent = await t.call('get_recently_added', { limit: 50 });
    expect(recent.items.every((i: Structured) => ['1', '2'].includes(i.library_id))).toBe(true);
    const history = await t.call('get_watch_history', { limit: 100 });
    expect(history.entries.every((e: Structured) => ['1', '2'].includes(e.library_id))).toBe(true);
    const roadTrip = scoped.sim.playlists().find((p) => p.title === 'Road Trip');
    const playlist = await t.call('get_playlist', { playlist_id: roadTrip?.ratingKey });
    expect(playlist.items).toEqual([]);
  });
});
