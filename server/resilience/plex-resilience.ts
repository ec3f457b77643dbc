/**
 * The cockatiel-based PlexRequestPolicy (server/plex/request-policy.ts): one overall deadline per call, retries with
 * exponential backoff and jitter for idempotent requests within that deadline, and one circuit breaker per Plex server.
 *
 *   idempotent:      deadline( retry( breaker( attempt ) ) )     at most `maxAttempts` attempts in all (default 3)
 *   not idempotent:  deadline(        breaker( attempt ) )       player commands run exactly once
 *
 * The deadline (PLEX_TIMEOUT, default 30 s) covers the whole call, so each attempt may use whatever is left of it: a
 * slow but working Plex (15 s per answer) is answered in 15 s instead of being cut at a per-attempt timeout and
 * retried into a failure. Only quick failures are retried (connection errors and 5xx, see plex-failure.ts), and only
 * while at least a quarter of the deadline remains; an attempt that ran out of time is never retried, because the
 * deadline it ran into is the call's own.
 *
 * Retry is outside the breaker so that every attempt counts towards opening it, and a breaker that opens in the
 * middle of a retry sequence stops it at once (PlexCircuitOpenError is not retryable).
 *
 * Circuit: opens after `failureThreshold` (5) consecutive retryable failures and fails fast with PlexCircuitOpenError
 * while open. The open period starts at `halfOpenInitialMs` (500 ms) and doubles with every failed trial up to
 * `halfOpenAfterMs` (1.5 s), so a dead Plex sees at most one trial request every 1.5 s, and a Plex that comes back is used
 * again within 1.5 s (one successful trial closes the circuit).
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
  IsolatedCircuitError,
  noJitterGenerator,
  retry,
  TaskCancelledError,
  wrap,
} from 'cockatiel';
import type { Logger } from 'pino';
import type { PlexRequestOptions, PlexRequestPolicy } from '../plex/request-policy.ts';
import { isRetryableFailure, PlexCircuitOpenError, PlexTimeoutError } from './plex-failure.ts';

export type CircuitStateName = 'closed' | 'open' | 'half_open' | 'isolated';

export interface PlexResilienceOptions {
  /** The overall deadline of one call, retries and backoff included (PLEX_TIMEOUT), ms. */
  deadlineMs: number;
  /** Attempts in all for idempotent requests, including the first. Default 3. */
  maxAttempts?: number;
  /** Consecutive retryable failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** The longest the circuit stays open before a trial request, ms. Default 1 500. */
  halfOpenAfterMs?: number;
  /** How long the circuit stays open after it first opens, ms; doubles per failed trial. Default 500. */
  halfOpenInitialMs?: number;
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

/** A retry starts only while at least this share of the call's deadline is left. */
const MIN_RETRY_BUDGET_SHARE = 0.25;

export function createPlexResilience(options: PlexResilienceOptions): PlexResilience {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const deadlineMs = options.deadlineMs;
  const halfOpenAfterMs = options.halfOpenAfterMs ?? 1_500;
  const halfOpenInitialMs = Math.min(options.halfOpenInitialMs ?? 500, halfOpenAfterMs);
  const log = options.logger?.child({ component: 'plex-resilience' });

  const breaker = circuitBreaker(handleWhen(isRetryableFailure), {
    breaker: new ConsecutiveBreaker(options.failureThreshold ?? 5),
    // Short open periods that grow while trials fail: the breaker still spares a dead Plex (one trial per period)
    // but notices within one period that it answers again. Reset to the initial period when the circuit closes.
    halfOpenAfter: new ExponentialBackoff({
      generator: noJitterGenerator,
      initialDelay: halfOpenInitialMs,
      maxDelay: halfOpenAfterMs,
    }),
  });
  const backoff = new ExponentialBackoff({
    generator: decorrelatedJitterGenerator,
    initialDelay: options.retryInitialDelayMs ?? 100,
    maxDelay: options.retryMaxDelayMs ?? 2_000,
  });

  const listeners = new Set<(state: CircuitStateName) => void>();
  breaker.onStateChange((state) => {
    const name = STATE_NAMES[state];
    if (name === 'open') {
      const last = breaker.lastFailure;
      const reason = last && 'error' in last && last.error instanceof Error ? last.error.message : undefined;
      log?.warn({ circuit: name, reason }, 'plex circuit open: failing fast until a trial request succeeds');
    } else if (name === 'half_open') {
      log?.debug({ circuit: name }, 'plex circuit half-open: sending one trial request');
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
    const started = performance.now();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), deadlineMs);
    const signal = requestOptions.signal
      ? AbortSignal.any([deadline.signal, requestOptions.signal])
      : deadline.signal;
    // Counted here rather than with cockatiel's onRetry event, which does not know the endpoint.
    let attempts = 0;
    let lastFailure: { error: unknown } | undefined;
    const runAttempt = async (attemptSignal: AbortSignal): Promise<T> => {
      if (attempts++ > 0) options.events?.retried(endpoint);
      const attemptStarted = performance.now();
      const finished = (outcome: string) =>
        options.events?.attempted(endpoint, outcome, (performance.now() - attemptStarted) / 1000);
      try {
        const result = await attempt(attemptSignal);
        finished('ok');
        return result;
      } catch (error) {
        // The deadline fired and the attempt's error does not classify itself: it is a timeout.
        const timedOut =
          deadline.signal.aborted &&
          !requestOptions.signal?.aborted &&
          (error as { retryable?: unknown })?.retryable === undefined;
        lastFailure = { error: timedOut ? new PlexTimeoutError(endpoint, deadlineMs) : error };
        finished(attemptOutcome(lastFailure.error));
        throw lastFailure.error;
      }
    };
    // cockatiel's retry already stops once `signal` has fired (so a timed-out attempt is never retried); this also
    // refuses a retry that could only run into the deadline.
    const worthRetrying = (error: unknown) =>
      isRetryableFailure(error) &&
      deadlineMs - (performance.now() - started) >= deadlineMs * MIN_RETRY_BUDGET_SHARE;
    const policy: IPolicy = requestOptions.idempotent
      ? wrap(retry(handleWhen(worthRetrying), { maxAttempts: maxAttempts - 1, backoff }), breaker)
      : breaker;
    try {
      return await policy.execute(({ signal: s }) => runAttempt(s), signal);
    } catch (error) {
      // cockatiel's own errors are wrapped here, where they surface, into the Plex error vocabulary.
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        // The circuit opened during this call's retries: the real cause (e.g. ECONNREFUSED) says more.
        if (lastFailure) throw lastFailure.error;
        options.events?.shortCircuited(endpoint);
        throw new PlexCircuitOpenError(endpoint, halfOpenAfterMs, { cause: error });
      }
      if (error instanceof TaskCancelledError)
        throw new PlexTimeoutError(endpoint, deadlineMs, { cause: error });
      throw error;
    } finally {
      clearTimeout(timer);
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
  const { status, retryable } = (error ?? {}) as { status?: unknown; retryable?: unknown };
  if (typeof status === 'number') return String(status);
  return retryable === false ? 'bad_response' : 'network';
}
