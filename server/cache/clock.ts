/**
 * Wall-clock time in epoch milliseconds, injectable so TTL and stale logic can be tested without waiting. Named apart
 * from the operator's `Clock` (operator/runtime/clock.ts), which also schedules timers.
 */
export interface WallClock {
  now(): number;
}

export const systemClock: WallClock = { now: () => Date.now() };
