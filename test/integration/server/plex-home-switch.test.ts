/**
 * AUTH_MODE=bearer (the owner's token): get_on_deck with `user` naming a profile of the owner's Plex Home answers
 * as that profile, through plex.tv's Home switch (the double) and the profile's own server token, instead of
 * refusing; the owner's own answer is unchanged (and not served to the profile: separate cache entries); a profile
 * with its own PIN is answered with its `pin`, refused without it (saying how to proceed) or with a wrong one, and
 * an answer reached with the PIN does not let a later call without it in; a friend (no Home profile) is refused.
 */

import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHttpServer, startHttpServer } from '../../../server/http-server.ts';
import { household } from '../../plex-sim/household.ts';
import { type PlexTv, startPlexTv } from '../../plex-sim/plex-tv.ts';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';
import { buildConfig, connectClient, errorCodeOf, randomToken, textOf } from './support/mcp-harness.ts';

let people: ReturnType<typeof household>;
let sim: PlexSimulator;
let plexTv: PlexTv;
let server: RunningHttpServer;
let client: Client;
beforeAll(async () => {
  people = household();
  sim = await startPlexSimulator({ port: 0, token: people.ownerToken, people: people.sim });
  plexTv = await startPlexTv({
    server: { machineIdentifier: sim.machineIdentifier, name: 'Family Server', uri: sim.url },
    // The owner's classic token works on plex.tv and on their server alike.
    people: people.plexTv.map((p) => (p.access === 'owner' ? { ...p, authToken: people.ownerToken } : p)),
  });
  const authToken = randomToken(32);
  server = await startHttpServer(
    buildConfig({
      PLEX_SERVER_URL: sim.url,
      PLEX_TOKEN: people.ownerToken,
      AUTH_TOKEN: authToken,
      SERVER_PORT: '0',
      LOG_LEVEL: 'silent',
      PLEX_EVENTS: 'false',
      PLEX_TV_URL: plexTv.url,
      PLEX_TV_RESOURCES_URL: plexTv.url,
    }),
  );
  client = await connectClient(server.url, authToken, 'modern');
});
afterAll(async () => {
  await client?.close();
  await server?.close({ graceMs: 500 });
  await plexTv?.close();
  await sim?.close();
});

/** Pat's account id on the simulated server (household.ts). */
const PAT_ACCOUNT_ID = 20_000_011;

const deck = async (args: Record<string, unknown>) =>
  client.callTool({ name: 'get_on_deck', arguments: args });

describe('get_on_deck as a Home profile with the owner token', () => {
  it('a managed profile is answered as itself (no PIN for the owner); the owner keeps their own', async () => {
    const owner = await deck({});
    const ownerCount = (owner.structuredContent as { count: number }).count;
    expect(ownerCount).toBeGreaterThan(0);
    const kid = await deck({ user: 'Kid' });
    expect(kid.isError, textOf(kid)).toBeFalsy();
    expect(kid.structuredContent).toMatchObject({ user: 'Kid', count: 0 });
    expect(plexTv.requests()).toContain(`POST /api/v2/home/users/${plexTv.person('kid').uuid}/switch`);
    // Same arguments afterwards: the owner's cached answer is still the owner's.
    expect(((await deck({})).structuredContent as { count: number }).count).toBe(ownerCount);
  });

  it('a profile with its own PIN is answered as itself with its pin, refused without it or with a wrong one', async () => {
    const switchAsPat = `POST /api/v2/home/users/${plexTv.person('partner').uuid}/switch`;
    // Something only Pat has in progress (the simulator keeps each account's watch state).
    const movie = sim.catalogOf(PAT_ACCOUNT_ID).movies.find((m) => !m.viewOffset && !m.viewCount);
    if (!movie) throw new Error('the simulator has no unwatched movie');
    movie.viewOffset = 600_000;
    const withoutPin = await deck({ user: 'Pat' });
    expect(errorCodeOf(withoutPin)).toBe('invalid_request');
    expect(textOf(withoutPin)).toMatch(
      /"Pat" is protected by a Plex Home PIN.*call again with pin.*Sign in with Plex/,
    );
    const wrong = await deck({ user: 'Pat', pin: '0000' });
    expect(errorCodeOf(wrong)).toBe('invalid_request');
    expect(textOf(wrong)).toMatch(/pin: wrong PIN for "Pat"/);
    const before = plexTv.requests().filter((r) => r === switchAsPat).length;
    const pat = await deck({ user: 'Pat', pin: '2468' });
    expect(pat.isError, textOf(pat)).toBeFalsy();
    const items = (pat.structuredContent as { user: string; items: { id: string }[] }).items;
    expect(pat.structuredContent).toMatchObject({ user: 'Pat' });
    expect(items.map((i) => i.id)).toContain(movie.ratingKey);
    expect(plexTv.requests().filter((r) => r === switchAsPat).length).toBe(before + 1);
    // By username too (PMS's account name), and the owner's deck does not have Pat's movie.
    expect((await deck({ user: 'partner', pin: '2468' })).isError).toBeFalsy();
    const owner = (await deck({})).structuredContent as { items: { id: string }[] };
    expect(owner.items.map((i) => i.id)).not.toContain(movie.ratingKey);
    // Having been reached with the PIN lets no later call in without it.
    expect(textOf(await deck({ user: 'Pat' }))).toMatch(/protected by a Plex Home PIN/);
    expect(textOf(await deck({ user: 'Pat', pin: '1111' }))).toMatch(/wrong PIN/);
  });

  it('pin without user, or not four digits, is refused', async () => {
    const alone = await deck({ pin: '2468' });
    expect(errorCodeOf(alone)).toBe('invalid_request');
    expect(textOf(alone)).toMatch(/pin: goes with user/);
    expect(errorCodeOf(await deck({ user: 'Pat', pin: '24' }))).toBe('invalid_request');
  });

  it('a friend is refused with the reason', async () => {
    const friend = await deck({ user: 'friend' });
    expect(errorCodeOf(friend)).toBe('invalid_request');
    expect(textOf(friend)).toMatch(/only available for/);
  });

  it('a name that is neither a person of this server nor a Home profile is not_found', async () => {
    const nobody = await deck({ user: 'Nobody By This Name' });
    expect(errorCodeOf(nobody)).toBe('not_found');
    expect(textOf(nobody)).toMatch(/Nobody By This Name/);
  });
});
