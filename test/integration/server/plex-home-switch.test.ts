/**
 * AUTH_MODE=bearer (the owner's token): get_on_deck with `user` naming a profile of the owner's Plex Home answers
 * as that profile, through plex.tv's Home switch (the double) and the profile's own server token, instead of
 * refusing; the owner's own answer is unchanged (and not served to the profile: separate cache entries); a profile
 * with its own PIN, and a friend (no Home profile), are refused with the reason.
 */

import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHttpServer, startHttpServer } from '../../../server/app.ts';
import { household } from '../../plex-sim/household.ts';
import { type PlexTv, startPlexTv } from '../../plex-sim/plex-tv.ts';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';
import { buildConfig, connectClient, errorCodeOf, randomToken, textOf } from './support/mcp-harness.ts';

let sim: PlexSimulator;
let plexTv: PlexTv;
let server: RunningHttpServer;
let client: Client;
beforeAll(async () => {
  const people = household();
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

  it('a profile with its own PIN, and a friend, are refused with the reason', async () => {
    const pat = await deck({ user: 'Pat' });
    expect(errorCodeOf(pat)).toBe('invalid_request');
    expect(textOf(pat)).toMatch(/"Pat" has a PIN of its own/);
    const friend = await deck({ user: 'friend' });
    expect(errorCodeOf(friend)).toBe('invalid_request');
    expect(textOf(friend)).toMatch(/only available for/);
  });
});
