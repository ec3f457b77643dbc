// Several people on one simulated Plex Media Server: each token has its own watch state, ratings, On Deck,
// playlists and history, and a friend sees only the sections shared with them (404 outside them). The answers
// given to a person keep Plex's shapes (checked against the OpenAPI file like the owner's).

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CURRENT_SPEC, loadSpecValidator } from '../../plex-sim/openapi-validator.ts';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';

const OWNER = 'owner-token-people-test';
const PARTNER = 'partner-token-people-test';
const FRIEND = 'friend-token-people-test';
const PARTNER_ID = 20_345_671; // alice in the generated accounts
const FRIEND_ID = 30_000_001; // not yet known to the server: added to /accounts
let sim: PlexSimulator;

beforeAll(async () => {
  sim = await startPlexSimulator({
    token: OWNER,
    items: 300,
    people: [
      { token: PARTNER, accountID: PARTNER_ID, name: 'alice' },
      { token: FRIEND, accountID: FRIEND_ID, name: 'fran', sections: ['1'] },
    ],
  });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.reset());

type Container = Record<string, unknown> & { Metadata?: Record<string, unknown>[] };

async function plex(token: string, path: string, method = 'GET'): Promise<Response> {
  return fetch(`${sim.url}${path}`, {
    method,
    headers: { Accept: 'application/json', 'X-Plex-Token': token },
  });
}

async function container(token: string, path: string): Promise<Container> {
  const response = await plex(token, path);
  expect(response.status, path).toBe(200);
  return ((await response.json()) as { MediaContainer: Container }).MediaContainer;
}

const LIB = 'identifier=com.plexapp.plugins.library';
const firstItem = async (token: string, ratingKey: string) =>
  (await container(token, `/library/metadata/${ratingKey}`)).Metadata?.[0];

describe('tokens', () => {
  it('accepts each person’s token and refuses any other', async () => {
    for (const token of [OWNER, PARTNER, FRIEND])
      expect((await plex(token, '/library/sections')).status).toBe(200);
    expect((await plex('someone-else', '/library/sections')).status).toBe(401);
  });

  it('rejects two people with one token', async () => {
    await expect(
      startPlexSimulator({ token: OWNER, people: [{ token: OWNER, accountID: 5, name: 'x' }] }),
    ).rejects.toThrow(/own token/);
  });

  it('lists a new person among the accounts', async () => {
    const accounts = (await container(OWNER, '/accounts')) as { Account?: { id: number; name: string }[] };
    expect(accounts.Account?.map((a) => a.name)).toContain('fran');
  });
});

describe('per-person state', () => {
  it('marking watched or rating as one person leaves the others as they were', async () => {
    const movie = sim.catalog.movies.find((m) => !m.viewCount && !m.viewOffset);
    if (!movie) throw new Error('catalog has no unwatched movie');
    expect((await plex(PARTNER, `/:/scrobble?${LIB}&key=${movie.ratingKey}`)).status).toBe(200);
    expect((await firstItem(PARTNER, movie.ratingKey))?.viewCount).toBe(1);
    expect((await firstItem(OWNER, movie.ratingKey))?.viewCount).toBeUndefined();
    expect((await firstItem(FRIEND, movie.ratingKey))?.viewCount).toBeUndefined();
    await plex(OWNER, `/:/rate?${LIB}&key=${movie.ratingKey}&rating=8`, 'PUT');
    expect((await firstItem(OWNER, movie.ratingKey))?.userRating).toBe(8);
    expect((await firstItem(PARTNER, movie.ratingKey))?.userRating).toBeUndefined();
  });

  it('each person has their own On Deck', async () => {
    const ownerDeck = (await container(OWNER, '/library/onDeck')).Metadata ?? [];
    expect(ownerDeck.length).toBeGreaterThan(0);
    expect((await container(PARTNER, '/library/onDeck')).size).toBe(0);
    const episode = sim.catalog.episodes[0];
    if (!episode) throw new Error('no episodes');
    await plex(PARTNER, `/:/scrobble?${LIB}&key=${episode.ratingKey}`);
    const partnerDeck = (await container(PARTNER, '/library/onDeck')).Metadata ?? [];
    expect(partnerDeck.length).toBe(1);
    expect(partnerDeck[0]?.grandparentRatingKey).toBe(episode.grandparentRatingKey);
    expect((await container(OWNER, '/library/onDeck')).Metadata?.map((m) => m.ratingKey)).toEqual(
      ownerDeck.map((m) => m.ratingKey),
    );
  });

  it('history: the owner reads everyone’s, a person only their own', async () => {
    const all = (await container(OWNER, '/status/sessions/history/all')).Metadata ?? [];
    expect(new Set(all.map((e) => e.accountID)).size).toBeGreaterThan(1);
    const mine = (await container(PARTNER, '/status/sessions/history/all?accountID=1')).Metadata ?? [];
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(mine.map((e) => e.accountID))).toEqual(new Set([PARTNER_ID]));
    const ownersEntry = all.find((e) => e.accountID === 1);
    const id = String(ownersEntry?.historyKey).split('/').pop();
    expect((await plex(PARTNER, `/status/sessions/history/${id}`)).status).toBe(404);
    expect((await plex(OWNER, `/status/sessions/history/${id}`)).status).toBe(200);
  });

  it('playlists are the owner’s only; a person starts with none', async () => {
    expect((await container(OWNER, '/playlists')).size).toBeGreaterThan(0);
    expect((await container(PARTNER, '/playlists')).size).toBe(0);
    expect(sim.playlists(PARTNER_ID)).toEqual([]);
  });
});

describe('library sharing', () => {
  it('a friend sees only the shared section, and items outside it are 404 everywhere', async () => {
    const sections = (await container(FRIEND, '/library/sections')) as { Directory?: { key: string }[] };
    expect(sections.Directory?.map((d) => d.key)).toEqual(['1']);
    const episode = sim.catalog.episodes[0];
    const movie = sim.catalog.movies[0];
    if (!episode || !movie) throw new Error('catalog too small');
    expect((await plex(FRIEND, `/library/metadata/${episode.ratingKey}`)).status).toBe(404);
    expect((await plex(FRIEND, '/library/sections/2/all')).status).toBe(404);
    expect((await plex(FRIEND, `/:/scrobble?${LIB}&key=${episode.ratingKey}`)).status).toBe(404);
    expect((await plex(FRIEND, `/library/metadata/${movie.ratingKey}`)).status).toBe(200);
    const query = encodeURIComponent(episode.grandparentTitle ?? episode.title);
    const search = (await container(FRIEND, `/hubs/search?query=${query}&limit=10`)) as {
      Hub?: { Metadata?: { ratingKey: string }[] }[];
    };
    const found = (search.Hub ?? []).flatMap((h) => h.Metadata ?? []);
    const visible = sim.catalogOf(FRIEND_ID).byRatingKey;
    expect(found.every((m) => visible.has(m.ratingKey))).toBe(true);
    expect(found.some((m) => m.ratingKey === episode.grandparentRatingKey)).toBe(false);
    // The partner (every section shared) finds that show.
    const partnerSearch = (await container(PARTNER, `/hubs/search?query=${query}&limit=10`)) as typeof search;
    const partnerFound = (partnerSearch.Hub ?? []).flatMap((h) => h.Metadata ?? []);
    expect(partnerFound.some((m) => m.ratingKey === episode.grandparentRatingKey)).toBe(true);
    const recent = (await container(FRIEND, '/library/recentlyAdded')).Metadata ?? [];
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.every((m) => m.librarySectionID === 1)).toBe(true);
    const history = (await container(FRIEND, '/status/sessions/history/all')).Metadata ?? [];
    expect(history.every((e) => e.accountID === FRIEND_ID)).toBe(true);
  });

  it('refuses a sharing list naming an unknown section', async () => {
    await expect(
      startPlexSimulator({
        token: OWNER,
        people: [{ token: 'x', accountID: 9, name: 'x', sections: ['99'] }],
      }),
    ).rejects.toThrow(/no section 99/);
  });

  it('a person’s answers keep Plex’s shapes', async () => {
    const spec = await loadSpecValidator(CURRENT_SPEC);
    const movie = sim.catalogOf(FRIEND_ID).movies[0];
    const checks: [string, string][] = [
      ['/library/sections', '/library/sections/all'],
      ['/library/sections/1/all', '/library/sections/{sectionId}/all'],
      [`/library/metadata/${movie?.ratingKey}`, '/library/metadata/{ids}'],
    ];
    for (const [path, specPath] of checks) {
      const validate = spec.responseValidator(specPath);
      const ok = validate(await (await plex(FRIEND, path)).json());
      expect(
        (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath} ${e.message}`),
        path,
      ).toEqual([]);
      expect(ok, path).toBe(true);
    }
  });
});
