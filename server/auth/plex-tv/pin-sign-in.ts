// The PIN half of "Sign in with Plex": where to send the person (Plex's own sign-in page) and waiting, with a
// deadline, until they have signed in there and the PIN carries their plex.tv token.

import { setTimeout as sleep } from 'node:timers/promises';
import { SETTINGS } from '../../config/settings.ts';
import type { PlexTvClient } from './plex-tv-client.ts';
import type { PlexPin } from './plex-tv-schemas.ts';

/** The PIN expired at plex.tv, or our own deadline passed, before the person signed in. */
export class PinExpiredError extends Error {
  override readonly name = 'PinExpiredError';
}

/**
 * Plex's sign-in page for this PIN. Plex reads its parameters from the fragment; `forwardUrl` brings the person
 * back to our login page when they are done.
 */
export function plexSignInUrl(
  pin: Pick<PlexPin, 'code'>,
  options: { clientIdentifier: string; product: string; forwardUrl?: string; appUrl?: string },
): string {
  const params = new URLSearchParams({ clientID: options.clientIdentifier, code: pin.code });
  params.set('context[device][product]', options.product);
  if (options.forwardUrl !== undefined) params.set('forwardUrl', options.forwardUrl);
  return `${options.appUrl ?? SETTINGS.plexAppAuthUrl.default}#?${params}`;
}

export interface WaitForPinOptions {
  /** Between checks (default 1 s; plex.tv rate-limits eager pollers). */
  intervalMs?: number;
  /** Our own deadline (default 10 min), shorter than plex.tv's PIN lifetime. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Polls the PIN until it carries the person's plex.tv token; PinExpiredError when it expires or time is up. */
export async function waitForPinClaim(
  client: PlexTvClient,
  pinId: number,
  options: WaitForPinOptions = {},
): Promise<string> {
  const interval = options.intervalMs ?? 1000;
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  for (;;) {
    options.signal?.throwIfAborted();
    const pin = await client.checkPin(pinId);
    if (!pin) throw new PinExpiredError('the Plex sign-in code expired; start again');
    if (pin.authToken) return pin.authToken;
    if (Date.now() + interval > deadline)
      throw new PinExpiredError('nobody signed in with Plex in time; start again');
    await sleep(interval, undefined, options.signal ? { signal: options.signal } : undefined);
  }
}
