// Plex's event stream, `GET /:/eventsource/notifications` (Server-Sent Events), as the simulator publishes it
// (../../../shared/plex-api/EVENTS-AND-ACCOUNTS.md): every message is `event: <type>` with `data:` a JSON
// `{"NotificationContainer": {type, size, <ArrayNamedAfterType>: [...]}}`. The simulator publishes whenever its
// state changes (playback, items added or removed, a scan's progress), from now on only (nothing is replayed,
// as in PMS), and can misbehave on purpose (the stream faults below).

import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { PLEX_TYPE_NUMBERS, type SimItem } from './catalog.ts';
import type { SimSession } from './sessions.ts';

export const StreamFaultSchema = z.strictObject({
  /**
   * none: normal. refuse: the endpoint answers 404, as a PMS without the event stream would (new connections
   * only). drop: the next event is cut off mid-message and the connections closed (once; then back to none).
   * stall: connections stay open
   * but carry nothing at all (no events, no heartbeats), like a proxy that stopped forwarding.
   */
  mode: z.enum(['none', 'refuse', 'drop', 'stall']),
});
export type SimStreamFault = z.infer<typeof StreamFaultSchema>;

/** PMS's event names for `filters=` (the types this simulator sends). */
export const EVENT_TYPES = ['playing', 'timeline', 'activity', 'ping'] as const;
export type SimEventType = (typeof EVENT_TYPES)[number];

/** Timeline `state` numbers (EVENTS-AND-ACCOUNTS.md). */
export const TIMELINE_STATE = { created: 0, processing: 1, matching: 2, finished: 5, deleted: 9 } as const;

export interface ActivityProgress {
  uuid: string;
  event: 'started' | 'updated' | 'ended';
  type: string;
  title: string;
  subtitle: string;
  progress: number;
  sectionId: string;
}

type Json = Record<string, unknown>;

function container(type: SimEventType, array: string | undefined, entries: Json[]): Json {
  return {
    NotificationContainer: { type, size: entries.length, ...(array ? { [array]: entries } : {}) },
  };
}

/** A `playing` notification for a session; `state` overrides (a stopped session is gone from the store). */
export function playingNotification(
  session: SimSession,
  state: SimSession['state'] | 'stopped',
  machineIdentifier: string,
): Json {
  return container('playing', 'PlaySessionStateNotification', [
    {
      sessionKey: session.sessionKey,
      clientIdentifier: session.player.machineIdentifier,
      guid: '',
      ratingKey: session.ratingKey,
      url: '',
      key: `/library/metadata/${session.ratingKey}`,
      viewOffset: session.viewOffset,
      playQueueItemID: Number(session.sessionKey) * 100,
      playQueueID: Number(session.sessionKey),
      state,
      ...(session.transcoding
        ? { transcodeSession: `${machineIdentifier.slice(0, 8)}${session.sessionKey}` }
        : {}),
    },
  ]);
}

/** `timeline` entries for an item (and, PMS-style, nothing about its parents). */
export function timelineNotification(item: SimItem, state: number, updatedAt: number): Json {
  return container('timeline', 'TimelineEntry', [
    {
      identifier: 'com.plexapp.plugins.library',
      sectionID: String(item.librarySectionID),
      itemID: item.ratingKey,
      type: PLEX_TYPE_NUMBERS[item.type],
      title: item.title,
      state,
      ...(state === TIMELINE_STATE.deleted ? {} : { metadataState: 'created', mediaState: 'analyzing' }),
      updatedAt,
    },
  ]);
}

export function activityNotification(a: ActivityProgress, userID: number): Json {
  return container('activity', 'ActivityNotification', [
    {
      event: a.event,
      uuid: a.uuid,
      Activity: activityEntry(a, userID),
    },
  ]);
}

/** One Activity as `/activities` and activity notifications carry it. */
export function activityEntry(a: Omit<ActivityProgress, 'event'>, userID: number): Json {
  return {
    uuid: a.uuid,
    type: a.type,
    cancellable: false,
    userID,
    title: a.title,
    subtitle: a.subtitle,
    progress: a.progress,
    Context: { librarySectionID: a.sectionId },
  };
}

interface Listener {
  res: ServerResponse;
  /** null = every type (`filters` absent or empty). */
  types: ReadonlySet<string> | null;
  excluded: ReadonlySet<string>;
}

/** How often an open stream gets a heartbeat (`ping`) so idle connections are not mistaken for dead ones. */
export const DEFAULT_HEARTBEAT_MS = 10_000;

/** The open event-stream connections and what is sent to them. */
export class EventHub {
  private readonly listeners = new Set<Listener>();
  private fault: SimStreamFault = { mode: 'none' };
  private readonly heartbeat: NodeJS.Timeout;
  /** Every message published (including to nobody), for tests that check order and shapes. */
  private published: Json[] = [];

  constructor(heartbeatMs = DEFAULT_HEARTBEAT_MS) {
    this.heartbeat = setInterval(() => this.publish('ping', container('ping', undefined, [])), heartbeatMs);
    this.heartbeat.unref();
  }

  setFault(next: SimStreamFault): void {
    this.fault = StreamFaultSchema.parse(next);
  }

  currentFault(): SimStreamFault {
    return this.fault;
  }

  /** Open stream connections right now. */
  connections(): number {
    return this.listeners.size;
  }

  /** The messages published so far (copies), oldest first; `ping`s left out. */
  history(): Json[] {
    return structuredClone(this.published);
  }

  /** Serves one stream request (the token was already checked). `filters` as PMS takes it: `a,b` or `-a,b`. */
  open(res: ServerResponse, filters: string | null): boolean {
    if (this.fault.mode === 'refuse') return false;
    const parts = (filters ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const excluded = new Set(parts.filter((p) => p.startsWith('-')).map((p) => p.slice(1)));
    const included = parts.filter((p) => !p.startsWith('-'));
    const listener: Listener = { res, types: included.length > 0 ? new Set(included) : null, excluded };
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Plex-Protocol': '1.0',
    });
    res.flushHeaders();
    this.listeners.add(listener);
    res.once('close', () => this.listeners.delete(listener));
    return true;
  }

  publish(type: SimEventType, message: Json): void {
    if (type !== 'ping') {
      this.published.push(message);
      if (this.published.length > 1000) this.published = this.published.slice(-1000);
    }
    if (this.fault.mode === 'stall') return;
    const frame = `event: ${type}\ndata: ${JSON.stringify(message)}\n\n`;
    const dropping = this.fault.mode === 'drop' && type !== 'ping' && this.listeners.size > 0;
    for (const listener of this.listeners) {
      if (listener.excluded.has(type) || (listener.types && !listener.types.has(type) && type !== 'ping'))
        continue;
      if (dropping) {
        // Half a message, then the connection goes: the client must not act on the fragment.
        const { res } = listener;
        this.listeners.delete(listener);
        res.write(frame.slice(0, Math.floor(frame.length / 2)), () => res.destroy());
        continue;
      }
      listener.res.write(frame);
    }
    if (dropping) this.fault = { mode: 'none' };
  }

  /** Ends every open stream (simulator close or reset). */
  closeAll(): void {
    for (const listener of this.listeners) listener.res.destroy();
    this.listeners.clear();
  }

  reset(): void {
    this.fault = { mode: 'none' };
    this.published = [];
  }

  stop(): void {
    clearInterval(this.heartbeat);
    this.closeAll();
  }
}
