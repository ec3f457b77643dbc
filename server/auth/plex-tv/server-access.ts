// Who gets in: with a person's plex.tv token, find this Plex Media Server (by machine identifier) among the
// resources they reach and take the access token Plex issued them for it. The owner, Plex Home members and
// friends the server is shared with are admitted; anyone else is refused (optionally also people not on an
// allow-list of Plex usernames). Plex itself then enforces what each of them sees.

import type { PlexTvClient } from './plex-tv-client.ts';

export type PlexRole = 'owner' | 'home' | 'friend';

export interface PlexPerson {
  /** plex.tv account id (stable; history's accountID on the server is per server and may differ). */
  id: number;
  uuid: string;
  /** Empty for a managed Home profile. */
  username: string;
  title: string;
}

export type Admission =
  | { admitted: true; role: PlexRole; person: PlexPerson; serverToken: string }
  | { admitted: false; reason: 'not_shared' | 'not_allowed'; person: PlexPerson };

export interface AdmitOptions {
  /** This Plex Media Server's machine identifier (`/identity`). */
  machineIdentifier: string;
  /** When set, only these Plex usernames (case-insensitive) or Home profile titles get in. */
  allowedUsers?: readonly string[];
}

export async function admitToServer(
  client: PlexTvClient,
  plexTvToken: string,
  options: AdmitOptions,
): Promise<Admission> {
  const [user, resources] = await Promise.all([client.user(plexTvToken), client.resources(plexTvToken)]);
  const person: PlexPerson = { id: user.id, uuid: user.uuid, username: user.username, title: user.title };
  const server = resources.find(
    (r) =>
      r.clientIdentifier === options.machineIdentifier &&
      r.provides.split(',').includes('server') &&
      typeof r.accessToken === 'string' &&
      r.accessToken.length > 0,
  );
  if (!server?.accessToken) return { admitted: false, reason: 'not_shared', person };
  if (options.allowedUsers !== undefined) {
    const names = new Set(options.allowedUsers.map((u) => u.toLowerCase()));
    const name = (user.username || user.title).toLowerCase();
    if (!names.has(name)) return { admitted: false, reason: 'not_allowed', person };
  }
  const role: PlexRole = server.owned ? 'owner' : server.home ? 'home' : 'friend';
  return { admitted: true, role, person, serverToken: server.accessToken };
}

/**
 * "Who's watching": a signed-in Home member becomes another profile of their Home (an admin needs no PIN for a
 * managed profile; a PIN-protected profile otherwise asks for it), then is admitted as that profile.
 */
export async function switchHomeProfile(
  client: PlexTvClient,
  plexTvToken: string,
  profileUuid: string,
  options: AdmitOptions & { pin?: string },
): Promise<Admission & { plexTvToken: string }> {
  const profile = await client.switchHomeUser(plexTvToken, profileUuid, options.pin);
  const admission = await admitToServer(client, profile.authToken, options);
  return { ...admission, plexTvToken: profile.authToken };
}
