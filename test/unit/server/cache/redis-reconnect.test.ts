import { describe, expect, it } from 'vitest';
import { reconnectDelay } from '../../../../server/cache/redis-store.ts';

describe('Redis reconnect backoff', () => {
  it('starts quick, grows exponentially and never exceeds the cap', () => {
    for (let i = 0; i < 200; i++) {
      expect(reconnectDelay(1, 5_000)).toBeGreaterThanOrEqual(50);
      expect(reconnectDelay(1, 5_000)).toBeLessThanOrEqual(100);
      expect(reconnectDelay(4, 5_000)).toBeGreaterThanOrEqual(400);
      expect(reconnectDelay(4, 5_000)).toBeLessThanOrEqual(800);
      // Capped (and never giving up: a number for any attempt, so ioredis keeps reconnecting).
      expect(reconnectDelay(1_000, 5_000)).toBeGreaterThanOrEqual(2_500);
      expect(reconnectDelay(1_000, 5_000)).toBeLessThanOrEqual(5_000);
    }
  });

  it('spreads reconnects of many replicas (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => reconnectDelay(10, 5_000)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
