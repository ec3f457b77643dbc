import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { isPlexUnavailable, PlexUnavailableError } from '../../../../server/plex/errors.ts';
import { PlexCircuitOpenError, PlexTimeoutError } from '../../../../server/resilience/plex-failure.ts';
import {
  createPlexResilience,
  type PlexResilienceOptions,
} from '../../../../server/resilience/plex-resilience.ts';
import { createResilienceMetrics } from '../../../../server/resilience/resilience-metrics.ts';
import { capturingLogger } from '../cache/fakes.ts';

const read = { idempotent: true, endpoint: '/library/metadata/:id' };
const command = { idempotent: false, endpoint: '/player/playback/:command' };

const unavailable = (status?: number) => Object.assign(new Error('plex down'), { retryable: true, status });
const clientError = (status: number) =>
  Object.assign(new Error(`HTTP ${status}`), { retryable: false, status });

function policy(overrides: Partial<PlexResilienceOptions> = {}) {
  return createPlexResilience({
    deadlineMs: 1_000,
    retryInitialDelayMs: 1,
    retryMaxDelayMs: 5,
    halfOpenAfterMs: 60_000,
    ...overrides,
  });
}

describe('Plex resilience policy', () => {
  it('passes a successful answer through, giving the attempt a live AbortSignal', async () => {
    const attempt = vi.fn(async (signal: AbortSignal) => (signal.aborted ? 'aborted' : 'ok'));
    expect(await policy().execute(attempt, read)).toBe('ok');
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('retries idempotent requests on retryable failures and succeeds', async () => {
    let n = 0;
    const attempt = vi.fn(async () => {
      if (++n < 3) throw unavailable(503);
      return 'third time lucky';
    });
    expect(await policy().execute(attempt, read)).toBe('third time lucky');
    expect(attempt).toHaveBeenCalledTimes(3);
  });

  it('makes at most 3 attempts and rejects with the last error', async () => {
    const errors: Error[] = [];
    const attempt = vi.fn(async () => {
      const error = unavailable();
      errors.push(error);
      throw error;
    });
    await expect(policy().execute(attempt, read)).rejects.toSatisfy((e) => e === errors[2]);
    expect(attempt).toHaveBeenCalledTimes(3);
  });

  it('never retries a player command', async () => {
    const attempt = vi.fn(async () => {
      throw unavailable(502);
    });
    await expect(policy().execute(attempt, command)).rejects.toThrow('plex down');
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it.each([400, 401, 404])(
    'never retries HTTP %i, and such failures do not open the circuit',
    async (status) => {
      const p = policy({ failureThreshold: 2 });
      const attempt = vi.fn(async () => {
        throw clientError(status);
      });
      for (let i = 0; i < 5; i++) await expect(p.execute(attempt, read)).rejects.toThrow(`HTTP ${status}`);
      expect(attempt).toHaveBeenCalledTimes(5);
      expect(p.circuitState()).toBe('closed');
    },
  );

  it('classifies errors without a retryable flag by status and network code', async () => {
    const p = policy({ failureThreshold: 100 });
    const by5xx = vi.fn(async () => {
      throw Object.assign(new Error('bad gateway'), { status: 502 });
    });
    const byCode = vi.fn(async () => {
      throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    });
    const plain = vi.fn(async () => {
      throw new TypeError('a bug');
    });
    await expect(p.execute(by5xx, read)).rejects.toThrow();
    await expect(p.execute(byCode, read)).rejects.toThrow();
    await expect(p.execute(plain, read)).rejects.toThrow('a bug');
    expect([by5xx.mock.calls.length, byCode.mock.calls.length, plain.mock.calls.length]).toEqual([3, 3, 1]);
  });

  it('gives the whole call one deadline and never retries an attempt that ran into it', async () => {
    const attempt = vi.fn(
      (signal: AbortSignal) =>
        new Promise<string>((_resolve, reject) => {
          // Behaves like fetch: rejects with a plain AbortError that does not classify itself.
          signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const started = performance.now();
    const error = await policy({ deadlineMs: 60 })
      .execute(attempt, read)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlexTimeoutError);
    expect((error as PlexTimeoutError).retryable).toBe(true);
    expect(isPlexUnavailable(error)).toBe(true);
    expect(attempt).toHaveBeenCalledTimes(1);
    // The deadline really cut the attempt short (a generous bound, not a speed claim).
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('lets a slow attempt use the whole deadline instead of cutting and retrying it', async () => {
    const attempt = vi.fn(async () => {
      await sleep(300);
      return 'slow but fine';
    });
    // Three attempts of 300 ms would not fit in 500 ms; one attempt of 300 ms does.
    expect(await policy({ deadlineMs: 500 }).execute(attempt, read)).toBe('slow but fine');
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('does not retry a 5xx that came late in the deadline', async () => {
    const attempt = vi.fn(async () => {
      await sleep(400);
      throw unavailable(503);
    });
    await expect(policy({ deadlineMs: 500 }).execute(attempt, read)).rejects.toThrow('plex down');
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('keeps an attempt’s own timeout error when it classifies itself', async () => {
    const own = Object.assign(new Error('Plex did not answer in time'), { retryable: true });
    const attempt = (signal: AbortSignal) =>
      new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(own)));
    await expect(policy({ deadlineMs: 10, maxAttempts: 1 }).execute(attempt, read)).rejects.toBe(own);
  });

  it('opens after 5 consecutive failures, fails fast while open, and recovers through a trial request', async () => {
    const { logger, lines } = capturingLogger();
    const p = policy({ halfOpenInitialMs: 100, halfOpenAfterMs: 100, logger });
    let plexUp = false;
    const attempt = vi.fn(async () => {
      if (!plexUp) throw unavailable();
      return 'ok';
    });
    for (let i = 0; i < 5; i++) await expect(p.execute(attempt, command)).rejects.toThrow('plex down');
    expect(p.circuitState()).toBe('open');
    expect(attempt).toHaveBeenCalledTimes(5);

    const fast = await p.execute(attempt, read).catch((e: unknown) => e);
    expect(fast).toBeInstanceOf(PlexCircuitOpenError);
    expect(isPlexUnavailable(fast)).toBe(true); // tools answer plex_unavailable / the cache serves stale
    expect(attempt).toHaveBeenCalledTimes(5); // Plex was not called

    await sleep(130);
    // Trial request fails: open again, still no retries.
    await expect(p.execute(attempt, read)).rejects.toThrow('plex down');
    expect(attempt).toHaveBeenCalledTimes(6);
    expect(p.circuitState()).toBe('open');

    await sleep(130);
    plexUp = true;
    expect(await p.execute(attempt, read)).toBe('ok');
    expect(p.circuitState()).toBe('closed');

    const warnings = lines.filter((l) => l.level === 40 && String(l.msg).includes('circuit open'));
    expect(warnings).toHaveLength(2); // one per opening, not one per refused request
  });

  it('tries again after a short open period that grows while trials fail, and closes on a good trial', async () => {
    const p = policy({ failureThreshold: 1, halfOpenInitialMs: 50, halfOpenAfterMs: 400 });
    let plexUp = false;
    // Each attempt that reached "Plex": when it started, and when it failed. Taken inside the attempt, so an open period
    // is measured from a moment no later than the breaker opened (it opens on the rejection that follows) to a moment
    // no earlier than the trial was let through: a late timer or a descheduled test can only lengthen the gap.
    const reached: { startedAt: number; failedAt?: number }[] = [];
    const attempt = vi.fn(async () => {
      const call: { startedAt: number; failedAt?: number } = { startedAt: performance.now() };
      reached.push(call);
      if (!plexUp) {
        call.failedAt = performance.now();
        throw unavailable();
      }
      return 'ok';
    });
    await expect(p.execute(attempt, command)).rejects.toThrow('plex down');
    expect(p.circuitState()).toBe('open');
    // Poll like callers would until four trials have reached "Plex".
    while (reached.length < 5) {
      await p.execute(attempt, command).catch(() => undefined);
      await sleep(5);
    }
    // One trial per open period, never earlier: the periods double (50, 100, 200 ms) up to the 400 ms cap. Only lower
    // bounds are checked (a loaded machine fires timers late, never early). cockatiel times the period with Date.now(),
    // whole milliseconds, so a period it counts as 50 ms may have lasted just over 49: hence the 1 ms.
    const periods = [50, 100, 200, 400];
    periods.forEach((period, i) => {
      const opened = reached[i]?.failedAt ?? Number.NaN;
      const trial = reached[i + 1]?.startedAt ?? Number.NaN;
      expect(trial - opened).toBeGreaterThan(period - 1);
    });
    plexUp = true;
    await sleep(450);
    expect(await p.execute(attempt, command)).toBe('ok');
    expect(p.circuitState()).toBe('closed');
  });

  it('stops a retry sequence as soon as the circuit opens, reporting the real cause', async () => {
    const p = policy({ failureThreshold: 2 });
    const attempt = vi.fn(async () => {
      throw unavailable();
    });
    await expect(p.execute(attempt, read)).rejects.toThrow('plex down');
    expect(attempt).toHaveBeenCalledTimes(2);
    expect(p.circuitState()).toBe('open');
  });

  it('reports retries, short circuits and the circuit state as metrics', async () => {
    const registry = new Registry();
    const metrics = createResilienceMetrics(registry);
    const p = policy({ failureThreshold: 3, events: metrics });
    metrics.observeCircuit(() => p.circuitState());
    const attempt = async () => {
      throw unavailable();
    };
    await expect(p.execute(attempt, read)).rejects.toThrow('plex down'); // 3 attempts: 2 retries, opens
    await expect(p.execute(attempt, read)).rejects.toBeInstanceOf(PlexCircuitOpenError);
    const text = await registry.metrics();
    expect(text).toContain('plexmcp_plex_retries_total{endpoint="/library/metadata/:id"} 2');
    expect(text).toContain('plexmcp_plex_short_circuited_total{endpoint="/library/metadata/:id"} 1');
    expect(text).toContain('plexmcp_plex_circuit_opened_total 1');
    expect(text).toContain('plexmcp_plex_circuit_state 1');
    // Three attempts reached Plex and failed at the network level; the short-circuited call never did.
    expect(text).toContain(
      'plexmcp_plex_requests_total{endpoint="/library/metadata/:id",status="network"} 3',
    );
  });

  it('counts Plex request attempts by endpoint and status', async () => {
    const registry = new Registry();
    const p = policy({ events: createResilienceMetrics(registry) });
    await p.execute(async () => 'ok', read);
    await expect(
      p.execute(async () => {
        throw Object.assign(new Error('not found'), { retryable: false, status: 404 });
      }, read),
    ).rejects.toThrow('not found');
    await expect(
      p.execute(async () => {
        throw Object.assign(new Error('garbage'), { retryable: false });
      }, read),
    ).rejects.toThrow('garbage');
    const text = await registry.metrics();
    expect(text).toContain('plexmcp_plex_requests_total{endpoint="/library/metadata/:id",status="ok"} 1');
    expect(text).toContain('plexmcp_plex_requests_total{endpoint="/library/metadata/:id",status="404"} 1');
    expect(text).toContain(
      'plexmcp_plex_requests_total{endpoint="/library/metadata/:id",status="bad_response"} 1',
    );
    expect(text).toContain('plexmcp_plex_request_duration_seconds_count{endpoint="/library/metadata/:id"} 3');
  });

  it('lets the caller cancel', async () => {
    const controller = new AbortController();
    const attempt = (signal: AbortSignal) =>
      new Promise<never>((_resolve, reject) =>
        signal.addEventListener('abort', () =>
          reject(Object.assign(new Error('cancelled'), { retryable: false })),
        ),
      );
    const pending = policy().execute(attempt, { ...read, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow();
  });

  it('speaks the Plex error vocabulary: its errors are PlexUnavailableErrors, recognised by class, not by name', async () => {
    const p = policy({ failureThreshold: 1 });
    await expect(p.execute(async () => Promise.reject(unavailable()), command)).rejects.toThrow();
    const open = await p.execute(async () => 'never', read).catch((e: unknown) => e);
    expect(open).toBeInstanceOf(PlexCircuitOpenError);
    expect(open).toBeInstanceOf(PlexUnavailableError);
    expect((open as PlexCircuitOpenError).cause).toBeDefined(); // cockatiel's error, wrapped
    const timedOut = await policy({ deadlineMs: 10, maxAttempts: 1 })
      .execute(
        (signal) =>
          new Promise((_r, reject) => signal.addEventListener('abort', () => reject(new Error('x')))),
        read,
      )
      .catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(PlexTimeoutError);
    expect(timedOut).toBeInstanceOf(PlexUnavailableError);
    // A foreign error that merely carries cockatiel's class names is not mistaken for an outage.
    for (const name of ['BrokenCircuitError', 'IsolatedCircuitError', 'TaskCancelledError'])
      expect(isPlexUnavailable(Object.assign(new Error('x'), { name }))).toBe(false);
  });
});
