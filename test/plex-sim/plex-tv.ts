// A plex.tv double for the "Sign in with Plex" tests and demos: PIN create/check, the signed-in user, resources
// with per-person server access tokens, Plex Home users and switch, in Plex's JSON shapes
// (../shared/plex-api/EVENTS-AND-ACCOUNTS.md; /user and /resources as the community OpenAPI file has them).
// It is its own HTTP server (plex.tv is another host than the Plex Media Server), started only when asked for
// (`startPlexTv()`). The browser step (the person signing in at
// app.plex.tv) is `claimPin()`/`claimCode()` or `POST /__plextv/pins/{id}/claim?username=`.

import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How this person relates to the simulated Plex Media Server. */
export type PlexTvAccess = 'owner' | 'home' | 'friend' | 'none';

export interface PlexTvPersonOptions {
  id: number;
  username: string;
  /** Display name; default the username. */
  title?: string;
  access: PlexTvAccess;
  /** The token this person uses on the Plex Media Server (resources' accessToken); required unless access is none. */
  serverToken?: string;
  /** A managed Home profile: no credentials of its own, reachable only through a Home switch. */
  managed?: boolean;
  /** A Home profile PIN (`protected`). */
  pin?: string;
  restricted?: boolean;
  /** Their plex.tv token (default: a random one). An owner's classic token is often the same on plex.tv and PMS. */
  authToken?: string;
}

export interface PlexTvPerson
  extends Required<Omit<PlexTvPersonOptions, 'pin' | 'serverToken' | 'authToken'>> {
  uuid: string;
  email: string;
  /** This person's plex.tv token. */
  authToken: string;
  serverToken?: string;
  pin?: string;
}

export interface PlexTvOptions {
  port?: number;
  host?: string;
  /** The simulated Plex Media Server as a resource. */
  server: { machineIdentifier: string; name: string; uri: string };
  people: PlexTvPersonOptions[];
  /** Seconds a PIN stays claimable (default 900; plex.tv's figure is unverified). */
  pinLifetimeSeconds?: number;
  clock?: () => number;
}

export interface PlexTv {
  url: string;
  people: PlexTvPerson[];
  person(username: string): PlexTvPerson;
  /** The browser step: `username` signs in at app.plex.tv and the PIN gets their plex.tv token. */
  claimPin(pinId: number, username: string): void;
  /** The same step by the PIN's code (what app.plex.tv/auth#?code= carries, so what a browser sees). */
  claimCode(code: string, username: string): void;
  /** Invalidates a person's plex.tv token (a password change): later calls with it get 401. */
  revoke(username: string): void;
  /** plex.tv paths requested so far (never tokens). */
  requests(): string[];
  close(): Promise<void>;
}

interface Pin {
  id: number;
  code: string;
  clientIdentifier: string;
  product: string;
  createdAt: number;
  expiresAt: number;
  authToken: string | null;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** The double's stand-in for app.plex.tv/auth: one button per account that can sign in. */
function signInPage(people: { username: string; title: string; access: PlexTvAccess }[]): string {
  const buttons = people
    .map(
      (p) =>
        `<button data-username="${escapeHtml(p.username)}">${escapeHtml(p.title)} (${escapeHtml(p.username)}, ${p.access})</button>`,
    )
    .join('<br>');
  return `<!doctype html><meta charset="utf-8"><title>plex.tv double: sign in</title>
<h1>Simulated Plex sign-in</h1><p>Sign in as:</p>${buttons}<p id="done"></p>
<script>
const params = new URLSearchParams(location.hash.replace(/^#??/, ''));
for (const b of document.querySelectorAll('button')) b.onclick = async () => {
  const q = new URLSearchParams({ code: params.get('code') || '', username: b.dataset.username });
  const r = await fetch('/__plextv/claim?' + q, { method: 'POST' });
  document.getElementById('done').textContent = r.ok
    ? 'Signed in. Go back to the other tab: it continues by itself.' : 'That did not work: ' + (await r.text());
};
</script>`;
}

/** A plex.tv-looking token (20 characters, like the classic ones). */
const newToken = () => randomBytes(15).toString('base64url');

const OTHER_SERVER_ID = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0';

export async function startPlexTv(options: PlexTvOptions): Promise<PlexTv> {
  const clock = options.clock ?? Date.now;
  const lifetime = options.pinLifetimeSeconds ?? 900;
  const people: PlexTvPerson[] = options.people.map((p) => {
    if (p.access !== 'none' && !p.serverToken)
      throw new Error(`startPlexTv: ${p.username} needs a serverToken`);
    return {
      id: p.id,
      username: p.managed ? '' : p.username,
      title: p.title ?? p.username,
      access: p.access,
      managed: p.managed ?? false,
      restricted: p.restricted ?? p.managed ?? false,
      uuid: randomUUID().replaceAll('-', '').slice(0, 16),
      // plex.tv's /user always has an email (the spec requires one); the Home list shows none for managed profiles.
      email: `${p.username}@example.invalid`,
      authToken: p.authToken ?? newToken(),
      ...(p.serverToken ? { serverToken: p.serverToken } : {}),
      ...(p.pin ? { pin: p.pin } : {}),
    };
  });
  // Managed profiles have no username; tests still name them by the username they were given.
  const byName = new Map(options.people.map((p, i) => [p.username, people[i] as PlexTvPerson]));
  const owner = people.find((p) => p.access === 'owner');
  const revoked = new Set<string>();
  const pins = new Map<number, Pin>();
  let nextPinId = 1_000_001;
  const log: string[] = [];

  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const isHome = (p: PlexTvPerson) => p.access === 'owner' || p.access === 'home';

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  const fail = (res: ServerResponse, status: number, code: number, message: string) =>
    send(res, status, { errors: [{ code, message, status }] });

  const pinBody = (pin: Pin) => ({
    id: pin.id,
    code: pin.code,
    product: pin.product,
    trusted: false,
    qr: `https://plex.tv/api/v2/pins/qr/${pin.code}`,
    clientIdentifier: pin.clientIdentifier,
    location: { code: 'ZZ', country: 'Nowhere', city: 'Loopback', subdivisions: '', coordinates: '0, 0' },
    expiresIn: Math.max(0, Math.round((pin.expiresAt - clock()) / 1000)),
    createdAt: iso(pin.createdAt),
    expiresAt: iso(pin.expiresAt),
    authToken: pin.authToken,
    newRegistration: null,
  });

  const userBody = (p: PlexTvPerson) => ({
    id: p.id,
    uuid: p.uuid,
    username: p.username,
    title: p.title,
    friendlyName: p.title,
    email: p.email,
    thumb: `https://plex.tv/users/${p.uuid}/avatar`,
    locale: null,
    joinedAt: 1_600_000_000,
    confirmed: true,
    emailOnlyAuth: false,
    hasPassword: !p.managed,
    protected: p.pin !== undefined,
    mailingListStatus: 'unsubscribed',
    mailingListActive: false,
    scrobbleTypes: '',
    country: 'ZZ',
    restricted: p.restricted,
    anonymous: null,
    home: isHome(p),
    guest: false,
    homeSize: people.filter(isHome).length,
    homeAdmin: p.access === 'owner',
    maxHomeSize: 15,
    rememberExpiresAt: 1_900_000_000,
    twoFactorEnabled: false,
    backupCodesCreated: false,
    attributionPartner: null,
    authToken: p.authToken,
  });

  const connection = (uri: string) => {
    const u = new URL(uri);
    return {
      protocol: u.protocol.replace(':', ''),
      address: u.hostname,
      port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
      uri: u.origin,
      local: true,
      relay: false,
      IPv6: false,
    };
  };

  const device = (fields: {
    name: string;
    clientIdentifier: string;
    provides: string;
    product: string;
    accessToken: string;
    owned: boolean;
    home: boolean;
    ownerId: number | null;
    sourceTitle: string | null;
    uri: string;
  }) => ({
    name: fields.name,
    product: fields.product,
    productVersion: '1.41.3.9314-a0bfb8370',
    platform: 'Linux',
    platformVersion: '6.8.0',
    device: 'PC',
    clientIdentifier: fields.clientIdentifier,
    createdAt: iso(1_700_000_000_000),
    lastSeenAt: iso(clock()),
    provides: fields.provides,
    ownerId: fields.ownerId,
    sourceTitle: fields.sourceTitle,
    publicAddress: '127.0.0.1',
    accessToken: fields.accessToken,
    owned: fields.owned,
    home: fields.home,
    synced: false,
    relay: true,
    presence: true,
    httpsRequired: false,
    publicAddressMatches: true,
    dnsRebindingProtection: false,
    natLoopbackSupported: false,
    connections: [connection(fields.uri)],
  });

  /** What `p` can reach: the simulated server when shared with them, another (foreign) server, and a player. */
  const resourcesOf = (p: PlexTvPerson) => {
    const out: unknown[] = [
      // Someone else's server shared with everyone, so a lookup by machine identifier has something to skip.
      device({
        name: 'Neighbour Server',
        clientIdentifier: OTHER_SERVER_ID,
        provides: 'server',
        product: 'Plex Media Server',
        accessToken: `other-${p.id}`,
        owned: false,
        home: false,
        ownerId: 99_999,
        sourceTitle: 'neighbour',
        uri: 'http://127.0.0.2:32400',
      }),
      device({
        name: `${p.title}'s Phone`,
        clientIdentifier: `phone-${p.uuid}`,
        provides: 'client,player',
        product: 'Plex for iOS',
        accessToken: p.authToken,
        owned: true,
        home: false,
        ownerId: null,
        sourceTitle: null,
        uri: 'http://127.0.0.3:32500',
      }),
    ];
    if (p.access !== 'none' && p.serverToken) {
      out.unshift(
        device({
          name: options.server.name,
          clientIdentifier: options.server.machineIdentifier,
          provides: 'server',
          product: 'Plex Media Server',
          accessToken: p.serverToken,
          owned: p.access === 'owner',
          home: isHome(p),
          ownerId: p.access === 'owner' ? null : (owner?.id ?? null),
          sourceTitle: p.access === 'owner' ? null : (owner?.username ?? null),
          uri: options.server.uri,
        }),
      );
    }
    return out;
  };

  const caller = (req: IncomingMessage, url: URL): PlexTvPerson | undefined => {
    const header = req.headers['x-plex-token'];
    const token = url.searchParams.get('X-Plex-Token') ?? (Array.isArray(header) ? header[0] : header);
    if (!token || revoked.has(token)) return undefined;
    return people.find((p) => p.authToken === token);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://plex-tv.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    log.push(`${method} ${path}`);
    const clientId =
      req.headers['x-plex-client-identifier'] ?? url.searchParams.get('X-Plex-Client-Identifier');

    // The human half of the demo: app.plex.tv's sign-in page, as a page that lets you pick who signs in. Plex
    // reads the PIN code from the fragment, which never reaches a server, so a script hands it to the form.
    if (path === '/auth' && method === 'GET') {
      const html = signInPage(people.filter((p) => !p.managed));
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': Buffer.byteLength(html),
      });
      return res.end(html);
    }
    if (path === '/__plextv/claim' && method === 'POST') {
      try {
        api.claimCode(url.searchParams.get('code') ?? '', url.searchParams.get('username') ?? '');
        return send(res, 200, { ok: true });
      } catch (error) {
        return send(res, 400, { error: (error as Error).message });
      }
    }
    const claim = /^\/__plextv\/pins\/(\d+)\/claim$/.exec(path);
    if (claim && method === 'POST') {
      try {
        api.claimPin(Number(claim[1]), url.searchParams.get('username') ?? '');
        return send(res, 200, { ok: true });
      } catch (error) {
        return send(res, 400, { error: (error as Error).message });
      }
    }

    if (path === '/api/v2/pins' && method === 'POST') {
      if (!clientId) return fail(res, 400, 1000, 'X-Plex-Client-Identifier is missing');
      const strong = url.searchParams.get('strong') === 'true';
      const now = clock();
      const pin: Pin = {
        id: nextPinId++,
        code: strong
          ? randomBytes(19).toString('base64url').slice(0, 25)
          : randomBytes(2).toString('hex').toUpperCase(),
        clientIdentifier: String(clientId),
        product: String(req.headers['x-plex-product'] ?? 'unknown'),
        createdAt: now,
        expiresAt: now + lifetime * 1000,
        authToken: null,
      };
      pins.set(pin.id, pin);
      return send(res, 201, pinBody(pin));
    }
    const pinPath = /^\/api\/v2\/pins\/(\d+)$/.exec(path);
    if (pinPath && method === 'GET') {
      const pin = pins.get(Number(pinPath[1]));
      // A PIN is only visible to the client that created it; an expired one is gone.
      if (!pin || pin.clientIdentifier !== clientId || pin.expiresAt <= clock())
        return fail(res, 404, 1020, 'Code not found or expired');
      return send(res, 200, pinBody(pin));
    }

    const me = caller(req, url);
    const authenticated = ['/api/v2/user', '/api/v2/resources', '/api/v2/home/users'];
    const switchPath = /^\/api\/v2\/home\/users\/([^/]+)\/switch$/.exec(path);
    if (!authenticated.includes(path) && !switchPath) return fail(res, 404, 1002, 'Not found');
    if (!me) return fail(res, 401, 1001, 'User could not be authenticated');

    if (path === '/api/v2/user' && method === 'GET') return send(res, 200, userBody(me));
    if (path === '/api/v2/resources' && method === 'GET') return send(res, 200, resourcesOf(me));
    if (path === '/api/v2/home/users' && method === 'GET') {
      if (!isHome(me)) return fail(res, 403, 1030, 'User is not a member of a Plex Home');
      return send(res, 200, {
        id: 4_242,
        name: `${owner?.title ?? 'Plex'}'s Home`,
        guestUserID: null,
        guestUserUUID: null,
        guestEnabled: false,
        subscription: false,
        users: people.filter(isHome).map((p) => ({
          id: p.id,
          uuid: p.uuid,
          title: p.title,
          username: p.managed ? null : p.username,
          email: p.managed ? null : p.email,
          friendlyName: p.title,
          thumb: `https://plex.tv/users/${p.uuid}/avatar`,
          hasPassword: !p.managed,
          restricted: p.restricted,
          updatedAt: 1_700_000_000,
          restrictionProfile: p.restricted ? 'little_kid' : null,
          admin: p.access === 'owner',
          guest: false,
          protected: p.pin !== undefined,
        })),
      });
    }
    if (switchPath && method === 'POST') {
      const target = people.find((p) => p.uuid === switchPath[1] && isHome(p));
      if (!isHome(me) || !target) return fail(res, 404, 1002, 'User not found');
      // An admin switches to a managed profile without its PIN; everyone else gives the profile's PIN.
      const pinNeeded = target.pin !== undefined && !(me.access === 'owner' && target.managed);
      if (pinNeeded && url.searchParams.get('pin') !== target.pin) return fail(res, 403, 1041, 'Invalid PIN');
      return send(res, 201, userBody(target));
    }
    return fail(res, 405, 1003, 'Method not allowed');
  };

  const server = createServer(handle);
  server.keepAliveTimeout = 5000;
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;

  const api: PlexTv = {
    url: `http://${address.address}:${address.port}`,
    people,
    person(username) {
      const found = byName.get(username);
      if (!found) throw new Error(`plex.tv double: no person ${username}`);
      return found;
    },
    claimCode(code, username) {
      const pin = [...pins.values()].find((p) => p.code === code);
      if (!pin) throw new Error('no PIN with that code');
      api.claimPin(pin.id, username);
    },
    claimPin(pinId, username) {
      const pin = pins.get(pinId);
      if (!pin || pin.expiresAt <= clock()) throw new Error(`PIN ${pinId} not found or expired`);
      const person = byName.get(username);
      if (!person || person.managed) throw new Error(`no account ${username} can sign in`);
      pin.authToken = person.authToken;
    },
    revoke(username) {
      revoked.add(api.person(username).authToken);
    },
    requests: () => log.slice(),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
  return api;
}
