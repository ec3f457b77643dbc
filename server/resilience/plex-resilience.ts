/**
 * The cockatiel-based PlexRequestPolicy (server/plex/request-policy.ts): per-attempt timeout, retries with
 * exponential backoff and jitter for idempotent requests, and one circuit breaker per Plex server.
 *
 *   idempotent:      retry( breaker( timeout( attempt ) ) )     at most `maxAttempts` attempts in all (default 3)
 *   not idempotent:         breaker( timeout( attempt ) )       player commands run exactly once
 *
 * Retry is outside the breaker so that every attempt counts towards opening it, and a breaker that opens in the
 * middle of a retry sequence stops it at once (PlexCircuitOpenError is not retryable). The error contract for
 * attempts is documented in plex-failure.ts: errors carry `retryable` (network, timeout, 5xx = true).
 *
 * Circuit: opens after `failureThreshold` (5) consecutive retryable failures, fails fast with PlexCircuitOpenError
 * while open, lets one trial request through after `halfOpenAfterMs` (30 s), closes on its success.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  decorrelatedJitterGenerator,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import type { Logger } from 'pino';
import type { PlexRequestOptions, PlexRequestPolicy } from '../plex/request-policy.ts';
import { isRetryableFailure, PlexCircuitOpenError, PlexTimeoutError } from './plex-failure.ts';

export type CircuitStateName = 'closed' | 'open' | 'half_open' | 'isolated';

export interface PlexResilienceOptions {
  /** Per attempt (PLEX_TIMEOUT), ms. */
  timeoutMs: number;
  /** Attempts in all for idempotent requests, including the first. Default 3. */
  maxAttempts?: number;
  /** Consecutive retryable failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial request, ms. Default 30 000. */
  halfOpenAfterMs?: number;
  /** First retry delay before jitter, ms. Default 100. */
  retryInitialDelayMs?: number;
  /** Largest retry delay, ms. Default 2 000. */
  retryMaxDelayMs?: number;
  logger?: Logger | undefined;
  /** Told about retries and fast failures (resilience-metrics.ts implements it). */
  events?: PlexResilienceEvents | undefined;
}

export interface PlexResilienceEvents {
  /** One HTTP attempt finished: `outcome` is `ok`, the HTTP status (`404`, `503`), `timeout`, `network` or `bad_response`. */
  attempted(endpoint: string, outcome: string, seconds: number): void;
  retried(endpoint: string): void;
  shortCircuited(endpoint: string): void;
  circuitChanged(state: CircuitStateName): void;
}

/** Per-call options: the shared ones plus an optional caller cancellation signal. */
export interface PlexResilientRequestOptions extends PlexRequestOptions {
  signal?: AbortSignal | undefined;
}

export interface PlexResilience extends PlexRequestPolicy {
  execute<T>(attempt: (signal: AbortSignal) => Promise<T>, options: PlexResilientRequestOptions): Promise<T>;
  /** For /health and /metrics. */
  circuitState(): CircuitStateName;
  /** Subscribes to circuit state changes; returns an unsubscribe function. */
  onCircuitStateChange(listener: (state: CircuitStateName) => void): () => void;
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};

export function createPlexResilience(options: PlexResilienceOptions): PlexResilience {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const halfOpenAfterMs = options.halfOpenAfterMs ?? 30_000;
  const log = options.logger?.child({ component: 'plex-resilience' });
  const retryable = handleWhen(isRetryableFailure);

  const breaker = circuitBreaker(retryable, {
    breaker: new ConsecutiveBreaker(options.failureThreshold ?? 5),
    halfOpenAfter: halfOpenAfterMs,
  });
  const retryPolicy = retry(retryable, {
    maxAttempts: maxAttempts - 1, // cockatiel counts retries, not attempts
    backoff: new ExponentialBackoff({
      generator: decorrelatedJitterGenerator,
      initialDelay: options.retryInitialDelayMs ?? 100,
      maxDelay: options.retryMaxDelayMs ?? 2_000,
    }),
  });
  // Cooperative: the attempt gets an AbortSignal and rejects with its own (better worded) error; see plex-failure.ts.
  const timeoutPolicy = timeout(options.timeoutMs, {
    strategy: TimeoutStrategy.Cooperative,
    abortOnReturn: true,
  });

  const withRetries: IPolicy = wrap(retryPolicy, breaker, timeoutPolicy);
  const once: IPolicy = wrap(breaker, timeoutPolicy);

  const listeners = new Set<(state: CircuitStateName) => void>();
  breaker.onStateChange((state) => {
    const name = STATE_NAMES[state];
    if (name === 'open') {
      const last = breaker.lastFailure;
      const reason = last && 'error' in last && last.error instanceof Error ? last.error.message : undefined;
      log?.warn({ circuit: name, reason }, `plex circuit open: failing fast for ${halfOpenAfterMs} ms`);
    } else if (name === 'half_open') {
      log?.info({ circuit: name }, 'plex circuit half-open: sending one trial request');
    } else {
      log?.info({ circuit: name }, 'plex circuit closed: plex is answering again');
    }
    options.events?.circuitChanged(name);
    for (const listener of listeners) listener(name);
  });

  async function execute<T>(
    attempt: (signal: AbortSignal) => Promise<T>,
    requestOptions: PlexResilientRequestOptions,
  ): Promise<T> {
    const { endpoint } = requestOptions;
    // Counted here rather than with cockatiel's onRetry event, which does not know the endpoint.
    let attempts = 0;
    let lastFailure: { error: unknown } | undefined;
    const runAttempt = async (signal: AbortSignal): Promise<T> => {
      if (attempts++ > 0) options.events?.retried(endpoint);
      const started = performance.now();
      const finished = (outcome: string) =>
        options.events?.attempted(endpoint, outcome, (performance.now() - started) / 1000);
      try {
        const result = await attempt(signal);
        finished('ok');
        return result;
      } catch (error) {
        // Our timeout fired and the attempt's error does not classify itself: it is a timeout.
        const timedOut =
          signal.aborted &&
          !requestOptions.signal?.aborted &&
          (error as { retryable?: unknown })?.retryable === undefined;
        lastFailure = { error: timedOut ? new PlexTimeoutError(endpoint, options.timeoutMs) : error };
        finished(attemptOutcome(lastFailure.error));
        throw lastFailure.error;
      }
    };
    const policy = requestOptions.idempotent ? withRetries : once;
    try {
      return await policy.execute(({ signal }) => runAttempt(signal), requestOptions.signal);
    } catch (error) {
      if (error instanceof BrokenCircuitError && !(error instanceof PlexCircuitOpenError)) {
        // The circuit opened during this call's retries: the real cause (e.g. ECONNREFUSED) says more.
        if (lastFailure) throw lastFailure.error;
        options.events?.shortCircuited(endpoint);
        throw new PlexCircuitOpenError(endpoint, halfOpenAfterMs);
      }
      throw error;
    }
  }

  return {
    execute,
    circuitState: () => STATE_NAMES[breaker.state],
    onCircuitStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** A low-cardinality label for a failed attempt: the HTTP status when Plex answered, else the kind of failure. */
function attemptOutcome(error: unknown): string {
  if (error instanceof PlexTimeoutError) return 'timeout';
  const { status, retryable, name } = (error ?? {}) as {
    status?: unknown;
    retryable?: unknown;
    name?: unknown;
  };
  if (typeof status === 'number') return String(status);
  if (name === 'PlexTimeoutError' || name === 'TaskCancelledError') return 'timeout';
  return retryable === false ? 'bad_response' : 'network';
}
