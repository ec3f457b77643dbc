/**
 * How every HTTP request to Plex is executed: timeouts, retries and the circuit breaker live behind this interface
 * so the Plex client stays a plain HTTP mapper. The cockatiel-based implementation is in
 * `server/resilience/plex-resilience.ts`; `timeoutOnlyPolicy` is the minimal one used where resilience is off.
 */
export interface PlexRequestOptions {
  /** Reads may be retried; player commands never are. */
  idempotent: boolean;
  /** A low-cardinality endpoint label, e.g. `/library/metadata/:id` (used by metrics). */
  endpoint: string;
}

export interface PlexRequestPolicy {
  /** Runs `attempt` with an AbortSignal that fires on timeout (or on caller cancellation). */
  execute<T>(attempt: (signal: AbortSignal) => Promise<T>, options: PlexRequestOptions): Promise<T>;
}

export function timeoutOnlyPolicy(timeoutMs: number): PlexRequestPolicy {
  return {
    execute: (attempt) => attempt(AbortSignal.timeout(timeoutMs)),
  };
}
