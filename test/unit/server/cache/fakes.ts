import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { DEFAULT_TTL_SECONDS } from '../../../../server/config/config.ts';

export class FakeClock {
  t = Date.UTC(2026, 0, 1);
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** An error as the Plex client throws it when Plex is unreachable. */
export function outage(message = 'connect ECONNREFUSED'): Error {
  return Object.assign(new Error(message), { retryable: true });
}

/** An error that says nothing about availability (e.g. 404). */
export function notFound(): Error {
  return Object.assign(new Error('not found'), { retryable: false, status: 404 });
}

export const isOutage = (error: unknown): boolean => (error as { retryable?: boolean }).retryable === true;

/** A pino logger whose JSON lines are kept for assertions. */
export function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

export const silentLogger: Logger = pino({ level: 'silent' });

export const ttls = { ...DEFAULT_TTL_SECONDS };

/** Lets pending promise callbacks run (e.g. the write-back after a load). */
export const flush = () => new Promise((resolve) => setImmediate(resolve));
