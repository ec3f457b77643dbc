// Per-call Plex identity (#17): a call that runs as a person (runAsPlexIdentity) reaches Plex with that person's
// token, concurrently with calls as others, and the tool cache keys its entries by the person's scope, so two
// people asking the same question never get each other's answer (the friend here sees one shared library, the
// partner all four). Against the Plex simulator with several tokens; our own Plex client is not mocked.

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToolCache } from '../../../server/cache/cache-factory.ts';
import { cacheKey } from '../../../server/cache/cache-key.ts';
import { DEFAULT_TTL_SECONDS } from '../../../server/config/config.ts';
import { HttpPlexClient } from '../../../server/plex/plex-client.ts';
import { PlexHttp } from '../../../server/plex/plex-http.ts';
import {
  cacheScopeOf,
  currentPlexIdentity,
  type PlexCallIdentity,
  runAsPlexIdentity,
} from '../../../server/plex/plex-identity.ts';
import { timeoutOnlyPolicy } from '../../../server/plex/request-policy.ts';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';

const OWNER = 'owner-token-per-person';
const FRIEND: PlexCallIdentity = {
  token: 'friend-token-per-person',
  cacheScope: cacheScopeOf('friend-uuid'),
};
const PARTNER: PlexCallIdentity = {
  token: 'partner-token-per-person',
  cacheScope: cacheScopeOf('partner-uuid'),
};
let sim: PlexSimulator;
let http: PlexHttp;
let plex: HttpPlexClient;

beforeAll(async () => {
  sim = await startPlexSimulator({
    token: OWNER,
    people: [
      { token: PARTNER.token, accountID: 20_345_671, name: 'alice' },
      { token: FRIEND.token, accountID: 30_000_001, name: 'fran', sections: ['1'] },
    ],
  });
  http = new PlexHttp({
    baseUrl: sim.url,
    token: OWNER,
    clientIdentifier: 'per-person-test',
    maxConnections: 4,
    timeoutMs: 5000,
    maxResponseBytes: 8 * 1024 * 1024,
    policy: timeoutOnlyPolicy(5000),
    product: 'plex-mcp-test',
    version: '0.0.0',
  });
  plex = new HttpPlexClient(http);
});
afterAll(async () => {
  await http?.close();
  await sim?.close();
});

const titles = async () => (await plex.listLibraries()).map((l) => l.name).sort();

describe('per-call Plex token', () => {
  it('uses the configured token outside a person’s call and the person’s token inside it', async () => {
    expect(await titles()).toHaveLength(4);
    expect(await runAsPlexIdentity(FRIEND, titles)).toEqual(['Movies']);
    expect(await runAsPlexIdentity(PARTNER, titles)).toHaveLength(4);
    expect(currentPlexIdentity()).toBeUndefined();
  });

  it('keeps concurrent calls of different people apart', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 2 === 0 ? runAsPlexIdentity(FRIEND, titles) : runAsPlexIdentity(PARTNER, titles),
      ),
    );
    expect(results.map((r) => r.length)).toEqual(results.map((_, i) => (i % 2 === 0 ? 1 : 4)));
  });

  it('refuses an identity without a token or cache scope', () => {
    expect(() => runAsPlexIdentity({ token: '', cacheScope: 'x' }, () => 1)).toThrow(/required/);
    expect(() => runAsPlexIdentity({ token: 'x', cacheScope: '' }, () => 1)).toThrow(/required/);
  });
});

describe('tool cache with people', () => {
  const cache = () =>
    createToolCache(
      {
        enabled: true,
        ttlSeconds: { ...DEFAULT_TTL_SECONDS },
        staleSeconds: 3600,
        maxBytes: 1024 * 1024,
        plexServerUrl: sim.url,
      },
      { shouldServeStale: () => false, logger: pino({ level: 'silent' }) },
    );

  it('never serves one person’s answer to another asking the same thing', async () => {
    const c = cache();
    const libraries = () => c.getOrLoad('libraries', {}, () => plex.listLibraries());
    const friendFirst = await runAsPlexIdentity(FRIEND, libraries);
    expect(friendFirst).toMatchObject({ source: 'plex' });
    expect(friendFirst.value.map((l) => l.name)).toEqual(['Movies']);
    const partner = await runAsPlexIdentity(PARTNER, libraries);
    expect(partner.source).toBe('plex');
    expect(partner.value).toHaveLength(4);
    const owner = await libraries();
    expect(owner.source).toBe('plex');
    expect(owner.value).toHaveLength(4);
    const friendAgain = await runAsPlexIdentity(FRIEND, libraries);
    expect(friendAgain.source).toBe('cache');
    expect(friendAgain.value.map((l) => l.name)).toEqual(['Movies']);
    expect((await runAsPlexIdentity(PARTNER, libraries)).source).toBe('cache');
  });

  it('invalidating a kind drops every person’s entries of it', async () => {
    const c = cache();
    const libraries = () => c.getOrLoad('libraries', {}, () => plex.listLibraries());
    await runAsPlexIdentity(FRIEND, libraries);
    await libraries();
    await c.invalidate('libraries');
    expect((await runAsPlexIdentity(FRIEND, libraries)).source).toBe('plex');
    expect((await libraries()).source).toBe('plex');
  });

  it('keys carry the person’s scope, never their token; unscoped keys are unchanged', () => {
    const scoped = cacheKey('srv', 'onDeck', { limit: 5 }, FRIEND.cacheScope);
    expect(scoped).toContain(`:onDeck:${FRIEND.cacheScope}:`);
    expect(scoped).not.toContain(FRIEND.token);
    expect(FRIEND.cacheScope).not.toContain('friend');
    expect(cacheKey('srv', 'onDeck', { limit: 5 })).toMatch(/^plexmcp:v1:srv:onDeck:[0-9a-f]{64}$/);
  });
});
