/**
 * The circuit breaker through the whole server: Plex (the simulator) goes down, tool calls open the circuit, further
 * calls fail fast as plex_unavailable without reaching Plex, /metrics shows the state, and once Plex is back a trial
 * request after the half-open delay closes it again. Cache off, so every call is a Plex call.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger } from '../../unit/server/cache/fakes.ts';
import { type E2e, startE2e } from './cache-e2e-setup.ts';
import { errorCodeOf } from './support/mcp-harness.ts';

const HALF_OPEN_AFTER_MS = 800;

describe('Plex circuit breaker end to end', () => {
  let s: E2e;
  let client: Client;
  const { logger, lines } = capturingLogger();

  beforeAll(async () => {
    s = await startE2e({
      env: { CACHE_ENABLED: 'false', PLEX_TIMEOUT: '1' },
      halfOpenAfterMs: HALF_OPEN_AFTER_MS,
      logger,
    });
    client = await s.client();
  });
  afterEach(() => s.sim.setFault({ mode: 'none' }));
  afterAll(async () => {
    await s?.close();
  });

  const total = () => Object.values(s.sim.requestCounts()).reduce((a, b) => a + b, 0);
  const circuitGauge = async () =>
    /^plexmcp_plex_circuit_state (\d)/m.exec((await s.get('/metrics')).text)?.[1];

  it('opens after 5 consecutive failures, fails fast while open, and closes after a good trial request', async () => {
    expect(await circuitGauge()).toBe('0');
    s.sim.setFault({ mode: 'down' });

    // Two reads of 3 attempts each: the 5th consecutive failure opens the circuit and stops the retries.
    for (let i = 0; i < 2; i++) {
      const r = await client.callTool({ name: 'list_libraries', arguments: {} });
      expect(errorCodeOf(r)).toBe('plex_unavailable');
    }
    expect(s.resilience.circuitState()).toBe('open');
    expect(await circuitGauge()).toBe('1');
    const attemptsSoFar = total();
    expect(attemptsSoFar).toBe(5);

    // While open: no request reaches Plex, and the answer is still a clean plex_unavailable tool error.
    for (const name of ['search_media', 'get_recently_added', 'list_libraries']) {
      const r = await client.callTool({ name, arguments: name === 'search_media' ? { query: 'x' } : {} });
      expect(r.isError).toBe(true);
      expect(errorCodeOf(r)).toBe('plex_unavailable');
    }
    expect(total()).toBe(attemptsSoFar);
    expect(/plexmcp_plex_short_circuited_total\{[^}]*\} [1-9]/.test((await s.get('/metrics')).text)).toBe(
      true,
    );

    // Plex comes back; after the half-open delay one trial request closes the circuit.
    s.sim.setFault({ mode: 'none' });
    await sleep(HALF_OPEN_AFTER_MS + 200);
    const ok = await client.callTool({ name: 'list_libraries', arguments: {} });
    expect(ok.isError).toBeFalsy();
    expect(s.resilience.circuitState()).toBe('closed');
    expect(await circuitGauge()).toBe('0');

    const opened = lines.filter((l) => String(l.msg).startsWith('plex circuit open'));
    const closed = lines.filter((l) => String(l.msg).startsWith('plex circuit closed'));
    expect(opened).toHaveLength(1);
    expect(closed).toHaveLength(1);
  });

  it('re-opens when the trial request fails', async () => {
    s.sim.setFault({ mode: 'error' }); // HTTP 500: retryable
    for (let i = 0; i < 2; i++) await client.callTool({ name: 'get_on_deck', arguments: {} });
    expect(s.resilience.circuitState()).toBe('open');
    await sleep(HALF_OPEN_AFTER_MS + 200);
    const before = total();
    const trial = await client.callTool({ name: 'get_on_deck', arguments: {} });
    expect(errorCodeOf(trial)).toBe('plex_unavailable');
    expect(total()).toBe(before + 1); // one trial request, no retries
    expect(s.resilience.circuitState()).toBe('open');
  });

  it('does not count 404s against Plex health', async () => {
    await sleep(HALF_OPEN_AFTER_MS + 200);
    expect((await client.callTool({ name: 'list_libraries', arguments: {} })).isError).toBeFalsy();
    for (let i = 0; i < 8; i++) {
      const r = await client.callTool({ name: 'get_media_details', arguments: { media_id: `99999${i}` } });
      expect(errorCodeOf(r)).toBe('not_found');
    }
    expect(s.resilience.circuitState()).toBe('closed');
  });
});

describe('circuit open with a cache', () => {
  let s: E2e;
  beforeAll(async () => {
    s = await startE2e({ env: { CACHE_TTL_LIBRARIES: '1', PLEX_TIMEOUT: '1' }, halfOpenAfterMs: 60_000 });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers expired entries as stale without reaching Plex while the circuit is open', async () => {
    const client = await s.client();
    const fresh = await client.callTool({ name: 'list_libraries', arguments: {} });
    expect(fresh.isError).toBeFalsy();
    await sleep(1_100);
    s.sim.setFault({ mode: 'down' });
    // Uncached calls open the circuit (5 consecutive failures).
    for (let i = 0; i < 2; i++)
      await client.callTool({ name: 'get_recently_added', arguments: { limit: 5 + i } });
    expect(s.resilience.circuitState()).toBe('open');
    const requests = Object.values(s.sim.requestCounts()).reduce((a, b) => a + b, 0);

    const stale = await client.callTool({ name: 'list_libraries', arguments: {} });
    expect(stale.isError).toBeFalsy();
    expect(stale.structuredContent).toMatchObject({ stale: true });
    expect(Object.values(s.sim.requestCounts()).reduce((a, b) => a + b, 0)).toBe(requests);
  });
});
