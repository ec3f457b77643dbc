/**
 * How the resilience layer classifies a failed Plex request attempt, without depending on the Plex client's classes.
 *
 * Contract for whoever writes attempt functions (the Plex client does):
 * - An attempt rejects with an error carrying `retryable: boolean`: true for network errors, timeouts and HTTP 5xx
 *   (Plex down, restarting, overloaded), false for 4xx and for answers we cannot use (bad JSON, wrong shape).
 *   It may also carry the HTTP `status`.
 * - An attempt honours its AbortSignal: when the per-attempt timeout fires, it rejects promptly (any error; one
 *   without `retryable` is classified as a timeout).
 * Fallbacks for errors that lack `retryable` (a bug elsewhere, or a raw library error): `status >= 500` and Node/undici
 * network error codes are retryable, everything else is not.
 *
 * Only retryable failures are retried (and only for idempotent requests), and only retryable failures count towards
 * opening the circuit: a 404 says nothing about Plex's health.
 */
import { BrokenCircuitError, TaskCancelledError } from 'cockatiel';

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
  const { retryable, status, code } = error as { retryable?: unknown; status?: unknown; code?: unknown };
  if (typeof retryable === 'boolean') return retryable;
  if (error instanceof BrokenCircuitError) return false;
  if (error instanceof TaskCancelledError) return true;
  if (typeof status === 'number') return status >= 500;
  if (typeof code === 'string') return NETWORK_ERROR_CODES.has(code) || code.startsWith('UND_ERR_');
  return false;
}

/**
 * Thrown without calling Plex while the circuit is open. Subclasses cockatiel's BrokenCircuitError and keeps its
 * name, so code that recognises "circuit open" by class or by name (server/plex/errors.ts) maps it to plex_unavailable
 * and the cache serves stale entries for it. Never retried.
 */
export class PlexCircuitOpenError extends BrokenCircuitError {
  override readonly name = 'BrokenCircuitError';
  readonly retryable = false;
  readonly endpoint: string;

  constructor(endpoint: string, halfOpenAfterMs: number) {
    super(
      `Plex failed repeatedly, so requests fail fast for up to ${Math.round(halfOpenAfterMs / 1000)} s before a trial request (circuit open; ${endpoint})`,
    );
    this.endpoint = endpoint;
  }
}

/**
 * Thrown when an attempt ran out of time and the attempt itself rejected with an error that does not say so
 * (a well-behaved Plex client throws its own retryable "did not answer in time" error instead). Named like
 * cockatiel's TaskCancelledError, which it extends, for the same reason as above. Retryable.
 */
export class PlexTimeoutError extends TaskCancelledError {
  override readonly name = 'TaskCancelledError';
  readonly retryable = true;
  readonly endpoint: string;

  constructor(endpoint: string, timeoutMs: number) {
    super(`Plex did not answer ${endpoint} within ${timeoutMs} ms`);
    this.endpoint = endpoint;
  }
}
