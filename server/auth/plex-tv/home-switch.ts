// AUTH_MODE=bearer (the owner's token): a `user` argument naming another profile of the owner's Plex Home acts
// as that profile, through the same plex.tv switch "Sign in with Plex" uses (server-access.ts): the owner's
// token (PLEX_TOKEN, which for the owner is their plex.tv token too) lists the Home, switches to the profile (an
// admin needs no PIN for a managed profile), and takes the profile's access token for this server from its
// resources. Answers are remembered for a while per profile, so a second call does not ask plex.tv again.

import { LRUCache } from 'lru-cache';
import { ENV } from '../../config/settings.ts';
import { cacheScopeOf, type PlexCallIdentity } from '../../plex/plex-identity.ts';
import { PlexHomePinError, type PlexTvClient } from './plex-tv-client.ts';
import { switchHomeProfile } from './server-access.ts';

/** Why a named person cannot be acted as. */
export class HomeSwitchRefused extends Error {
  override readonly name = 'HomeSwitchRefused';
}

export interface HomeSwitch {
  /** The identity of the Home profile called `name` (title or username, any case); undefined if there is none. */
  identityOf(name: string): Promise<PlexCallIdentity | undefined>;
}

const looseName = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

export function createHomeSwitch(options: {
  plexTv: PlexTvClient;
  ownerToken: string;
  machineIdentifier: () => Promise<string>;
  ttlMs?: number;
}): HomeSwitch {
  const known = new LRUCache<string, PlexCallIdentity>({ max: 50, ttl: options.ttlMs ?? 3_600_000 });
  return {
    async identityOf(name) {
      const wanted = looseName(name);
      const cached = known.get(wanted);
      if (cached) return cached;
      const home = await options.plexTv.homeUsers(options.ownerToken).catch(() => []);
      const profile = home.find(
        (u) => !u.admin && (looseName(u.title) === wanted || looseName(u.username ?? '') === wanted),
      );
      if (!profile) return undefined;
      let admission: Awaited<ReturnType<typeof switchHomeProfile>>;
      try {
        admission = await switchHomeProfile(options.plexTv, options.ownerToken, profile.uuid, {
          machineIdentifier: await options.machineIdentifier(),
        });
      } catch (error) {
        if (error instanceof PlexHomePinError)
          throw new HomeSwitchRefused(
            `"${profile.title}" has a PIN of its own; they can sign in themselves (${ENV.authMode}=plex)`,
          );
        throw error;
      }
      if (!admission.admitted)
        throw new HomeSwitchRefused(`"${profile.title}" has no access to this Plex server`);
      const identity = { token: admission.serverToken, cacheScope: cacheScopeOf(admission.person.uuid) };
      known.set(wanted, identity);
      return identity;
    },
  };
}
