/**
 * Typed errors of a Plex request attempt. Each carries `retryable` (network, timeout, 5xx:
 * worth another try; 4xx and unparseable bodies: not) and the HTTP `status` when there was one. Messages never
 * contain the token: requests send it in a header, and nothing here echoes headers or bodies.
 */
export abstract class PlexError extends Error {
  abstract readonly retryable: boolean;
  readonly status: number | undefined;
  readonly endpoint: string | undefined;

  constructor(message: string, options: { status?: number; endpoint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.endpoint = options.endpoint;
  }
}

/** 401/403: the Plex token is wrong or lacks access. Retrying cannot help. */
export class PlexUnauthorizedError extends PlexError {
  override readonly name = 'PlexUnauthorizedError';
  readonly retryable = false;
}

/** 404: the id, section or player does not exist. */
export class PlexNotFoundError extends PlexError {
  override readonly name = 'PlexNotFoundError';
  readonly retryable = false;
}

/** Network failure, timeout or 5xx: Plex is down, restarting or overloaded. Subclasses may refuse retries. */
export class PlexUnavailableError extends PlexError {
  override readonly name: string = 'PlexUnavailableError';
  readonly retryable: boolean = true;
}

/** A 2xx whose body is not the JSON we expect, or another 4xx (bad request). Not retried; served stale if possible. */
export class PlexBadResponseError extends PlexError {
  override readonly name = 'PlexBadResponseError';
  readonly retryable = false;
}

/**
 * True when the failure means Plex cannot answer right now (network, timeout, 5xx, garbage body, open circuit: the
 * resilience layer's own errors subclass PlexUnavailableError, and it wraps cockatiel's where they are thrown).
 * Tools map these to `plex_unavailable`, and the cache serves a stale entry for them (`shouldServeStale`).
 */
export function isPlexUnavailable(error: unknown): boolean {
  return error instanceof PlexUnavailableError || error instanceof PlexBadResponseError;
}

/** The predicate the ToolCache is constructed with: stale answers only when Plex itself is the problem. */
export const shouldServeStale = isPlexUnavailable;
