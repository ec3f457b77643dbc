// Whose Plex access a tool call uses. With "Sign in with Plex" (#17) every call runs as the signed-in person:
// their own access token for this Plex server, so Plex itself decides what they see. The token travels with the
// call (AsyncLocalStorage), not through every tool's arguments; PlexHttp asks its PlexTokenSource per request,
// and the tool cache keys every entry made inside a call by that call's `cacheScope`, so one person's answer is
// never served to another. Outside any such call (AUTH_MODE none/bearer today) the static token is used and
// the cache keys are as before.

import { AsyncLocalStorage } from 'node:async_hooks';
import { hash } from 'node:crypto';

export interface PlexCallIdentity {
  /** The person's access token for this Plex server (from plex.tv resources). A secret: never logged. */
  token: string;
  /** A stable, non-secret id for the person's cache entries (see cacheScopeOf); never the token. */
  cacheScope: string;
}

/** Where PlexHttp takes the X-Plex-Token of each request from. */
export interface PlexTokenSource {
  tokenForThisCall(): string;
}

const current = new AsyncLocalStorage<PlexCallIdentity>();

/** Runs `fn` (and everything it awaits) as that person. */
export function runAsPlexIdentity<T>(identity: PlexCallIdentity, fn: () => T): T {
  if (!identity.token || !identity.cacheScope)
    throw new Error('runAsPlexIdentity: token and cacheScope are required');
  return current.run(identity, fn);
}

export function currentPlexIdentity(): PlexCallIdentity | undefined {
  return current.getStore();
}

/** The cache scope of the current call; undefined outside a per-person call (shared entries). */
export function currentCacheScope(): string | undefined {
  return current.getStore()?.cacheScope;
}

/** A cache scope for a Plex account: a short hash, so keys carry no account id or name in the clear. */
export function cacheScopeOf(plexAccountUuid: string): string {
  return `u-${hash('sha256', `plex-account:${plexAccountUuid}`, 'hex').slice(0, 16)}`;
}

/** The caller's token when the call runs as a person, else the configured (owner's) token. */
export function callerTokenSource(staticToken: string): PlexTokenSource {
  return { tokenForThisCall: () => current.getStore()?.token ?? staticToken };
}
