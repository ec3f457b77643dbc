// `user` meaning "as this person" with the owner's token (AUTH_MODE none/bearer): a profile of the owner's Plex
// Home is acted as through plex.tv's Home switch (server/auth/plex-tv/home-switch.ts), the same switch "Sign in
// with Plex" uses, so the call sees that profile's own Plex answers and its own cache entries. The one place tools
// do this: a tool whose `user` is a filter over the owner's answer (history, sessions: the owner's token sees every
// account's) does not switch.

import { z } from 'zod';
import { HomeSwitchRefused } from '../auth/plex-tv/home-switch.ts';
import { ENV } from '../config/settings.ts';
import { currentPlexIdentity, type PlexCallIdentity, runAsPlexIdentity } from '../plex/plex-identity.ts';
import type { ToolDeps } from './tool-deps.ts';
import { ToolError } from './tool-error.ts';

export interface HomeProfile {
  /** The name the caller gave. */
  name: string;
  identity: PlexCallIdentity;
}

/** A Plex Home PIN: four digits (plex.tv's profile PINs). */
export function homePinArg() {
  return z
    .string()
    .trim()
    .regex(/^\d{4}$/, 'must be the 4-digit Plex Home PIN')
    .describe("The profile's Plex Home PIN, if it has one");
}

/**
 * The Home profile `user` names, when the server acts with the owner's token and plex.tv knows such a profile;
 * undefined for a signed-in caller (they are themselves), without a Home switch, and for names that are no Home
 * profile (the tool answers or refuses those itself). A PIN-protected profile without its PIN, a wrong PIN, and a
 * profile with no access to this server are refused with what to do.
 */
export async function homeProfileOf(
  user: string,
  pin: string | undefined,
  deps: ToolDeps,
): Promise<HomeProfile | undefined> {
  if (!deps.homeSwitch || currentPlexIdentity() !== undefined) return undefined;
  try {
    const identity = await deps.homeSwitch.identityOf(user, pin);
    return identity ? { name: user, identity } : undefined;
  } catch (error) {
    if (!(error instanceof HomeSwitchRefused)) throw error;
    const field = error.pin === undefined ? 'user' : 'pin';
    const next =
      error.pin === 'needed'
        ? ` Ask them for it and call again with pin, or let them sign in themselves (${ENV.authMode}=plex, "Sign in with Plex").`
        : '';
    throw new ToolError('invalid_request', `${field}: ${error.message}.${next}`, { field });
  }
}

/** Runs `load` as the profile when there is one, else as the call already is. */
export function asHomeProfile<T>(profile: HomeProfile | undefined, load: () => Promise<T>): Promise<T> {
  return profile ? runAsPlexIdentity(profile.identity, load) : load();
}
