// "Sign in with Plex" against the plex.tv double: the double's answers in Plex's shapes (the community OpenAPI
// file for /user and /resources, with deliberately broken copies failing; the sign-in's own zod schemas for the
// rest, since the client parses every answer with them), then the PIN flow, admission by machine identifier
// (owner, Home member, friend in; stranger and non-allow-listed out), PIN expiry and timeout, a revoked token,
// and Home profile switches with and without a PIN.

import type { ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PinExpiredError, plexSignInUrl, waitForPinClaim } from '../../../server/auth/plex-tv/pin-sign-in.ts';
import {
  PlexHomePinError,
  PlexTvClient,
  PlexTvUnauthorizedError,
} from '../../../server/auth/plex-tv/plex-tv-client.ts';
import { admitToServer, switchHomeProfile } from '../../../server/auth/plex-tv/server-access.ts';
import { CURRENT_SPEC, loadSpecValidator, type SpecValidator } from '../../plex-sim/openapi-validator.ts';
import { type PlexTv, startPlexTv } from '../../plex-sim/plex-tv.ts';

const MACHINE_ID = '0123456789abcdef0123456789abcdef01234567';
let now = Date.parse('2026-12-01T10:00:00Z');
let plexTv: PlexTv;
let spec: SpecValidator;
let client: PlexTvClient;

beforeAll(async () => {
  [plexTv, spec] = await Promise.all([
    startPlexTv({
      server: { machineIdentifier: MACHINE_ID, name: 'Family Server', uri: 'http://127.0.0.1:32400' },
      clock: () => now,
      pinLifetimeSeconds: 900,
      people: [
        { id: 1, username: 'plexadmin', access: 'owner', serverToken: 'pms-owner-token' },
        { id: 11, username: 'partner', access: 'home', serverToken: 'pms-partner-token', pin: '2468' },
        {
          id: 12,
          username: 'kid',
          title: 'Kid',
          access: 'home',
          serverToken: 'pms-kid-token',
          managed: true,
          pin: '1357',
        },
        { id: 21, username: 'friend', access: 'friend', serverToken: 'pms-friend-token' },
        { id: 22, username: 'leaver', access: 'friend', serverToken: 'pms-leaver-token' },
        { id: 31, username: 'stranger', access: 'none' },
      ],
    }),
    loadSpecValidator(CURRENT_SPEC),
  ]);
  client = new PlexTvClient({
    baseUrl: plexTv.url,
    clientIdentifier: 'mcp-test-client',
    product: 'Plex MCP test',
  });
});

afterAll(async () => {
  await plexTv?.close();
});

function expectValid(validate: ValidateFunction, body: unknown, label: string): void {
  const ok = validate(body);
  expect(
    (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath} ${e.message}`),
    label,
  ).toEqual([]);
  expect(ok, label).toBe(true);
}

async function raw(path: string, token?: string): Promise<unknown> {
  const response = await fetch(`${plexTv.url}${path}`, {
    headers: { Accept: 'application/json', ...(token ? { 'X-Plex-Token': token } : {}) },
  });
  expect(response.status, path).toBe(200);
  return response.json();
}

async function signIn(username: string): Promise<string> {
  const pin = await client.createPin();
  plexTv.claimPin(pin.id, username);
  return waitForPinClaim(client, pin.id, { intervalMs: 5, timeoutMs: 1000 });
}

describe('plex.tv double: shapes', () => {
  it('GET /api/v2/user matches the OpenAPI UserPlexAccount; a broken copy does not', async () => {
    const validate = spec.responseValidator('/user');
    for (const person of plexTv.people) {
      const body = await raw('/api/v2/user', person.authToken);
      expectValid(validate, body, person.title);
    }
    const body = (await raw('/api/v2/user', plexTv.person('friend').authToken)) as Record<string, unknown>;
    expect(validate({ ...body, id: 'one' })).toBe(false);
  });

  it('GET /api/v2/resources matches the OpenAPI PlexDevice list; a broken copy does not', async () => {
    const validate = spec.responseValidator('/resources');
    for (const person of plexTv.people) {
      const body = await raw('/api/v2/resources?includeHttps=1&includeRelay=1', person.authToken);
      expectValid(validate, body, person.title);
    }
    const body = (await raw('/api/v2/resources', plexTv.person('friend').authToken)) as Record<
      string,
      unknown
    >[];
    expect(validate([{ ...body[0], owned: 'no' }])).toBe(false);
  });

  it('answers 401 in plex.tv error shape without a valid token, and 400 for a PIN without a client id', async () => {
    const denied = await fetch(`${plexTv.url}/api/v2/user`, { headers: { 'X-Plex-Token': 'nope' } });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({
      errors: [{ code: 1001, message: 'User could not be authenticated', status: 401 }],
    });
    const noClient = await fetch(`${plexTv.url}/api/v2/pins?strong=true`, { method: 'POST' });
    expect(noClient.status).toBe(400);
  });

  it('lists Home members (not friends or strangers) with admin and protected flags', async () => {
    const users = await client.homeUsers(plexTv.person('plexadmin').authToken);
    expect(users.map((u) => [u.title, u.admin, u.protected, u.restricted])).toEqual([
      ['plexadmin', true, false, false],
      ['partner', false, true, false],
      ['Kid', false, true, true],
    ]);
    await expect(client.homeUsers(plexTv.person('friend').authToken)).rejects.toThrow(/HTTP 403/);
  });
});

describe('sign-in', () => {
  it('creates a strong PIN and a Plex sign-in URL that carries it and our client id', async () => {
    const pin = await client.createPin();
    expect(pin.code.length).toBe(25);
    expect(pin.authToken).toBeNull();
    const url = new URL(
      plexSignInUrl(pin, {
        clientIdentifier: client.clientIdentifier,
        product: 'Plex MCP',
        forwardUrl: 'https://mcp.example/login/done',
      }),
    );
    expect(url.origin + url.pathname).toBe('https://app.plex.tv/auth');
    const params = new URLSearchParams(url.hash.slice(2));
    expect(params.get('clientID')).toBe('mcp-test-client');
    expect(params.get('code')).toBe(pin.code);
    expect(params.get('context[device][product]')).toBe('Plex MCP');
    expect(params.get('forwardUrl')).toBe('https://mcp.example/login/done');
  });

  it('a PIN is visible only to the client that created it', async () => {
    const pin = await client.createPin();
    const other = new PlexTvClient({ baseUrl: plexTv.url, clientIdentifier: 'someone-else', product: 'x' });
    expect(await other.checkPin(pin.id)).toBeUndefined();
    expect((await client.checkPin(pin.id))?.id).toBe(pin.id);
  });

  it.each([
    ['plexadmin', 'owner', 'pms-owner-token'],
    ['partner', 'home', 'pms-partner-token'],
    ['friend', 'friend', 'pms-friend-token'],
  ] as const)('admits %s as %s with their own server token', async (username, role, serverToken) => {
    const token = await signIn(username);
    expect(token).toBe(plexTv.person(username).authToken);
    const admission = await admitToServer(client, token, { machineIdentifier: MACHINE_ID });
    expect(admission).toEqual({
      admitted: true,
      role,
      serverToken,
      person: expect.objectContaining({ username, id: plexTv.person(username).id }),
    });
  });

  it('refuses a stranger (the server is not among their resources, only someone else’s is)', async () => {
    const token = await signIn('stranger');
    const admission = await admitToServer(client, token, { machineIdentifier: MACHINE_ID });
    expect(admission).toMatchObject({
      admitted: false,
      reason: 'not_shared',
      person: { username: 'stranger' },
    });
    // The neighbour's server is reachable, so a lookup that ignored the machine identifier would have let them in.
    expect((await client.resources(token)).some((r) => r.provides === 'server')).toBe(true);
  });

  it('an allow-list keeps out people the server is shared with but who are not on it', async () => {
    const options = { machineIdentifier: MACHINE_ID, allowedUsers: ['PlexAdmin', 'partner'] };
    expect((await admitToServer(client, await signIn('friend'), options)).admitted).toBe(false);
    expect(await admitToServer(client, await signIn('friend'), options)).toMatchObject({
      reason: 'not_allowed',
    });
    expect((await admitToServer(client, await signIn('plexadmin'), options)).admitted).toBe(true);
  });

  it('gives up with PinExpiredError when nobody signs in before our deadline', async () => {
    const pin = await client.createPin();
    await expect(waitForPinClaim(client, pin.id, { intervalMs: 5, timeoutMs: 40 })).rejects.toThrow(
      PinExpiredError,
    );
  });

  it('gives up with PinExpiredError when plex.tv expires the PIN', async () => {
    const pin = await client.createPin();
    now += 901_000;
    try {
      await expect(waitForPinClaim(client, pin.id, { intervalMs: 5, timeoutMs: 1000 })).rejects.toThrow(
        /expired/,
      );
      expect(() => plexTv.claimPin(pin.id, 'friend')).toThrow(/expired/);
    } finally {
      now -= 901_000;
    }
  });

  it('a revoked plex.tv token is a PlexTvUnauthorizedError, and its message carries no token', async () => {
    const token = await signIn('leaver');
    plexTv.revoke('leaver');
    const error = await admitToServer(client, token, { machineIdentifier: MACHINE_ID }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlexTvUnauthorizedError);
    expect(String(error)).not.toContain(token);
  });
});

describe('Home profile switch', () => {
  it('the owner switches to a managed, PIN-protected profile without its PIN', async () => {
    const owner = await signIn('plexadmin');
    const kid = plexTv.person('kid');
    const switched = await switchHomeProfile(client, owner, kid.uuid, { machineIdentifier: MACHINE_ID });
    expect(switched).toMatchObject({
      admitted: true,
      role: 'home',
      serverToken: 'pms-kid-token',
      plexTvToken: kid.authToken,
    });
  });

  it('a profile with its own PIN asks for it: refused without or with a wrong PIN, admitted with the right one', async () => {
    const owner = await signIn('plexadmin');
    const partnerUuid = plexTv.person('partner').uuid;
    const options = { machineIdentifier: MACHINE_ID };
    await expect(switchHomeProfile(client, owner, partnerUuid, options)).rejects.toThrow(PlexHomePinError);
    await expect(switchHomeProfile(client, owner, partnerUuid, { ...options, pin: '0000' })).rejects.toThrow(
      /wrong PIN/,
    );
    expect(await switchHomeProfile(client, owner, partnerUuid, { ...options, pin: '2468' })).toMatchObject({
      admitted: true,
      serverToken: 'pms-partner-token',
    });
  });

  it('a friend cannot switch into the Home', async () => {
    const friend = await signIn('friend');
    await expect(
      switchHomeProfile(client, friend, plexTv.person('kid').uuid, {
        machineIdentifier: MACHINE_ID,
        pin: '1357',
      }),
    ).rejects.toThrow(/HTTP 404/);
  });
});
