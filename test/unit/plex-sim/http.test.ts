// HTTP behaviour of the simulator: auth, errors, JSON/XML, paging and sorting, search, details flags,
// sessions and player commands, and the /__sim/ test hooks (faults, counters, reset).

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';

const TOKEN = 'unit-test-plex-token-abcdef';
let sim: PlexSimulator;

beforeAll(async () => {
  sim = await startPlexSimulator({ token: TOKEN, items: 300 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

interface Options {
  token?: string | null;
  accept?: string;
  headers?: Record<string, string>;
  method?: string;
}

function plex(path: string, options: Options = {}): Promise<Response> {
  const headers: Record<string, string> = {
    Accept: options.accept ?? 'application/json',
    ...options.headers,
  };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers['X-Plex-Token'] = token;
  return fetch(`${sim.url}${path}`, { headers, method: options.method ?? 'GET' });
}

type Container = Record<string, unknown> & { Metadata?: Record<string, unknown>[] };

async function container(path: string, options?: Options): Promise<Container> {
  const response = await plex(path, options);
  expect(response.status, path).toBe(200);
  return ((await response.json()) as { MediaContainer: Container }).MediaContainer;
}

describe('auth and errors', () => {
  it('answers 401 with an HTML body when the token is missing or wrong', async () => {
    for (const token of [null, 'wrong-token']) {
      const response = await plex('/library/sections', { token });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toContain('401 Unauthorized');
    }
  });

  it('accepts the token as a query parameter', async () => {
    const response = await plex(`/library/sections?X-Plex-Token=${TOKEN}`, { token: null });
    expect(response.status).toBe(200);
  });

  it('serves /identity without a token', async () => {
    const body = await container('/identity', { token: null });
    expect(body.machineIdentifier).toBe(sim.machineIdentifier);
  });

  it('answers 404 for unknown paths, ratingKeys and sections', async () => {
    for (const path of ['/no/such/thing', '/library/metadata/99999999', '/library/sections/9/all']) {
      const response = await plex(path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).toContain('404 Not Found');
    }
  });

  it('answers 400 for a bad paging value, a bad sort and a search without query', async () => {
    for (const path of [
      '/library/sections/1/all?X-Plex-Container-Start=-1',
      '/library/sections/1/all?sort=nonsense:desc',
      '/hubs/search',
    ]) {
      expect((await plex(path)).status, path).toBe(400);
    }
  });

  it('escapes XML attribute values', async () => {
    const tricky = sim.catalog.movies.find((m) => m.title.includes('&'));
    expect(tricky).toBeDefined();
    const text = await (await plex(`/library/metadata/${tricky?.ratingKey}`, { accept: 'text/xml' })).text();
    expect(text).toContain(`title="${tricky?.title.replaceAll('&', '&amp;')}"`);
    expect(text).not.toMatch(/&(?!amp;|quot;|lt;|gt;|#10;)/);
  });

  it('answers HEAD with headers and no body', async () => {
    const response = await plex('/library/sections', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('sends XML unless the client asks for JSON', async () => {
    const response = await plex('/library/sections', { accept: '*/*' });
    expect(response.headers.get('content-type')).toContain('text/xml');
    const text = await response.text();
    expect(text).toMatch(/^<\?xml/);
    expect(text).toContain('<Directory key="1" type="movie" title="Movies"');
  });
});

describe('server and library', () => {
  it('GET / describes the server', async () => {
    const body = await container('/');
    expect(body).toMatchObject({
      friendlyName: sim.catalog.server.friendlyName,
      machineIdentifier: sim.machineIdentifier,
      version: sim.catalog.server.version,
      platform: 'Linux',
      myPlexUsername: sim.catalog.server.myPlexUsername,
    });
  });

  it('lists sections at /library/sections and /library/sections/all', async () => {
    for (const path of ['/library/sections', '/library/sections/all']) {
      const body = (await container(path)) as { Directory: { key: string; type: string }[] };
      expect(body.Directory.map((d) => `${d.key}:${d.type}`)).toEqual([
        '1:movie',
        '2:show',
        '3:artist',
        '4:photo',
      ]);
    }
  });

  it('pages with X-Plex-Container-Start/Size from the query or headers, with totalSize and headers', async () => {
    const sorted = [...sim.catalog.movies].sort((a, b) => b.addedAt - a.addedAt);
    const query = await plex(
      '/library/sections/1/all?sort=addedAt:desc&X-Plex-Container-Start=10&X-Plex-Container-Size=5',
    );
    const viaHeaders = await plex('/library/sections/1/all?sort=addedAt:desc', {
      headers: { 'X-Plex-Container-Start': '10', 'X-Plex-Container-Size': '5' },
    });
    for (const response of [query, viaHeaders]) {
      expect(response.headers.get('x-plex-container-total-size')).toBe(String(sim.catalog.movies.length));
      const body = ((await response.json()) as { MediaContainer: Container }).MediaContainer;
      expect(body).toMatchObject({ size: 5, offset: 10, totalSize: sim.catalog.movies.length });
      expect(body.Metadata?.map((m) => m.ratingKey)).toEqual(sorted.slice(10, 15).map((m) => m.ratingKey));
    }
  });

  it('answers X-Plex-Container-Size=0 with the count only', async () => {
    const body = await container(
      '/library/sections/2/all?type=4&X-Plex-Container-Start=0&X-Plex-Container-Size=0',
    );
    expect(body).toMatchObject({ size: 0, totalSize: sim.catalog.episodes.length });
    expect(body.Metadata).toBeUndefined();
  });

  it('caps with limit, reporting min(limit, total) as totalSize', async () => {
    const body = await container('/library/sections/1/all?limit=7');
    expect(body).toMatchObject({ size: 7, totalSize: 7 });
  });

  it('sorts by titleSort by default and filters title by "contains", case-insensitively', async () => {
    const body = await container('/library/sections/1/all');
    const expected = [...sim.catalog.movies]
      .sort((a, b) =>
        (a.titleSort ?? a.title).localeCompare(b.titleSort ?? b.title, 'en', { sensitivity: 'base' }),
      )
      .map((m) => m.title);
    expect(body.Metadata?.map((m) => m.title)).toEqual(expected);
    const word = sim.catalog.movies[3]?.title.split(' ').at(-1) ?? '';
    const filtered = await container(
      `/library/sections/1/all?title=${encodeURIComponent(word.toUpperCase())}`,
    );
    const want = sim.catalog.movies.filter((m) => m.title.toLowerCase().includes(word.toLowerCase()));
    expect(filtered.Metadata?.map((m) => m.ratingKey).sort()).toEqual(want.map((m) => m.ratingKey).sort());
  });

  it('lists episodes with type=4 and trims list items (3 roles, no chapters, no streams)', async () => {
    const body = await container('/library/sections/2/all?type=4&X-Plex-Container-Size=500');
    expect(body.totalSize).toBe(sim.catalog.episodes.length);
    const movies = await container('/library/sections/1/all');
    for (const item of movies.Metadata ?? []) {
      expect((item.Role as unknown[] | undefined)?.length ?? 0).toBeLessThanOrEqual(3);
      expect(item.Chapter).toBeUndefined();
      expect(JSON.stringify(item.Media)).not.toContain('"Stream"');
    }
  });

  it('sends chapters and markers only when asked for them', async () => {
    const movie = sim.catalog.movies[0];
    const plain = await container(`/library/metadata/${movie?.ratingKey}`);
    expect(plain.Metadata?.[0]?.Chapter).toBeUndefined();
    expect(plain.Metadata?.[0]?.Marker).toBeUndefined();
    expect(plain.Metadata?.[0]?.Role).toEqual(movie?.Role);
    const full = await container(`/library/metadata/${movie?.ratingKey}?includeChapters=1&includeMarkers=1`);
    expect(full.Metadata?.[0]?.Chapter).toEqual(movie?.Chapter);
    expect(full.Metadata?.[0]?.Marker).toEqual(movie?.Marker);
  });

  it('returns several items for a comma-separated id list', async () => {
    const keys = [sim.catalog.movies[1]?.ratingKey, sim.catalog.tracks[0]?.ratingKey];
    const body = await container(`/library/metadata/${keys.join(',')}`);
    expect(body.Metadata?.map((m) => m.ratingKey)).toEqual(keys);
  });

  it('walks children and allLeaves', async () => {
    const show = sim.catalog.shows[0];
    const seasons = await container(`/library/metadata/${show?.ratingKey}/children`);
    expect(seasons.Metadata?.map((m) => m.type)).toEqual(Array(show?.childCount).fill('season'));
    const leaves = await container(`/library/metadata/${show?.ratingKey}/allLeaves`);
    expect(leaves.size).toBe(show?.leafCount);
    const movieChildren = await container(`/library/metadata/${sim.catalog.movies[0]?.ratingKey}/children`);
    expect(movieChildren.size).toBe(0);
    expect(movieChildren.Metadata).toBeUndefined();
  });

  it('lists recently added newest first, bounded, globally and per section', async () => {
    const global = await container('/library/recentlyAdded');
    const added = (global.Metadata ?? []).map((m) => Number(m.addedAt));
    expect(added).toEqual([...added].sort((a, b) => b - a));
    expect(global.size).toBe(50);
    const section = await container('/library/sections/2/recentlyAdded?X-Plex-Container-Size=5');
    expect(section.Metadata?.map((m) => m.type)).toEqual(Array(5).fill('episode'));
  });

  it('puts in-progress items and next unwatched episodes on deck', async () => {
    for (const path of ['/library/onDeck', '/hubs/continueWatching/items']) {
      const body = await container(path);
      const items = body.Metadata ?? [];
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) {
        const source = sim.catalog.byRatingKey.get(String(item.ratingKey));
        if (item.type === 'movie') expect(item.viewOffset).toBeGreaterThan(0);
        else {
          expect(item.type).toBe('episode');
          expect(source?.viewCount).toBeUndefined();
        }
      }
      const started = sim.catalog.shows.find(
        (s) => (s.viewedLeafCount ?? 0) > 0 && (s.viewedLeafCount ?? 0) < (s.leafCount ?? 0),
      );
      expect(items.some((i) => i.grandparentRatingKey === started?.ratingKey)).toBe(true);
    }
  });

  it('lists accounts and clients', async () => {
    const accounts = (await container('/accounts')) as { Account: { name: string }[] };
    expect(accounts.Account.map((a) => a.name)).toEqual(['plexadmin', 'alice', 'bob']);
    const clients = (await container('/clients')) as { Server: { machineIdentifier: string }[] };
    expect(clients.Server.map((s) => s.machineIdentifier)).toEqual(
      sim.catalog.players.map((p) => p.machineIdentifier),
    );
  });
});

describe('hub search', () => {
  type Hub = { type: string; size: number; more: boolean; Metadata?: Container[]; Directory?: Container[] };
  const search = async (query: string) => ((await container(`/hubs/search?${query}`)) as { Hub: Hub[] }).Hub;

  it('finds a movie by title with a string score, and keeps empty hubs without arrays', async () => {
    const movie = sim.catalog.movies[5];
    const hubs = await search(`query=${encodeURIComponent(movie?.title ?? '')}&limit=10`);
    const movieHub = hubs.find((h) => h.type === 'movie');
    expect(movieHub?.Metadata?.[0]?.ratingKey).toBe(movie?.ratingKey);
    expect(typeof movieHub?.Metadata?.[0]?.score).toBe('string');
    const empty = hubs.find((h) => h.type === 'playlist');
    expect(empty).toMatchObject({ size: 0, more: false });
    expect(empty?.Metadata).toBeUndefined();
    expect(empty?.Directory).toBeUndefined();
  });

  it('applies limit per hub and reports more', async () => {
    const hubs = await search('query=e&limit=2');
    for (const hub of hubs) expect(hub.size).toBeLessThanOrEqual(2);
    expect(hubs.find((h) => h.type === 'movie')).toMatchObject({ size: 2, more: true });
  });

  it('returns actors as Directory[] tag entries and their movies with a reason', async () => {
    const actor = sim.catalog.movies[0]?.Role?.[0];
    const hubs = await search(`query=${encodeURIComponent(actor?.tag ?? '')}&limit=50&sectionId=1`);
    const actors = hubs.find((h) => h.type === 'actor');
    expect(actors?.Directory?.[0]).toMatchObject({
      tag: actor?.tag,
      tagType: 6,
      filter: `actor=${actor?.id}`,
      type: 'tag',
    });
    expect(actors?.Metadata).toBeUndefined();
    const movieHub = hubs.find((h) => h.type === 'movie');
    expect(movieHub?.Metadata?.some((m) => m.ratingKey === sim.catalog.movies[0]?.ratingKey)).toBe(true);
  });

  it('scopes to a section with sectionId', async () => {
    const hubs = await search('query=the&limit=100&sectionId=3');
    for (const hub of hubs) {
      for (const item of hub.Metadata ?? []) expect(item.librarySectionID).toBe(3);
    }
    expect(hubs.find((h) => h.type === 'movie')?.size).toBe(0);
  });
});

describe('sessions and player commands', () => {
  type Session = {
    sessionKey: string;
    viewOffset: number;
    type: string;
    Player: { state: string; machineIdentifier: string };
    User: { title: string };
    Session: { id: string };
  };
  const sessions = async () => ((await container('/status/sessions')).Metadata ?? []) as unknown as Session[];
  const command = (cmd: string, target: string | undefined, query = '') =>
    plex(`/player/playback/${cmd}?type=video&commandID=1${query}`, {
      headers: target ? { 'X-Plex-Target-Client-Identifier': target } : {},
    });

  it('starts with exactly two sessions: a movie playing and an episode paused, different users and players', async () => {
    const list = await sessions();
    expect(list.map((s) => [s.type, s.Player.state])).toEqual([
      ['movie', 'playing'],
      ['episode', 'paused'],
    ]);
    expect(list[0]?.User.title).not.toBe(list[1]?.User.title);
    expect(list[0]?.Player.machineIdentifier).not.toBe(list[1]?.Player.machineIdentifier);
  });

  it('pause, play and seekTo change the session on the target player', async () => {
    const [movie] = await sessions();
    const target = movie?.Player.machineIdentifier;
    expect((await command('pause', target)).status).toBe(200);
    expect((await sessions())[0]?.Player.state).toBe('paused');
    expect((await command('play', target)).status).toBe(200);
    expect((await sessions())[0]?.Player.state).toBe('playing');
    expect((await command('seekTo', target, '&offset=123456')).status).toBe(200);
    expect((await sessions())[0]?.viewOffset).toBe(123456);
  });

  it('exposes the same sessions through sim.sessions()', async () => {
    const [movie] = await sessions();
    await command('seekTo', movie?.Player.machineIdentifier, '&offset=5000');
    expect(sim.sessions().map((s) => [s.sessionKey, s.state, s.viewOffset])[0]).toEqual([
      movie?.sessionKey,
      'playing',
      5000,
    ]);
    expect(sim.sessions()[0]?.ratingKey).toBe(sim.catalog.movies[0]?.ratingKey);
  });

  it('stop removes the session; reset brings it back', async () => {
    const [, episode] = await sessions();
    expect((await command('stop', episode?.Player.machineIdentifier)).status).toBe(200);
    expect((await sessions()).map((s) => s.type)).toEqual(['movie']);
    await fetch(`${sim.url}/__sim/reset`, { method: 'POST' });
    expect((await sessions()).length).toBe(2);
  });

  it('accepts the target as a query parameter', async () => {
    const [movie] = await sessions();
    const response = await plex(
      `/player/playback/pause?commandID=3&X-Plex-Target-Client-Identifier=${movie?.Player.machineIdentifier}`,
    );
    expect(response.status).toBe(200);
    expect((await sessions())[0]?.Player.state).toBe('paused');
  });

  it('rejects a missing target (400), an unknown target (404) and seekTo without offset (400)', async () => {
    const [movie] = await sessions();
    expect((await command('pause', undefined)).status).toBe(400);
    expect((await command('pause', 'no-such-player')).status).toBe(404);
    expect((await command('seekTo', movie?.Player.machineIdentifier)).status).toBe(400);
    expect((await sessions()).map((s) => s.Player.state)).toEqual(['playing', 'paused']);
  });

  it('needs the token for player commands', async () => {
    const [movie] = await sessions();
    const response = await plex('/player/playback/pause', {
      token: null,
      headers: { 'X-Plex-Target-Client-Identifier': movie?.Player.machineIdentifier ?? '' },
    });
    expect(response.status).toBe(401);
  });
});

describe('test hooks', () => {
  const postFault = (body: unknown) =>
    fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('counts requests per path (GET /__sim/requests and requestCounts())', async () => {
    await plex('/library/sections');
    await plex('/library/sections');
    await plex('/identity', { token: null });
    const counts = (await (await fetch(`${sim.url}/__sim/requests`)).json()) as Record<string, number>;
    expect(counts).toEqual({ '/library/sections': 2, '/identity': 1 });
    expect(sim.requestCounts()).toEqual(counts);
    sim.resetRequestCounts();
    expect(sim.requestCounts()).toEqual({});
  });

  it('records whether X-Plex-Client-Identifier was sent, and never the token', async () => {
    await plex('/library/sections', { headers: { 'X-Plex-Client-Identifier': 'client-42' } });
    await plex(`/library/sections?X-Plex-Token=${TOKEN}`, { token: null });
    const log = sim.requestLog();
    expect(log.map((r) => r.clientIdentifier)).toEqual(['client-42', undefined]);
    expect(log.every((r) => r.tokenPresent && r.status === 200)).toBe(true);
    expect(JSON.stringify(log)).not.toContain(TOKEN);
    const viaHttp = await (await fetch(`${sim.url}/__sim/log`)).text();
    expect(viaHttp).not.toContain(TOKEN);
  });

  it('fault "error" answers 500 on Plex endpoints but not on the hooks', async () => {
    expect((await postFault({ mode: 'error' })).status).toBe(200);
    expect((await plex('/library/sections')).status).toBe(500);
    expect((await fetch(`${sim.url}/__sim/requests`)).status).toBe(200);
  });

  it('fault "garbage" answers 200 with a body that is not valid JSON', async () => {
    sim.setFault({ mode: 'garbage' });
    const response = await plex('/library/sections');
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow();
  });

  it('fault "down" closes the connection without a response', async () => {
    sim.setFault({ mode: 'down' });
    await expect(plex('/identity')).rejects.toThrow();
  });

  it('fault "slow" delays responses by delay_ms', async () => {
    await postFault({ mode: 'slow', delay_ms: 300 });
    const started = performance.now();
    expect((await plex('/identity')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('rejects an unknown fault mode with 400 and keeps the current mode', async () => {
    const response = await postFault({ mode: 'explode' });
    expect(response.status).toBe(400);
    expect((await plex('/identity')).status).toBe(200);
  });

  it('POST /__sim/reset clears faults and counters', async () => {
    sim.setFault({ mode: 'error' });
    await plex('/identity');
    await fetch(`${sim.url}/__sim/reset`, { method: 'POST' });
    expect(sim.requestCounts()).toEqual({});
    expect((await plex('/identity')).status).toBe(200);
  });
});
