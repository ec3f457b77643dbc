/**
 * What the server knows live from Plex: the event stream (event-stream.ts), the session table behind
 * get_playback_status (live-sessions.ts), and the changes other modules follow (cache invalidation, resource
 * notifications, scan progress). One per process; `createPlexLive` returns `undefined`-free "off" behaviour when
 * PLEX_EVENTS is false, so callers only ask `sessions()` and get `undefined` = "ask Plex as before".
 */
import type { PlaybackSession } from '../domain/session.ts';
import type { Logger } from '../observability/logger.ts';
import type { PlexClient } from '../plex/plex-client.ts';
import {
  createPlexEventStream,
  type EventStreamTimings,
  type PlexEventStream,
  type StreamStatus,
} from './event-stream.ts';
import type { LiveMetrics } from './live-metrics.ts';
import { LiveSessionTable } from './live-sessions.ts';
import type { ActivityNotification, PlexNotification, TimelineEntry } from './plex-events.ts';

/** A change the stream told us about, for whoever follows them. */
export type LiveChange =
  /** The session table changed; `stateChanged` unless only a position moved. */
  | { kind: 'sessions'; stateChanged: boolean }
  /** A stream stopped (the watcher's resume point, On Deck and history change). */
  | { kind: 'stopped'; itemId?: string }
  /** Library items were created, updated or deleted. */
  | { kind: 'timeline'; entries: TimelineEntry[] }
  /** A server activity (a scan) started, progressed or ended. */
  | { kind: 'activity'; activity: ActivityNotification }
  /** The stream came back after a gap: anything may have changed meanwhile. */
  | { kind: 'resync' };

export type LiveChangeListener = (change: LiveChange) => void | Promise<void>;

/** How the server follows Plex right now, for /health/ready and get_plex_status. */
export interface LiveStatus {
  /** `live`: events drive sessions and cache; `fallback`: cache lifetimes only (stream down or unsupported). */
  mode: 'live' | 'fallback' | 'off';
  stream: StreamStatus;
}

export interface PlexLive {
  /** Connects the event stream (once; nothing when PLEX_EVENTS is false). Until then status() says `off`. */
  start(): void;
  /** The live sessions, or undefined when the table cannot answer (then ask Plex, as without the stream). */
  sessions(): Promise<PlaybackSession[] | undefined>;
  status(): LiveStatus;
  /** Follow changes; returns the unsubscribe function. */
  onChange(listener: LiveChangeListener): () => void;
  whenConnected(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface PlexLiveOptions {
  enabled: boolean;
  plex: PlexClient;
  logger: Logger;
  metrics?: LiveMetrics | undefined;
  timings?: Partial<EventStreamTimings>;
}

export function createPlexLive(options: PlexLiveOptions): PlexLive {
  const { plex, logger, metrics } = options;
  const listeners = new Set<LiveChangeListener>();
  const log = logger.child({ component: 'plex-live' });

  const emit = async (change: LiveChange) => {
    await Promise.all(
      [...listeners].map(async (listener) => {
        try {
          await listener(change);
        } catch (error) {
          log.warn({ err: (error as Error).message, change: change.kind }, 'a live change listener failed');
        }
      }),
    );
  };

  const table = new LiveSessionTable({
    load: () => plex.getKeyedSessions(),
    onChange: (stateChanged) => void emit({ kind: 'sessions', stateChanged }),
  });

  if (!options.enabled) {
    const off: StreamStatus = { state: 'off', since: new Date().toISOString(), reconnects: 0 };
    return {
      start: () => undefined,
      sessions: async () => undefined,
      status: () => ({ mode: 'off', stream: off }),
      onChange(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      whenConnected: async () => false,
      close: async () => undefined,
    };
  }

  const handle = async (notification: PlexNotification, receivedAt: number) => {
    if (notification.type === 'playing') {
      for (const event of notification.PlaySessionStateNotification) {
        table.apply(event);
        if (event.state === 'stopped')
          await emit({ kind: 'stopped', ...(event.ratingKey ? { itemId: event.ratingKey } : {}) });
      }
    } else if (notification.type === 'timeline') {
      if (notification.TimelineEntry.length > 0)
        await emit({ kind: 'timeline', entries: notification.TimelineEntry });
    } else {
      for (const activity of notification.ActivityNotification) await emit({ kind: 'activity', activity });
    }
    metrics?.applied((Date.now() - receivedAt) / 1000);
  };

  let wasConnected = false;
  let connections = 0;
  const stream: PlexEventStream = createPlexEventStream({
    open: (filters, signal) => plex.openEventStream(filters, signal),
    logger,
    ...(options.timings ? { timings: options.timings } : {}),
    handlers: {
      async onConnected() {
        // From-now-on feed: whatever happened while we were away is read back.
        table.reset();
        await table.reconcile();
        // The first connection has no gap behind it (and other replicas may have kept the shared cache right).
        if (connections++ > 0) await emit({ kind: 'resync' });
      },
      onNotification: (notification, receivedAt) => void handle(notification, receivedAt),
      onMessage: (type) => metrics?.message(type),
      onStateChange(status) {
        const connected = status.state === 'connected';
        metrics?.connected(connected);
        if (wasConnected && !connected) {
          metrics?.reconnected();
          // Events may be missed from now on: the table no longer answers, Plex's list does (as without events).
          table.reset();
        }
        wasConnected = connected;
      },
    },
  });
  return {
    start: () => stream.start(),
    async sessions() {
      if (stream.status().state !== 'connected' || !table.loaded) return undefined;
      return table.sessions();
    },
    status() {
      const s = stream.status();
      return { mode: s.state === 'connected' ? 'live' : 'fallback', stream: s };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    whenConnected: (timeoutMs) => stream.whenConnected(timeoutMs),
    close: () => stream.close(),
  };
}
