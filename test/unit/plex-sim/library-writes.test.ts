// The simulator's watch state, history, playlists, genres and playMedia endpoints (REFERENCE.md §3.8-3.11),
// and catalog dates relative to its start.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { leavesOf } from '../../plex-sim/catalog.ts';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';

const TOKEN = 'unit-test-plex-token-writes';
const STARTED_AT = Date.UTC(2030, 5, 15, 12, 0, 0);
let clockMs = STARTED_AT;
let sim: PlexSimulator;

beforeAll(async () => {
  sim = await startPlexSimulator({ token: TOKEN, items: 300, startedAt: STARTED_AT, clock: () => clockMs });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  clockMs = STARTED_AT + 3_600_000;
  sim.reset();
});

type Container = Record<string, unknown> & { Metadata?: Record<string, unknown>[] };

async function plex(path: string, method = 'GET', extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sim.url}${path}`, {
    method,
    headers: { Accept: 'application/json', 'X-Plex-Token': TOKEN, ...extra },
  });
}

async function container(
  path: string,
  method = 'GET',
  extra: Record<string, string> = {},
): Promise<Container> {
  const response = await plex(path, method, extra);
  expect(response.status, `${method} ${path}`).toBe(200);
  return ((await response.json()) as { MediaContainer: Container }).MediaContainer;
}

const LIB = 'identifier=com.plexapp.plugins.library';

describe('catalog dates', () => {
  it('are relative to the simulator start and deterministic for a seed and start', async () => {
    const now = Math.floor(STARTED_AT / 1000);
    expect(sim.catalog.now).toBe(now);
    const newest = Math.max(...sim.catalog.movies.map((m) => m.addedAt));
    expect(newest).toBeLessThanOrEqual(now);
    const week = [...sim.catalog.movies, ...sim.catalog.episodes].filter(
      (i) => i.addedAt >= now - 7 * 86_400,
    );
    expect(week.length).toBeGreaterThan(0);
    const twin = await startPlexSimulator({ token: TOKEN, items: 300, startedAt: STARTED_AT });
    try {
      expect(twin.catalog.movies.map((m) => [m.ratingKey, m.addedAt])).toEqual(
        sim.catalog.movies.map((m) => [m.ratingKey, m.addedAt]),
      );
    } finally {
      await twin.close();
    }
  });
});

describe('watch state', () => {
  it('scrobble marks every episode of a show watched, without a history entry; unscrobble undoes it', async () => {
    const show = sim.catalog.shows[1];
    if (!show) throw new Error('no show');
    const before = await container(`/status/sessions/history/all?metadataItemID=${show.ratingKey}`);
    expect((await plex(`/:/scrobble?${LIB}&key=${show.ratingKey}`, 'PUT')).status).toBe(200);
    const watched = (await container(`/library/metadata/${show.ratingKey}`)).Metadata?.[0];
    expect(watched?.viewedLeafCount).toBe(show.leafCount);
    const episodes = await container(`/library/metadata/${show.ratingKey}/allLeaves`);
    expect(episodes.Metadata?.every((e) => Number(e.viewCount) >= 1)).toBe(true);
    const after = await container(`/status/sessions/history/all?metadataItemID=${show.ratingKey}`);
    expect(after.totalSize).toBe(before.totalSize);

    expect((await plex(`/:/unscrobble?${LIB}&key=${show.ratingKey}`)).status).toBe(200);
    const unwatched = (await container(`/library/metadata/${show.ratingKey}`)).Metadata?.[0];
    expect(unwatched?.viewedLeafCount).toBeUndefined();
    const listed = await container('/library/sections/2/all?unwatched=1');
    expect(listed.Metadata?.some((m) => m.ratingKey === show.ratingKey)).toBe(true);
  });

  it('rates 0-10 and refuses other ratings and unknown items', async () => {
    const movie = sim.catalog.movies[4];
    if (!movie) throw new Error('no movie');
    expect((await plex(`/:/rate?${LIB}&key=${movie.ratingKey}&rating=8`, 'PUT')).status).toBe(200);
    expect((await container(`/library/metadata/${movie.ratingKey}`)).Metadata?.[0]?.userRating).toBe(8);
    expect((await plex(`/:/rate?${LIB}&key=${movie.ratingKey}&rating=11`, 'PUT')).status).toBe(400);
    expect((await plex(`/:/rate?${LIB}&key=99999999&rating=2`, 'PUT')).status).toBe(404);
    expect((await plex(`/:/scrobble?key=${movie.ratingKey}`)).status).toBe(400);
  });

  it('reset restores the generated watch state', async () => {
    const movie = sim.catalog.movies.find((m) => !m.viewCount);
    if (!movie) throw new Error('no unwatched movie');
    await plex(`/:/scrobble?${LIB}&key=${movie.ratingKey}`);
    expect(movie.viewCount).toBe(1);
    sim.reset();
    expect(movie.viewCount).toBeUndefined();
  });
});

describe('history', () => {
  it('lists views newest first with accounts and devices, filtered by account, section and time', async () => {
    const all = await container('/status/sessions/history/all?sort=viewedAt:desc');
    const times = (all.Metadata ?? []).map((m) => Number(m.viewedAt));
    expect(times.length).toBeGreaterThan(5);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const accounts = new Set((all.Metadata ?? []).map((m) => m.accountID));
    expect(accounts.size).toBe(3);
    const alice = sim.catalog.accounts[1]?.id;
    const mine = await container(`/status/sessions/history/all?accountID=${alice}`);
    expect(mine.Metadata?.every((m) => m.accountID === alice)).toBe(true);
    const since = sim.catalog.now - 7 * 86_400;
    const week = await container(`/status/sessions/history/all?viewedAt>=${since}`);
    expect(week.Metadata?.every((m) => Number(m.viewedAt) >= since)).toBe(true);
    expect(Number(week.totalSize)).toBeGreaterThan(0);
    const movies = await container('/status/sessions/history/all?librarySectionID=1');
    expect(movies.Metadata?.every((m) => m.librarySectionID === '1')).toBe(true);
    const paged = await container(
      '/status/sessions/history/all?X-Plex-Container-Start=0&X-Plex-Container-Size=2',
    );
    expect(paged.Metadata).toHaveLength(2);
    expect(paged.totalSize).toBe(all.totalSize);
    const devices = await container('/devices');
    expect((devices.Device as unknown[]).length).toBe(sim.catalog.players.length);
  });

  it('playMedia starts a session on the player; stopping it near the end adds a view and marks it watched', async () => {
    const playing = new Set(sim.sessions().map((s) => s.ratingKey));
    const movie = sim.catalog.movies.find((m) => !m.viewCount && !m.viewOffset && !playing.has(m.ratingKey));
    const roku = sim.catalog.players[2];
    if (!movie || !roku || !movie.duration) throw new Error('catalog too small');
    const target = { 'X-Plex-Target-Client-Identifier': roku.machineIdentifier };
    const key = `/library/metadata/${movie.ratingKey}`;
    const mid = sim.catalog.server.machineIdentifier;
    const started = await plex(
      `/player/playback/playMedia?key=${encodeURIComponent(key)}&offset=1000&machineIdentifier=${mid}&type=video`,
      'GET',
      target,
    );
    expect(started.status).toBe(200);
    const sessions = await container('/status/sessions');
    const session = sessions.Metadata?.find((m) => m.ratingKey === movie.ratingKey);
    expect((session?.Player as { title?: string })?.title).toBe(roku.name);
    expect(session?.viewOffset).toBe(1000);

    clockMs += 7_200_000;
    await plex(
      `/player/playback/seekTo?offset=${Math.ceil(movie.duration * 0.95)}&type=video`,
      'GET',
      target,
    );
    await plex('/player/playback/stop?type=video', 'GET', target);
    const history = await container(`/status/sessions/history/all?metadataItemID=${movie.ratingKey}`);
    expect(history.Metadata?.[0]).toMatchObject({
      viewedAt: Math.floor(clockMs / 1000),
      accountID: 1,
      deviceID: 3,
    });
    expect((await container(key)).Metadata?.[0]?.viewCount).toBe(1);

    const unknown = await plex(
      `/player/playback/playMedia?key=${encodeURIComponent('/library/metadata/1')}`,
      'GET',
      target,
    );
    expect(unknown.status).toBe(404);
  });
});

describe('playlists', () => {
  it('creates from a uri, adds (containers become leaves), removes by playlistItemID, deletes', async () => {
    const mid = sim.catalog.server.machineIdentifier;
    const uri = (keys: string[]) =>
      encodeURIComponent(`server://${mid}/com.plexapp.plugins.library/library/metadata/${keys.join(',')}`);
    const album = sim.catalog.albums[0];
    const track = sim.catalog.tracks.at(-1);
    if (!album || !track) throw new Error('no music');
    expect((await plex(`/playlists?type=audio&title=Empty&smart=0`, 'POST')).status).toBe(400);
    const created = await container(
      `/playlists?type=audio&title=80s&smart=0&uri=${uri([track.ratingKey])}`,
      'POST',
    );
    const id = String(created.Metadata?.[0]?.ratingKey);
    expect(created.Metadata?.[0]).toMatchObject({
      title: '80s',
      leafCount: 1,
      smart: false,
      playlistType: 'audio',
    });

    await container(`/playlists/${id}/items?uri=${uri([album.ratingKey])}`, 'PUT');
    const items = await container(`/playlists/${id}/items`);
    const albumTracks = leavesOf(sim.catalog, album).map((t) => t.ratingKey);
    expect(items.Metadata?.map((m) => m.ratingKey)).toEqual([track.ratingKey, ...albumTracks]);
    const entry = items.Metadata?.[1];
    expect(entry?.playlistItemID).not.toBe(entry?.ratingKey);

    expect((await plex(`/playlists/${id}/items/${entry?.ratingKey}`, 'DELETE')).status).toBe(404);
    await container(`/playlists/${id}/items/${entry?.playlistItemID}`, 'DELETE');
    expect((await container(`/playlists/${id}/items`)).Metadata?.map((m) => m.ratingKey)).toEqual([
      track.ratingKey,
      ...albumTracks.slice(1),
    ]);
    const movie = sim.catalog.movies[0]?.ratingKey ?? '';
    expect((await plex(`/playlists/${id}/items?uri=${uri([movie])}`, 'PUT')).status).toBe(400);

    expect((await plex(`/playlists/${id}`, 'DELETE')).status).toBe(204);
    expect((await plex(`/playlists/${id}`)).status).toBe(404);
  });

  it('lists the seeded playlists by type, and a smart playlist evaluates its section query', async () => {
    const audio = await container('/playlists?playlistType=audio');
    const smart = audio.Metadata?.find((p) => p.smart === true);
    expect(smart?.content).toMatch(/^server:\/\/.+\/library\/sections\/3\/all\?type=10/);
    const items = await container(`/playlists/${smart?.ratingKey}/items`);
    expect(items.Metadata?.every((m) => m.type === 'track' && m.playlistItemID === undefined)).toBe(true);
    expect(items.Metadata?.length).toBe(smart?.leafCount);
    const video = await container('/playlists?playlistType=video');
    expect(video.Metadata?.map((p) => p.title)).toEqual(['Movie Night']);
  });
});

describe('genres', () => {
  it('lists a section genres with the id that /all?genre= takes', async () => {
    const genres = await container('/library/sections/1/genre');
    const first = (genres.Directory as { key: string; title: string }[])[0];
    if (!first) throw new Error('no genres');
    const movies = await container(`/library/sections/1/all?genre=${first.key}`);
    expect(Number(movies.totalSize)).toBeGreaterThan(0);
    const expected = sim.catalog.movies.filter((m) => m.Genre?.some((g) => g.tag === first.title)).length;
    expect(movies.totalSize).toBe(expected);
  });
});
