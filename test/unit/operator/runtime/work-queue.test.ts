import { describe, expect, it } from 'vitest';
import {
  ItemExponentialRateLimiter,
  MaxOfRateLimiter,
  TokenBucketRateLimiter,
} from '../../../../operator/runtime/rate-limiter.ts';
import { runWorkers, WorkQueue } from '../../../../operator/runtime/work-queue.ts';
import { FakeClock } from '../fake-clock.ts';

describe('WorkQueue', () => {
  it('collapses repeated adds of a waiting key into one item', async () => {
    const queue = new WorkQueue({ clock: new FakeClock() });
    queue.add('ns/a');
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    expect(queue.length).toBe(2);
    expect(await queue.get()).toBe('ns/a');
    expect(await queue.get()).toBe('ns/b');
    expect(queue.length).toBe(0);
  });

  it('never hands out a key that is being processed; re-adds it after done()', async () => {
    const queue = new WorkQueue({ clock: new FakeClock() });
    queue.add('ns/a');
    const key = await queue.get();
    expect(key).toBe('ns/a');
    queue.add('ns/a'); // an event arrives while a worker holds the key
    queue.add('ns/a');
    expect(queue.length).toBe(0);
    expect(queue.isProcessing('ns/a')).toBe(true);
    queue.done('ns/a');
    expect(queue.length).toBe(1);
    expect(await queue.get()).toBe('ns/a');
    queue.done('ns/a');
    expect(queue.length).toBe(0);
  });

  it('wakes a waiting get() when a key arrives and resolves undefined on shutdown', async () => {
    const queue = new WorkQueue({ clock: new FakeClock() });
    const pending = queue.get();
    queue.add('ns/x');
    expect(await pending).toBe('ns/x');
    const afterShutdown = queue.get();
    queue.shutDown();
    expect(await afterShutdown).toBeUndefined();
    queue.add('ns/y');
    expect(await queue.get()).toBeUndefined();
  });

  it('delays addAfter keys and keeps the earliest requested time', () => {
    const clock = new FakeClock();
    const queue = new WorkQueue({ clock });
    queue.addAfter('ns/a', 1000);
    queue.addAfter('ns/a', 5000); // later: ignored
    queue.addAfter('ns/a', 300); // earlier: wins
    clock.advance(299);
    expect(queue.length).toBe(0);
    clock.advance(1);
    expect(queue.length).toBe(1);
    clock.advance(10_000);
    expect(queue.length).toBe(1); // no second copy from the cancelled timers
  });

  it('backs off a failing key exponentially and forgets after success', async () => {
    const clock = new FakeClock();
    const retried: string[] = [];
    const queue = new WorkQueue({
      clock,
      rateLimiter: new ItemExponentialRateLimiter(5, 1_000_000),
      onRetry: (key) => retried.push(key),
    });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = clock.now();
      queue.addRateLimited('ns/a');
      let waited = 0;
      while (queue.length === 0 && waited < 10_000) {
        clock.advance(1);
        waited++;
      }
      delays.push(clock.now() - before);
      expect(waited).toBeGreaterThan(0);
      queue.done((await queue.get()) as string);
    }
    expect(delays).toEqual([5, 10, 20, 40, 80]);
    expect(queue.numRequeues('ns/a')).toBe(5);
    expect(retried).toHaveLength(5);
    queue.forget('ns/a');
    expect(queue.numRequeues('ns/a')).toBe(0);
  });
});

describe('rate limiters', () => {
  it('caps the per-key exponential backoff at 1000 s and keeps keys independent', () => {
    const limiter = new ItemExponentialRateLimiter(5, 1_000_000);
    const delays = Array.from({ length: 40 }, () => limiter.when('a'));
    expect(delays[0]).toBe(5);
    expect(delays[17]).toBe(5 * 2 ** 17); // 655 360 ms
    expect(delays[18]).toBe(1_000_000);
    expect(delays[39]).toBe(1_000_000);
    expect(limiter.when('b')).toBe(5);
  });

  it('lets a burst through the token bucket, then spaces requests at the rate', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucketRateLimiter(clock, 10, 100);
    const burst = Array.from({ length: 100 }, (_, i) => bucket.when(`k${i}`));
    expect(burst.every((d) => d === 0)).toBe(true);
    expect(bucket.when('k100')).toBe(100); // 1 token owed at 10/s
    expect(bucket.when('k101')).toBe(200);
    clock.advance(1000); // refills 10 tokens, paying back the 2 owed
    expect(bucket.when('k102')).toBe(0);
  });

  it('MaxOf takes the larger delay of its limiters', () => {
    const clock = new FakeClock();
    const limiter = new MaxOfRateLimiter(
      new ItemExponentialRateLimiter(5, 1000),
      new TokenBucketRateLimiter(clock, 1, 1),
    );
    expect(limiter.when('a')).toBe(5); // bucket had 1 token
    expect(limiter.when('a')).toBe(1000); // bucket now owes 1 s, backoff 10 ms
    expect(limiter.retries('a')).toBe(2);
  });
});

describe('runWorkers', () => {
  it('retries a failing reconcile, processes each key by one worker at a time, and stops on shutdown', async () => {
    const queue = new WorkQueue({ rateLimiter: new ItemExponentialRateLimiter(1, 4) });
    const running = new Set<string>();
    let overlap = false;
    const attempts = new Map<string, number>();
    const errors: string[] = [];
    const workers = runWorkers(
      queue,
      4,
      async (key) => {
        if (running.has(key)) overlap = true;
        running.add(key);
        await new Promise((r) => setTimeout(r, 2));
        running.delete(key);
        const n = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, n);
        if (key === 'ns/flaky' && n < 3) throw new Error('transient');
        return undefined;
      },
      (key) => errors.push(key),
    );
    for (let i = 0; i < 20; i++) {
      queue.add('ns/flaky');
      queue.add('ns/steady');
      await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => setTimeout(r, 100));
    queue.shutDown();
    await workers;
    expect(overlap).toBe(false);
    expect(errors.filter((k) => k === 'ns/flaky')).toHaveLength(2);
    expect(attempts.get('ns/flaky')).toBeGreaterThanOrEqual(3);
    expect(queue.numRequeues('ns/flaky')).toBe(0); // forgotten after the success
  });
});
