// AUTH_MODE=bearer (the owner's token): a `user` argument naming another profile of the owner's Plex Home acts
// as that profile, through the same plex.tv switch "Sign in with Plex" uses (server-access.ts): the owner's
// token (PLEX_TOKEN, which for the owner is their plex.tv token too) lists the Home, switches to the profile (an
// admin needs no PIN for a managed profile; a profile with a PIN of its own needs it), and takes the profile's
// access token for this server from its resources. Answers are remembered for a while per profile, so a second
// call does not ask plex.tv again; one reached with a PIN is remembered under that PIN (hashed), so a later call
// without it, or with another, is not let in on the strength of an earlier one.

import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { cacheScopeOf, type PlexCallIdentity } from '../../plex/plex-identity.ts';
import type { PlexTvClientOptions } from './plex-tv-client.ts';

/** Why a named person cannot be acted as; `pin` says the profile's PIN is what is missing or wrong. */
export class HomeSwitchRefused extends Error {
  override readonly name = 'HomeSwitchRefused';
  readonly pin: 'needed' | 'wrong' | undefined;
  constructor(message: string, pin?: 'needed' | 'wrong') {
    super(message);
    this.pin = pin;
  }
}

export interface HomeSwitch {
  /**
   * The identity of the Home profile called `name` (title or username, any case), switched to with `pin` when
   * given; undefined if there is no such profile.
   */
  identityOf(name: string, pin?: string): Promise<PlexCallIdentity | undefined>;
}

const looseName = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * plex.tv's client and the profile switch, imported on the first call that names a person rather than at start:
 * most calls never do, and the client's response schemas are start-up work like any other.
 */
async function loadPlexTv(options: PlexTvClientOptions) {
  const [{ PlexTvClient, PlexHomePinError }, { switchHomeProfile }] = await Promise.all([
    import('./plex-tv-client.ts'),
    import('./server-access.ts'),
  ]);
  return { plexTv: new PlexTvClient(options), PlexHomePinError, switchHomeProfile };
}

export function createHomeSwitch(options: {
  /** How to reach plex.tv; the client is built on first use (loadPlexTv). */
  plexTv: PlexTvClientOptions;
  ownerToken: string;
  machineIdentifier: () => Promise<string>;
  ttlMs?: number;
}): HomeSwitch {
  const known = new LRUCache<string, PlexCallIdentity>({ max: 50, ttl: options.ttlMs ?? 3_600_000 });
  let loaded: ReturnType<typeof loadPlexTv> | undefined;
  return {
    async identityOf(name, pin) {
      const wanted = looseName(name);
      // Keyed by the PIN it was reached with (a hash: no PIN kept in the clear), or by the name alone without.
      const key =
        pin === undefined ? wanted : `${wanted}\0${hash('sha256', `home-pin:${wanted}:${pin}`, 'hex')}`;
      const cached = known.get(key) ?? (pin === undefined ? undefined : known.get(wanted));
      if (cached) return cached;
      loaded ??= loadPlexTv(options.plexTv);
      const { plexTv, PlexHomePinError, switchHomeProfile } = await loaded;
      const home = await plexTv.homeUsers(options.ownerToken).catch(() => []);
      const profile = home.find(
        (u) => !u.admin && (looseName(u.title) === wanted || looseName(u.username ?? '') === wanted),
      );
      if (!profile) return undefined;
      let admission: Awaited<ReturnType<typeof switchHomeProfile>>;
      try {
        admission = await switchHomeProfile(plexTv, options.ownerToken, profile.uuid, {
          machineIdentifier: await options.machineIdentifier(),
          ...(pin !== undefined && { pin }),
        });
      } catch (error) {
        if (error instanceof PlexHomePinError)
          throw pin === undefined
            ? new HomeSwitchRefused(`"${profile.title}" is protected by a Plex Home PIN`, 'needed')
            : new HomeSwitchRefused(`wrong PIN for "${profile.title}"`, 'wrong');
        throw error;
      }
      if (!admission.admitted)
        throw new HomeSwitchRefused(`"${profile.title}" has no access to this Plex server`);
      const identity = { token: admission.serverToken, cacheScope: cacheScopeOf(admission.person.uuid) };
      known.set(key, identity);
      return identity;
    },
  };
}
