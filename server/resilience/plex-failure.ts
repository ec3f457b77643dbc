/**
 * How the resilience layer classifies a failed Plex request attempt, and its own errors (subclasses of the Plex
 * client's PlexUnavailableError, so the rest of the server knows one error vocabulary).
 *
 * Contract for whoever writes attempt functions (the Plex client does):
 * - An attempt rejects with an error carrying `retryable: boolean`: true for network errors, timeouts and HTTP 5xx
 *   (Plex down, restarting, overloaded), false for 4xx and for answers we cannot use (bad JSON, wrong shape).
 *   It may also carry the HTTP `status`.
 * - An attempt honours its AbortSignal: when the call's deadline fires, it rejects promptly (any error; one
 *   without `retryable` is classified as a timeout).
 * Fallbacks for errors that lack `retryable` (a bug elsewhere, or a raw library error): `status >= 500` and Node/undici
 * network error codes are retryable, everything else is not.
 *
 * Only retryable failures are retried (and only for idempotent requests), and only retryable failures count towards
 * opening the circuit: a 404 says nothing about Plex's health.
 */
import { BrokenCircuitError } from 'cockatiel';
import { PlexUnavailableError } from '../plex/errors.ts';

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
]);

export function isRetryableFailure(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  // cockatiel's breaker refusing a call inside a retry sequence: stop retrying (it is wrapped on the way out).
  if (error instanceof BrokenCircuitError) return false;
  const { retryable, status, code } = error as { retryable?: unknown; status?: unknown; code?: unknown };
  if (typeof retryable === 'boolean') return retryable;
  if (typeof status === 'number') return status >= 500;
  if (typeof code === 'string') return NETWORK_ERROR_CODES.has(code) || code.startsWith('UND_ERR_');
  return false;
}

/**
 * Thrown without calling Plex while the circuit is open (cockatiel's BrokenCircuitError and IsolatedCircuitError
 * are wrapped into it where the policy throws them). A PlexUnavailableError, so tools answer plex_unavailable and the
 * cache serves stale entries for it; never retried.
 */
export class PlexCircuitOpenError extends PlexUnavailableError {
  override readonly name = 'PlexCircuitOpenError';
  override readonly retryable = false;

  constructor(endpoint: string, halfOpenAfterMs: number, options: { cause?: unknown } = {}) {
    super(
      `Plex failed repeatedly, so requests fail fast for up to ${(halfOpenAfterMs / 1000).toFixed(1)} s before a trial request (circuit open; ${endpoint})`,
      { endpoint, cause: options.cause },
    );
  }
}

/**
 * Thrown when the call's deadline fired and the attempt rejected with an error that does not say so (a well-behaved
 * Plex client throws its own "did not answer in time" PlexUnavailableError instead). Retryable like any timeout, so
 * it counts towards opening the circuit; the retry policy still never repeats it, because the deadline it ran into
 * is the whole call's (cockatiel's retry stops once the call's signal has fired).
 */
export class PlexTimeoutError extends PlexUnavailableError {
  override readonly name = 'PlexTimeoutError';

  constructor(endpoint: string, timeoutMs: number, options: { cause?: unknown } = {}) {
    super(`Plex did not answer ${endpoint} within ${timeoutMs} ms`, { endpoint, cause: options.cause });
  }
}
