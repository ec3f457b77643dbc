// Rate limiters for the work queue, modelled on client-go's DefaultControllerRateLimiter: the delay before a failed
// key is retried is the larger of a per-key exponential backoff (5 ms doubling up to 1000 s) and the wait imposed by
// a global token bucket (10 per second, burst 100) shared by all keys, so a mass failure cannot hammer the API server.
import type { Clock } from './clock.ts';

export interface RateLimiter {
  /** Delay in ms before `key` may be processed again; counts as one more failure of `key`. */
  when(key: string): number;
  /** Forgets the failures of `key` (after a success). */
  forget(key: string): void;
  /** How many times `key` failed since it was last forgotten. */
  retries(key: string): number;
}

export class ItemExponentialRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(baseMs = 5, maxMs = 1_000_000) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
  }

  when(key: string): number {
    const count = this.failures.get(key) ?? 0;
    this.failures.set(key, count + 1);
    // 2^count overflows to Infinity for big counts, which Math.min caps.
    return Math.min(this.baseMs * 2 ** count, this.maxMs);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

/** A token bucket: `ratePerSecond` tokens refill continuously up to `burst`; each `when` reserves one token. */
export class TokenBucketRateLimiter implements RateLimiter {
  private readonly clock: Clock;
  private readonly ratePerSecond: number;
  private readonly burst: number;
  private tokens: number;
  private last: number;

  constructor(clock: Clock, ratePerSecond = 10, burst = 100) {
    this.clock = clock;
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.tokens = burst;
    this.last = clock.now();
  }

  when(_key: string): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    // Reserve a token even when none is left yet: the debt is paid back by waiting.
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.ratePerSecond) * 1000);
  }

  forget(_key: string): void {}

  retries(_key: string): number {
    return 0;
  }
}

/** The largest delay of several limiters (client-go's MaxOfRateLimiter). */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }

  when(key: string): number {
    return Math.max(...this.limiters.map((limiter) => limiter.when(key)));
  }

  forget(key: string): void {
    for (const limiter of this.limiters) limiter.forget(key);
  }

  retries(key: string): number {
    return Math.max(...this.limiters.map((limiter) => limiter.retries(key)));
  }
}

export function defaultControllerRateLimiter(clock: Clock): RateLimiter {
  return new MaxOfRateLimiter(
    new ItemExponentialRateLimiter(5, 1_000_000),
    new TokenBucketRateLimiter(clock, 10, 100),
  );
}
