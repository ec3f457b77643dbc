/**
 * The write tools (mark_watched, mark_unwatched, rate_media, create/add/remove/delete playlist, play_media,
 * control_playback by player), the write policy (WRITE_ACCESS) and the confirm-token flow of destructive tools,
 * through the real SDK client over HTTP in both protocol eras against the Plex simulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONFIRM_TTL_SECONDS, createConfirmTokens } from '../../../server/tools/confirm-token.ts';
import { TOOL_NAMES } from '../../e2e/call-every-tool.ts';
import { ERAS, errorCodeOf, errorMetaOf, type Harness, startHarness, textOf } from './support/mcp-harness.ts';
import { type Structured, type ToolCaller, toolCaller } from './support/tool-caller.ts';

const WRITE_TOOLS = [
  'control_playback',
  'mark_watched',
  'mark_unwatched',
  'rate_media',
  'create_playlist',
  'add_to_playlist',
  'remove_from_playlist',
  'delete_playlist',
  'play_media',
  'refresh_library',
];
const KEY = 'k'.repeat(40);

let h: Harness;
beforeAll(async () => {
  // The cache is on, so the tests also prove each write drops the cached answers it made wrong.
  h = await startHarness({ CACHE_ENABLED: 'true', CONFIRM_TOKEN_KEY: KEY });
});
afterAll(async () => {
  await h?.close();
});

describe.each(ERAS)('write tools over HTTP (%s era)', (era) => {
  let t: ToolCaller;
  beforeAll(async () => {
    t = await toolCaller(await h.connect(era));
  });
  beforeEach(async () => {
    h.sim.reset();
    await h.server.deps.cache.invalidate('onDeck');
    await h.server.deps.cache.invalidate('mediaDetails');
    await h.server.deps.cache.invalidate('playlists');
    await h.server.deps.cache.invalidate('sessions');
    await h.server.deps.cache.invalidate('browse');
  });

  it('annotates reads read-only, watch state idempotent, and playlist removal destructive', () => {
    const annotations = new Map(t.tools.map((tool) => [tool.name, tool.annotations]));
    for (const name of TOOL_NAMES) {
      if (!WRITE_TOOLS.includes(name)) expect(annotations.get(name)?.readOnlyHint, name).toBe(true);
      else expect(annotations.get(name)?.readOnlyHint, name).toBe(false);
    }
    expect(annotations.get('mark_watched')).toMatchObject({ idempotentHint: true, destructiveHint: false });
    expect(annotations.get('mark_unwatched')).toMatchObject({ idempotentHint: true, destructiveHint: false });
    expect(annotations.get('delete_playlist')?.destructiveHint).toBe(true);
    expect(annotations.get('remove_from_playlist')?.destructiveHint).toBe(true);
  });

  it('mark_watched takes an item off On Deck and details show it watched; mark_unwatched undoes it', async () => {
    const deck = await t.call('get_on_deck', { limit: 25 });
    const movie = deck.items.find((i: Structured) => i.type === 'movie');
    expect(movie).toBeDefined();
    const done = await t.call('mark_watched', { media_id: Number(movie.id) });
    expect(done).toMatchObject({ watched: true, media: { id: movie.id } });
    const details = await t.call('get_media_details', { media_id: movie.id, include_poster: false });
    expect(details.item.view_count).toBe(1);
    const after = await t.call('get_on_deck', { limit: 25 });
    expect(after.items.some((i: Structured) => i.id === movie.id)).toBe(false);

    await t.call('mark_unwatched', { media_id: movie.id });
    const cleared = await t.call('get_media_details', { media_id: movie.id, include_poster: false });
    expect(cleared.item.view_count).toBeUndefined();
    expect(cleared.item.view_offset_ms).toBeUndefined();
  });

  it('mark_watched on a show marks every episode and says how many', async () => {
    const show = h.sim.catalog.shows.find((s) => !s.viewedLeafCount);
    if (!show) throw new Error('no unwatched show');
    const out = await t.call('mark_watched', { media_id: show.ratingKey });
    expect(out.episodes).toBe(show.leafCount);
    expect(t.lastText()).toContain(`all ${show.leafCount} episodes`);
    const browse = await t.call('browse_library', { library: 'TV Shows', unwatched: true, limit: 100 });
    expect(browse.items.some((i: Structured) => i.id === show.ratingKey)).toBe(false);
    expect(errorCodeOf(await t.raw('mark_watched', { media_id: '99999999' }))).toBe('not_found');
  });

  it('rate_media takes a rating or stars (not both) and details show it', async () => {
    const movie = h.sim.catalog.movies[5];
    const out = await t.call('rate_media', { media_id: movie?.ratingKey, stars: 4.5 });
    expect(out).toMatchObject({ rating: 9, stars: 4.5 });
    const details = await t.call('get_media_details', { media_id: movie?.ratingKey, include_poster: false });
    expect(details.item.user_rating).toBe(9);
    expect(t.lastText()).toContain('Your rating: 9/10');
    expect(errorCodeOf(await t.raw('rate_media', { media_id: movie?.ratingKey, rating: 5, stars: 2 }))).toBe(
      'invalid_request',
    );
    expect(errorCodeOf(await t.raw('rate_media', { media_id: movie?.ratingKey, rating: 11 }))).toBe(
      'invalid_request',
    );
  });

  it('create -> add -> remove (confirmed) -> delete (confirmed) a playlist', async () => {
    const [album] = h.sim.catalog.albums;
    const track = h.sim.catalog.tracks.at(-1);
    if (!album || !track) throw new Error('no music');
    expect(errorCodeOf(await t.raw('create_playlist', { title: 'Empty' }))).toBe('invalid_request');
    const created = await t.call('create_playlist', { title: '80s music', media_ids: [track.ratingKey] });
    expect(created.playlist).toMatchObject({ title: '80s music', type: 'audio', item_count: 1 });
    const id = created.playlist.id;

    const added = await t.call('add_to_playlist', { playlist_id: id, media_ids: [album.ratingKey] });
    expect(added.added).toBe(album.leafCount);
    const listed = await t.call('get_playlist', { playlist_id: id });
    expect(listed.items[0].id).toBe(track.ratingKey);
    const movie = h.sim.catalog.movies[0]?.ratingKey;
    expect(errorCodeOf(await t.raw('add_to_playlist', { playlist_id: id, media_ids: [movie] }))).toBe(
      'invalid_request',
    );

    const victim = listed.items[1].id;
    const preview = await t.call('remove_from_playlist', { playlist_id: id, items: [victim] });
    expect(preview.status).toBe('confirmation_required');
    expect(t.lastText()).toContain(preview.confirm);
    expect((await t.call('get_playlist', { playlist_id: id })).count).toBe(listed.count);
    const removed = await t.call('remove_from_playlist', {
      playlist_id: id,
      items: [victim],
      confirm: preview.confirm,
    });
    expect(removed).toMatchObject({ status: 'done', removed: [victim] });
    const afterRemove = await t.call('get_playlist', { playlist_id: id });
    expect(afterRemove.items.map((i: Structured) => i.id)).not.toContain(victim);
    expect(afterRemove.count).toBe(listed.count - 1);

    const del = await t.call('delete_playlist', { playlist_id: id });
    expect(del.status).toBe('confirmation_required');
    expect(h.sim.playlists().some((p) => p.ratingKey === id)).toBe(true);
    const gone = await t.call('delete_playlist', { playlist_id: id, confirm: del.confirm });
    expect(gone.status).toBe('done');
    expect(h.sim.playlists().some((p) => p.ratingKey === id)).toBe(false);
    expect((await t.call('list_playlists')).playlists.some((p: Structured) => p.id === id)).toBe(false);
  });

  it('a smart playlist is created from library rules', async () => {
    const out = await t.call('create_playlist', {
      title: 'Unwatched 80s',
      smart: { library: 'Movies', unwatched: true, year_from: 1980, year_to: 1989 },
    });
    expect(out.playlist).toMatchObject({ smart: true, type: 'video' });
    const expected = h.sim.catalog.movies.filter(
      (m) => !m.viewCount && (m.year ?? 0) >= 1980 && (m.year ?? 0) <= 1989,
    );
    expect(out.playlist.item_count).toBe(expected.length);
  });

  it('refuses to add items to or remove items from a smart playlist, and changes nothing', async () => {
    const created = await t.call('create_playlist', {
      title: 'Unwatched 90s',
      smart: { library: 'Movies', unwatched: true, year_from: 1990, year_to: 1999 },
    });
    const id = created.playlist.id;
    const movie = h.sim.catalog.movies[0];
    const before = h.sim.playlists().find((p) => p.ratingKey === id)?.items.length;
    const added = await t.raw('add_to_playlist', { playlist_id: id, media_ids: [movie?.ratingKey] });
    expect(errorCodeOf(added)).toBe('invalid_request');
    expect(errorMetaOf(added)).toMatchObject({ field: 'playlist_id' });
    expect(textOf(added)).toContain(
      'is a smart playlist; its items come from its rules, so items cannot be added',
    );
    const removed = await t.raw('remove_from_playlist', { playlist_id: id, items: [movie?.ratingKey] });
    expect(errorCodeOf(removed)).toBe('invalid_request');
    expect(errorMetaOf(removed)).toMatchObject({ field: 'playlist_id' });
    expect(textOf(removed)).toContain('so items cannot be removed (change its rules instead)');
    expect(h.sim.playlists().find((p) => p.ratingKey === id)?.items.length).toBe(before);
  });

  it('refuses a confirm token used with other arguments, for another tool, or malformed', async () => {
    const [first, second] = h.sim.playlists();
    const preview = await t.call('delete_playlist', { playlist_id: first?.ratingKey });
    const other = await t.raw('delete_playlist', {
      playlist_id: second?.ratingKey,
      confirm: preview.confirm,
    });
    expect(errorCodeOf(other)).toBe('invalid_request');
    expect(textOf(other)).toContain('does not match these arguments');
    const elsewhere = await t.raw('remove_from_playlist', {
      playlist_id: first?.ratingKey,
      items: [first?.items[0]?.ratingKey],
      confirm: preview.confirm,
    });
    expect(errorCodeOf(elsewhere)).toBe('invalid_request');
    expect(errorCodeOf(await t.raw('delete_playlist', { playlist_id: first?.ratingKey, confirm: 'x' }))).toBe(
      'invalid_request',
    );
    // A token for exactly this call, signed with this server's key, but past its life.
    const args = { playlist_id: String(first?.ratingKey) };
    const lapsed = createConfirmTokens(KEY).mint(
      'delete_playlist',
      args,
      Date.now() - (CONFIRM_TTL_SECONDS + 60) * 1000,
    );
    const expired = await t.raw('delete_playlist', { ...args, confirm: lapsed });
    expect(errorCodeOf(expired)).toBe('invalid_request');
    expect(textOf(expired)).toContain('has expired');
    // The same token minted now is accepted: only its age was wrong.
    const fresh = createConfirmTokens(KEY).mint('delete_playlist', args);
    expect((await t.call('delete_playlist', { ...args, confirm: fresh })).status).toBe('done');
    expect(h.sim.playlists()).toHaveLength(2);
  });

  it('play_media starts an item on a loosely named player, and get_playback_status shows it', async () => {
    const playing = new Set(h.sim.sessions().map((s) => s.ratingKey));
    const movie = h.sim.catalog.movies.find((m) => !playing.has(m.ratingKey));
    const roku = h.sim.catalog.players[2];
    if (!movie || !roku) throw new Error('catalog too small');
    const out = await t.call('play_media', {
      media_id: movie.ratingKey,
      player: 'bedroom-roku',
      offset_ms: 60_000,
    });
    expect(out.player).toEqual({ name: roku.name, id: roku.machineIdentifier });
    const status = await t.call('get_playback_status', { client: 'bedroom' });
    expect(status.sessions).toHaveLength(1);
    expect(status.sessions[0]).toMatchObject({
      media: { id: movie.ratingKey },
      position_ms: 60_000,
      state: 'playing',
    });

    const past = await t.raw('play_media', {
      media_id: movie.ratingKey,
      player: 'roku',
      offset_ms: (movie.duration ?? 0) + 1,
    });
    expect(errorCodeOf(past)).toBe('invalid_request');
    expect(errorMetaOf(past).duration_ms).toBe(movie.duration);
    const unknown = await t.raw('play_media', { media_id: movie.ratingKey, player: 'kitchen' });
    expect(errorCodeOf(unknown)).toBe('not_found');
    expect(errorMetaOf(unknown).players).toEqual(h.sim.catalog.players.map((p) => p.name));
    const show = h.sim.catalog.shows[0]?.ratingKey;
    expect(errorCodeOf(await t.raw('play_media', { media_id: show, player: 'roku' }))).toBe(
      'invalid_request',
    );
  });

  it('control_playback acts on a session named by player, and refuses a seek past the end with the duration', async () => {
    const paused = await t.call('control_playback', { action: 'pause', player: 'living room' });
    expect(paused.player.name).toBe(h.sim.catalog.players[0]?.name);
    expect(h.sim.sessions().find((s) => s.player.name === paused.player.name)?.state).toBe('paused');
    const duration = h.sim.catalog.movies[0]?.duration ?? 0;
    const past = await t.raw('control_playback', {
      action: 'seek',
      player: 'shield',
      position_ms: duration + 1000,
    });
    expect(errorCodeOf(past)).toBe('invalid_request');
    expect(errorMetaOf(past).duration_ms).toBe(duration);
    expect(textOf(past)).toContain(`${duration} ms`);
  });
});

describe('confirm tokens across replicas', () => {
  it('a token minted on one server is accepted by another with the same key, refused with another key', async () => {
    const same = await startHarness({ CONFIRM_TOKEN_KEY: KEY });
    const other = await startHarness({ CONFIRM_TOKEN_KEY: 'z'.repeat(40) });
    try {
      const a = await toolCaller(await h.connect('modern'));
      const id = h.sim.playlists()[0]?.ratingKey;
      const preview = await a.call('delete_playlist', { playlist_id: id });
      const b = await toolCaller(await same.connect('modern'));
      expect((await b.call('delete_playlist', { playlist_id: id, confirm: preview.confirm })).status).toBe(
        'done',
      );
      expect(same.sim.playlists().some((p) => p.ratingKey === id)).toBe(false);
      const c = await toolCaller(await other.connect('legacy'));
      const refused = await c.raw('delete_playlist', { playlist_id: id, confirm: preview.confirm });
      expect(errorCodeOf(refused)).toBe('invalid_request');
      expect(other.sim.playlists().some((p) => p.ratingKey === id)).toBe(true);
    } finally {
      await same.close();
      await other.close();
      h.sim.reset();
    }
  });
});

describe('WRITE_ACCESS', () => {
  it('none lists no write tool and refuses one called by name; playback lists only playback writes', async () => {
    const none = await startHarness({ WRITE_ACCESS: 'none' });
    const playback = await startHarness({ WRITE_ACCESS: 'playback' });
    try {
      const t = await toolCaller(await none.connect('modern'));
      expect(t.tools.map((x) => x.name)).toEqual(TOOL_NAMES.filter((n) => !WRITE_TOOLS.includes(n)));
      // Not registered at all: the SDK answers the call as a protocol error (unknown tool).
      await expect(
        t.raw('mark_watched', { media_id: none.sim.catalog.movies[3]?.ratingKey }),
      ).rejects.toThrow(/mark_watched not found/);
      expect(none.sim.catalog.movies[3]?.viewCount).toBeUndefined();
      const p = await toolCaller(await playback.connect('legacy'));
      const names = p.tools.map((x) => x.name);
      expect(names).toContain('control_playback');
      expect(names).toContain('play_media');
      expect(names).not.toContain('mark_watched');
      expect(names).not.toContain('delete_playlist');
    } finally {
      await none.close();
      await playback.close();
    }
  });
});
