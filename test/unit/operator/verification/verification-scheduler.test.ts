import { describe, expect, it } from 'vitest';
import {
  VerificationScheduler,
  type VerificationSchedulerOptions,
} from '../../../../operator/verification/verification-scheduler.ts';
import type { VerificationResult } from '../../../../operator/verification/verify-server.ts';
import { FakeClock } from '../fake-clock.ts';

const flush = () => new Promise((resolve) => setImmediate(resolve));

function ok(version: string, checkedAt = 0): VerificationResult {
  return {
    checkedAt,
    handshake: {
      ok: true,
      server: {
        name: 'plex-mcp',
        version,
        protocolVersions: ['2026-07-28'],
        toolCount: 8,
        authMode: 'bearer',
      },
    },
    plex: { state: 'reachable' },
  };
}

function setUp(overrides: Partial<VerificationSchedulerOptions> = {}) {
  const clock = new FakeClock();
  const started: string[] = [];
  const changes: [string, VerificationResult | undefined][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const pending: (() => void)[] = [];
  let answer: (key: string) => VerificationResult | undefined = () => ok('1', clock.now());
  let hold = false;
  const scheduler = new VerificationScheduler({
    clock,
    random: () => 0.5, // no jitter unless a test says otherwise
    verify: async (key) => {
      started.push(key);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (hold) await new Promise<void>((resolve) => pending.push(resolve));
      inFlight--;
      return answer(key);
    },
    onChange: (key, result) => changes.push([key, result]),
    ...overrides,
  });
  return {
    clock,
    scheduler,
    started,
    changes,
    maxInFlight: () => maxInFlight,
    setAnswer: (fn: typeof answer) => {
      answer = fn;
    },
    holdAll: () => {
      hold = true;
    },
    releaseAll: async () => {
      hold = false;
      for (const resolve of pending.splice(0)) resolve();
      await flush();
    },
  };
}

describe('VerificationScheduler', () => {
  it('verifies a new server at once, then once per interval, and reports only changed verdicts', async () => {
    const t = setUp({ intervalMs: 60_000 });
    t.scheduler.track('media/den', 'gen-1');
    await flush();
    expect(t.started).toEqual(['media/den']);
    expect(t.changes.map(([key]) => key)).toEqual(['media/den']);

    // Re-tracking with the same fingerprint (every reconcile does) changes nothing.
    t.scheduler.track('media/den', 'gen-1');
    t.clock.advance(59_000);
    await flush();
    expect(t.started).toHaveLength(1);

    t.clock.advance(1_000);
    await flush();
    expect(t.started).toHaveLength(2);
    // Same verdict at a later time: no change reported, so no status write.
    expect(t.changes).toHaveLength(1);

    t.setAnswer(() => ok('2', t.clock.now()));
    t.clock.advance(60_000);
    await flush();
    expect(t.changes).toHaveLength(2);
    expect(t.scheduler.latest('media/den')?.handshake).toMatchObject({ server: { version: '2' } });
  });

  it('verifies a changed server ahead of ones that wait for their schedule', async () => {
    const t = setUp({ intervalMs: 60_000, concurrency: 1, maxPerSecond: 1_000 });
    t.scheduler.track('a', '1');
    t.scheduler.track('b', '1');
    for (let i = 0; i < 4; i++) {
      t.clock.advance(10);
      await flush();
    }
    expect(t.started).toEqual(['a', 'b']);
    t.holdAll();
    t.clock.advance(60_000); // both due again: a runs (held), b waits
    await flush();
    t.scheduler.track('c', '1'); // new: urgent, ahead of the waiting b
    await t.releaseAll();
    t.holdAll();
    for (let i = 0; i < 4; i++) {
      t.clock.advance(10);
      await t.releaseAll();
      t.holdAll();
    }
    expect(t.started.slice(2)).toEqual(['a', 'c', 'b']);
  });

  it('runs a changed server again after the verification that was running when it changed', async () => {
    const t = setUp();
    t.holdAll();
    t.scheduler.track('a', '1');
    await flush();
    t.scheduler.track('a', '2');
    await flush();
    expect(t.started).toEqual(['a']);
    await t.releaseAll();
    await flush();
    expect(t.started).toEqual(['a', 'a']);
  });

  it('gives new servers their first verification without waiting for the rate limit, `concurrency` at a time', async () => {
    const t = setUp({ concurrency: 3, maxPerSecond: 2, intervalMs: 3_600_000 });
    t.holdAll();
    for (let i = 0; i < 50; i++) t.scheduler.track(`ns/r${i}`, '1');
    await flush();
    expect(t.started).toHaveLength(3);
    // Each one that finishes frees its slot for the next: no clock time has to pass.
    for (let i = 0; i < 20 && t.started.length < 50; i++) {
      await t.releaseAll();
      t.holdAll();
    }
    expect(t.started).toEqual(Array.from({ length: 50 }, (_, i) => `ns/r${i}`)); // oldest first
    expect(t.maxInFlight()).toBe(3);
    await t.releaseAll();
  });

  it('starts at most maxPerSecond re-verifications after the burst, never more than `concurrency` at once', async () => {
    const t = setUp({ concurrency: 3, maxPerSecond: 2, intervalMs: 60_000 });
    for (let i = 0; i < 50; i++) t.scheduler.track(`ns/r${i}`, '1');
    await flush();
    expect(t.started).toHaveLength(50);
    t.started.length = 0;
    t.holdAll();
    t.clock.advance(60_000); // all 50 due again
    await flush();
    expect(t.started).toHaveLength(3); // the burst
    // 10 s: the 3 of the burst plus 2 per second.
    for (let s = 0; s < 10; s++) {
      await t.releaseAll();
      t.holdAll();
      t.clock.advance(1_000);
      await flush();
    }
    expect(t.started.length).toBeGreaterThanOrEqual(22);
    expect(t.started.length).toBeLessThanOrEqual(23);
    expect(t.maxInFlight()).toBe(3);
    // Each server once so far: the rate limit stretched the round instead of skipping anyone.
    expect(new Set(t.started).size).toBe(t.started.length);
  });

  it('runs first verifications ahead of re-verifications waiting for a token, and spends no token on them', async () => {
    const t = setUp({ concurrency: 2, maxPerSecond: 1, intervalMs: 60_000 });
    for (let i = 0; i < 10; i++) t.scheduler.track(`old/r${i}`, '1');
    await flush();
    t.started.length = 0;
    t.clock.advance(60_000); // 10 re-verifications due; the burst of 2 runs, 8 wait for tokens
    await flush();
    expect(t.started).toEqual(['old/r0', 'old/r1']);
    t.scheduler.track('new/a', '1'); // a new server
    t.scheduler.track('old/r9', '2'); // what runs behind a waiting one changed: first verification, ahead
    t.scheduler.track('new/b', '1');
    await flush();
    expect(t.started.slice(2)).toEqual(['new/a', 'old/r9', 'new/b']);
    // The re-verifications still get their 1 per second, unchanged by the first verifications.
    t.clock.advance(1_000);
    await flush();
    expect(t.started.slice(5)).toEqual(['old/r2']);
    t.clock.advance(1_000);
    await flush();
    expect(t.started.slice(6)).toEqual(['old/r3']);
  });

  it('spreads periods by the jitter', async () => {
    let next = 0;
    const randoms = [0, 1]; // the two extremes
    const t = setUp({ intervalMs: 10_000, jitter: 0.2, random: () => randoms[next++ % 2] as number });
    t.scheduler.track('a', '1');
    t.scheduler.track('b', '1');
    await flush();
    t.clock.advance(7_999);
    await flush();
    expect(t.started).toHaveLength(2);
    t.clock.advance(1); // a: 10 s * 0.8
    await flush();
    expect(t.started).toHaveLength(3);
    t.clock.advance(4_000); // b: 10 s * 1.2
    await flush();
    expect(t.started).toHaveLength(4);
  });

  it('forgets a server: no more verifications, no result', async () => {
    const t = setUp({ intervalMs: 1_000 });
    t.scheduler.track('a', '1');
    await flush();
    t.scheduler.forget('a');
    t.clock.advance(10_000);
    await flush();
    expect(t.started).toEqual(['a']);
    expect(t.scheduler.latest('a')).toBeUndefined();
    expect(t.clock.pendingTimers()).toBe(0);
  });

  it('reports a server that can no longer be verified', async () => {
    const t = setUp({ intervalMs: 1_000 });
    t.scheduler.track('a', '1');
    await flush();
    t.setAnswer(() => undefined);
    t.clock.advance(1_000);
    await flush();
    expect(t.changes.map(([, result]) => result === undefined)).toEqual([false, true]);
  });
});
