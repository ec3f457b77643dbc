/** Wall-clock time in epoch milliseconds, injectable so TTL and stale logic can be tested without waiting. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
