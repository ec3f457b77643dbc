// The event-stream client against a scripted opener: events that arrive before the reconcile has finished are
// held back until it has (so the reconcile cannot overwrite them), a message cut off by a drop is never
// delivered, backoff grows with jitter inside [d/2, d] and resets after a good connection, a refusal (404) is
// "unsupported" and retried slowly, and an idle connection is reopened.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createPlexEventStream, type StreamStatus } from '../../../../server/live/event-stream.ts';
import type { PlexNotification } from '../../../../server/live/plex-events.ts';
import { PlexNotFoundError, PlexUnavailableError } from '../../../../server/plex/errors.ts';
import { silentLogger } from '../cache/fakes.ts';

const playing = (key: string, state: string) =>
  `event: playing\ndata: ${JSON.stringify({
    NotificationContainer: {
      type: 'playing',
      size: 1,
      PlaySessionStateNotification: [{ sessionKey: key, state }],
    },
  })}\n\n`;

function scripted(outcomes: Array<() => PassThrough | Error>) {
  const opens: number[] = [];
  let i = 0;
  return {
    opens,
    open: async () => {
      opens.push(Date.now());
      const next = outcomes[Math.min(i++, outcomes.length - 1)];
      const result = next?.() ?? new PlexUnavailableError('no more');
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

const until = async (check: () => boolean, ms = 3_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Plex event stream client', () => {
  it('holds events back until the reconcile is done, and never delivers a half message', async () => {
    const body = new PassThrough();
    const { open } = scripted([() => body, () => new PassThrough()]);
    const order: string[] = [];
    let finishReconcile: () => void = () => undefined;
    const stream = createPlexEventStream({
      open,
      logger: silentLogger,
      timings: { initialBackoffMs: 10, maxBackoffMs: 20 },
      handlers: {
        onConnected: () =>
          new Promise<void>((resolve) => {
            order.push('reconcile started');
            finishReconcile = () => {
              order.push('reconcile done');
              resolve();
            };
          }),
        onNotification: (n: PlexNotification) => {
          if (n.type === 'playing') order.push(`${n.PlaySessionStateNotification[0]?.state}`);
        },
      },
    });
    stream.start();
    await until(() => order.length === 1);
    body.write(playing('1', 'paused'));
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual(['reconcile started']);
    finishReconcile();
    await until(() => order.length === 3);
    expect(order).toEqual(['reconcile started', 'reconcile done', 'paused']);
    const half = playing('1', 'playing');
    body.write(half.slice(0, half.length / 2));
    body.destroy();
    await until(() => stream.status().state !== 'connected');
    expect(order).not.toContain('playing');
    await stream.close();
  });

  it('backs off with jitter, resets after a good connection, and calls a 404 unsupported', async () => {
    const randoms = [0, 1, 0.5];
    let r = 0;
    const { open, opens } = scripted([
      () => new PlexUnavailableError('down'),
      () => new PlexUnavailableError('down'),
      () => new PlexNotFoundError('no stream', { status: 404 }),
    ]);
    const states: StreamStatus[] = [];
    const stream = createPlexEventStream({
      open,
      logger: silentLogger,
      random: () => randoms[r++ % randoms.length] as number,
      timings: { initialBackoffMs: 40, maxBackoffMs: 1_000, unsupportedRetryMs: 60_000 },
      handlers: {
        onConnected: async () => undefined,
        onNotification: () => undefined,
        onStateChange: (s) => states.push(s),
      },
    });
    stream.start();
    await until(() => stream.status().state === 'unsupported');
    expect(opens).toHaveLength(3);
    const [t0 = 0, t1 = 0, t2 = 0] = opens;
    const gaps = [t1 - t0, t2 - t1];
    // First delay drawn at random 0 from [20, 40], second at random 1 from [40, 80].
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[0]).toBeLessThan(40);
    expect(gaps[1]).toBeGreaterThanOrEqual(75);
    expect(stream.status().reason).toMatch(/no stream/);
    expect(states.map((s) => s.state)).toContain('disconnected');
    await stream.close();
    expect(stream.status().state).toBe('off');
  });

  it('reopens a connection that carries nothing for the idle timeout, counting the reconnect', async () => {
    const { open, opens } = scripted([() => new PassThrough()]);
    let connects = 0;
    const stream = createPlexEventStream({
      open,
      logger: silentLogger,
      timings: { idleTimeoutMs: 80, initialBackoffMs: 10, maxBackoffMs: 20 },
      handlers: {
        onConnected: async () => {
          connects++;
        },
        onNotification: () => undefined,
      },
    });
    stream.start();
    await until(() => connects >= 2);
    expect(stream.status().reconnects).toBeGreaterThanOrEqual(1);
    expect(opens.length).toBeGreaterThanOrEqual(2);
    await stream.close();
  });
});

describe('Plex event stream client against hostile answers', () => {
  it('ends a connection whose message never ends, and delivers what came before it', async () => {
    const body = new PassThrough();
    const { open, opens } = scripted([() => body, () => new PassThrough()]);
    const seen: string[] = [];
    const stream = createPlexEventStream({
      open,
      logger: silentLogger,
      timings: { initialBackoffMs: 10, maxBackoffMs: 20 },
      handlers: {
        onConnected: async () => undefined,
        onNotification: (n) => {
          if (n.type === 'playing') seen.push(n.PlaySessionStateNotification[0]?.state ?? '');
        },
      },
    });
    stream.start();
    await until(() => stream.status().state === 'connected');
    body.write(playing('1', 'paused'));
    body.write('data: ');
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 20 && !body.destroyed; i++) body.write(chunk);
    await until(() => opens.length >= 2);
    expect(seen).toEqual(['paused']);
    expect(stream.status().reconnects).toBeGreaterThanOrEqual(1);
    await stream.close();
  });
});
