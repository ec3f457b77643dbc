/**
 * The resilience defaults as a user meets them (no test overrides): a slow but working Plex is waited for within the
 * call's one deadline instead of being cut and retried into a failure, and a Plex that comes back after an outage is
 * used again within about 2 s although the circuit breaker had opened.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeOf, type Harness, startHarness } from './support/mcp-harness.ts';

describe('Plex resilience defaults', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(); // default PLEX_TIMEOUT and breaker timings
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers a Plex that takes 15 s in about 15 s, with one request', async () => {
    const client = await h.connect('modern');
    h.sim.setFault({ mode: 'slow', delay_ms: 15_000 });
    h.sim.resetRequestCounts();
    try {
      const started = performance.now();
      const result = await client.callTool({ name: 'list_libraries', arguments: {} }, { timeout: 60_000 });
      const seconds = (performance.now() - started) / 1000;
      expect(result.isError).toBeFalsy();
      expect(seconds).toBeGreaterThanOrEqual(15);
      expect(seconds).toBeLessThan(20);
      expect(h.sim.requestCounts()['/library/sections']).toBe(1);
    } finally {
      h.sim.setFault({ mode: 'none' });
    }
  }, 60_000);

  it('serves calls again within 2 s of Plex answering after an outage that opened the circuit', async () => {
    const client = await h.connect('modern');
    h.sim.setFault({ mode: 'down' });
    // A few seconds of outage with callers hammering: the circuit opens and its open period grows to its cap.
    const outageEnds = performance.now() + 4_000;
    let failures = 0;
    while (performance.now() < outageEnds) {
      const r = await client.callTool({ name: 'list_libraries', arguments: {} });
      expect(errorCodeOf(r)).toBe('plex_unavailable');
      failures++;
      await sleep(50);
    }
    h.sim.resetRequestCounts();
    const back = performance.now();
    h.sim.setFault({ mode: 'none' });
    let served: number | undefined;
    while (performance.now() - back < 10_000) {
      const r = await client.callTool({ name: 'list_libraries', arguments: {} });
      if (!r.isError) {
        served = performance.now() - back;
        break;
      }
      await sleep(50);
    }
    expect(failures).toBeGreaterThan(5);
    expect(served).toBeDefined();
    expect(served).toBeLessThan(2_000);
  }, 30_000);
});
