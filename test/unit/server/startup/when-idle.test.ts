import { describe, expect, it } from 'vitest';
import { runWhenIdle } from '../../../../server/startup/when-idle.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runWhenIdle', () => {
  it('runs the task once, after the delay, when the server is idle', async () => {
    let ran = 0;
    runWhenIdle(() => ran++, { busy: () => false, delayMs: 30, maxWaitMs: 1_000 });
    await sleep(10);
    expect(ran).toBe(0);
    await sleep(60);
    expect(ran).toBe(1);
  });

  it('waits while busy and runs at the first idle look', async () => {
    let busy = true;
    let ran = 0;
    runWhenIdle(() => ran++, { busy: () => busy, delayMs: 0, retryMs: 5, maxWaitMs: 10_000 });
    await sleep(60);
    expect(ran).toBe(0);
    busy = false;
    await sleep(30);
    expect(ran).toBe(1);
  });

  it('runs by maxWaitMs on a server that is never idle', async () => {
    let ran = 0;
    runWhenIdle(() => ran++, { busy: () => true, delayMs: 0, retryMs: 5, maxWaitMs: 40 });
    await sleep(20);
    expect(ran).toBe(0);
    await sleep(80);
    expect(ran).toBe(1);
  });

  it('never runs once cancelled, before or during its wait', async () => {
    let ran = 0;
    runWhenIdle(() => ran++, { busy: () => false, delayMs: 20, maxWaitMs: 1_000 })();
    const cancelWaiting = runWhenIdle(() => ran++, {
      busy: () => true,
      delayMs: 0,
      retryMs: 5,
      maxWaitMs: 60,
    });
    await sleep(20);
    cancelWaiting();
    await sleep(100);
    expect(ran).toBe(0);
  });
});
