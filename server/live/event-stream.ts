/**
 * One connection to Plex's event stream per process, kept open: it reconnects after any failure with jittered
 * exponential backoff, recycles itself periodically (long-lived connections through proxies and NATs go stale
 * without a sign), and treats a connection that carries nothing for `idleTimeoutMs` as dead. Every (re)connect
 * calls `onConnected` before events are handled, because the feed is from-now-on only: whatever happened while
 * disconnected must be read back (sessions reconciled, caches dropped).
 *
 * A Plex that refuses the stream (404/405/400: an old or stripped-down PMS) puts the client in `unsupported`:
 * the server then runs on TTLs alone, as before this module existed, and the stream is tried again only every
 * `unsupportedRetryMs`. Plex unreachable is `disconnected` and retried with backoff.
 */
import { createParser } from 'eventsource-parser';
import type { Logger } from '../observability/logger.ts';
import { PlexBadResponseError, PlexError, PlexUnauthorizedError } from '../plex/errors.ts';
import { type PlexNotification, parseNotification, SUBSCRIBED_TYPES } from './plex-events.ts';

export type StreamState = 'off' | 'connecting' | 'connected' | 'disconnected' | 'unsupported';

export interface StreamStatus {
  state: StreamState;
  /** Why the stream is not connected (the last failure), when it is not. */
  reason?: string;
  /** ISO time the state was entered. */
  since: string;
  reconnects: number;
}

export interface EventStreamTimings {
  /** First reconnect delay; doubles per failure up to maxBackoffMs, each delay drawn from [d/2, d]. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** A connection with no bytes (events or heartbeats) for this long is closed and reopened. */
  idleTimeoutMs: number;
  /** A healthy connection is closed and reopened after this long anyway. */
  recycleMs: number;
  /** How long after a refusal (stream unsupported) to try again. */
  unsupportedRetryMs: number;
}

export const DEFAULT_STREAM_TIMINGS: EventStreamTimings = {
  initialBackoffMs: 500,
  maxBackoffMs: 30_000,
  idleTimeoutMs: 120_000,
  recycleMs: 6 * 3_600_000,
  unsupportedRetryMs: 5 * 60_000,
};

export interface EventStreamHandlers {
  /** Runs after every (re)connect, before that connection's events are delivered. May fail (logged, no retry). */
  onConnected(): Promise<void>;
  /** One parsed notification of a type we act on. */
  onNotification(notification: PlexNotification, receivedAt: number): void;
  /** Every message, by type (metrics), `invalid` for one that failed to parse. */
  onMessage?(type: string): void;
  onStateChange?(status: StreamStatus): void;
}

export interface EventStreamOptions {
  open(filters: readonly string[], signal: AbortSignal): Promise<NodeJS.ReadableStream>;
  handlers: EventStreamHandlers;
  logger: Logger;
  timings?: Partial<EventStreamTimings>;
  random?: () => number;
}

export interface PlexEventStream {
  start(): void;
  status(): StreamStatus;
  /** Resolves once connected (the reconcile done) or after timeoutMs with false. For tests and start-up. */
  whenConnected(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Statuses at which Plex does not offer the stream at all (as opposed to failing right now). */
const UNSUPPORTED_STATUS = new Set([400, 404, 405, 501]);

/** One message larger than this (Plex's are a few hundred bytes) ends the connection instead of filling memory. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export function createPlexEventStream(options: EventStreamOptions): PlexEventStream {
  const timings = { ...DEFAULT_STREAM_TIMINGS, ...options.timings };
  const random = options.random ?? Math.random;
  const log = options.logger.child({ component: 'plex-events' });
  const { handlers } = options;
  let status: StreamStatus = { state: 'off', since: new Date().toISOString(), reconnects: 0 };
  let closed = false;
  let started = false;
  let failures = 0;
  let current: AbortController | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  const connectedWaiters = new Set<() => void>();

  const setState = (state: StreamState, reason?: string) => {
    if (status.state === state && status.reason === reason) return;
    status = {
      state,
      ...(reason ? { reason } : {}),
      since: new Date().toISOString(),
      reconnects: status.reconnects,
    };
    handlers.onStateChange?.(status);
    if (state === 'connected') for (const w of connectedWaiters) w();
  };

  const schedule = (delayMs: number) => {
    if (closed) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void connect(), delayMs);
    retryTimer.unref();
  };

  const backoff = () => {
    const ceiling = Math.min(timings.maxBackoffMs, timings.initialBackoffMs * 2 ** Math.min(failures, 20));
    failures++;
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };

  async function connect(): Promise<void> {
    if (closed) return;
    const abort = new AbortController();
    current = abort;
    setState('connecting', status.reason);
    let body: NodeJS.ReadableStream;
    try {
      body = await options.open(SUBSCRIBED_TYPES, abort.signal);
    } catch (error) {
      if (closed) return;
      const reason = error instanceof Error ? error.message : String(error);
      const httpStatus = error instanceof PlexError ? error.status : undefined;
      if (
        (httpStatus !== undefined && UNSUPPORTED_STATUS.has(httpStatus)) ||
        error instanceof PlexBadResponseError
      ) {
        log.warn({ reason }, 'Plex does not offer its event stream; running on cache lifetimes alone');
        setState('unsupported', reason);
        schedule(timings.unsupportedRetryMs);
        return;
      }
      if (error instanceof PlexUnauthorizedError) log.warn({ reason }, 'Plex refused the event stream');
      else log.debug({ reason }, 'event stream connect failed');
      setState('disconnected', reason);
      schedule(backoff());
      return;
    }
    await serve(body, abort);
  }

  async function serve(body: NodeJS.ReadableStream, abort: AbortController): Promise<void> {
    let idleTimer: NodeJS.Timeout | undefined;
    let ready = false;
    const queued: { data: string; event: string | undefined; at: number }[] = [];
    let endReason = 'stream ended';
    const finish = (reason: string) => {
      endReason = reason;
      abort.abort();
    };
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => finish('idle timeout'), timings.idleTimeoutMs);
      idleTimer.unref();
    };
    const recycleTimer = setTimeout(() => finish('recycle'), timings.recycleMs);
    recycleTimer.unref();

    const deliver = (data: string, event: string | undefined, at: number) => {
      let notification: PlexNotification | undefined;
      try {
        notification = parseNotification(event, data);
      } catch (error) {
        handlers.onMessage?.('invalid');
        log.debug({ err: (error as Error).message }, 'ignored an event that does not parse');
        return;
      }
      handlers.onMessage?.(notification?.type ?? event ?? 'message');
      if (notification) handlers.onNotification(notification, at);
    };
    /**
     * Characters since the last complete message: bounded, so an endless line or message cannot grow the parser's
     * buffer. (Comment-only keep-alives count too; the periodic recycle starts every connection from zero.)
     */
    let pending = 0;
    const parser = createParser({
      onEvent(message) {
        pending = 0;
        const at = Date.now();
        if (ready) deliver(message.data, message.event, at);
        else queued.push({ data: message.data, event: message.event, at });
      },
    });

    armIdle();
    const reconcile = handlers.onConnected().catch((error: unknown) => {
      log.warn({ err: (error as Error).message }, 'could not reconcile after connecting to the event stream');
    });
    const done = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer | string) => {
        armIdle();
        const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
        pending += text.length;
        if (pending > MAX_MESSAGE_BYTES) {
          finish('message too large');
          return;
        }
        parser.feed(text);
      };
      body.on('data', onData);
      body.once('end', () => resolve());
      body.once('error', (error: Error) => {
        if (!abort.signal.aborted) endReason = error.message || 'stream error';
        resolve();
      });
      body.once('close', () => resolve());
      abort.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await reconcile;
    ready = true;
    for (const q of queued.splice(0)) deliver(q.data, q.event, q.at);
    if (!abort.signal.aborted) {
      failures = 0;
      setState('connected');
      log.info('connected to the Plex event stream');
    }
    await done;
    clearTimeout(idleTimer);
    clearTimeout(recycleTimer);
    (body as { destroy?: () => void }).destroy?.();
    if (closed) return;
    // A message cut off by the drop is never delivered: the parser only emits complete messages.
    status = { ...status, reconnects: status.reconnects + 1 };
    log.info({ reason: endReason }, 'Plex event stream closed; reconnecting');
    setState('disconnected', endReason);
    schedule(endReason === 'recycle' ? 0 : backoff());
  }

  return {
    start() {
      if (started || closed) return;
      started = true;
      void connect();
    },
    status: () => status,
    whenConnected(timeoutMs) {
      if (status.state === 'connected') return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          connectedWaiters.delete(onConnected);
          clearTimeout(timer);
          resolve(ok);
        };
        const onConnected = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        connectedWaiters.add(onConnected);
      });
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      current?.abort();
      setState('off');
    },
  };
}
