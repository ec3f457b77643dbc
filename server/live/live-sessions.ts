/**
 * The live session table behind get_playback_status while the event stream is connected: Plex's session list,
 * read in full on every (re)connect, then kept exact by `playing` events (state and position per sessionKey).
 *
 * - A `stopped` event removes the session at once and leaves a tombstone: Plex's own list can go on showing a
 *   stopped stream for minutes (EVENTS-AND-ACCOUNTS.md), so a later read of that list must not bring it back.
 *   A tombstone ends when its time is up, when Plex's list no longer shows the session, or when an event says
 *   that session plays again.
 * - An event for a session we do not know (a new stream) triggers a re-read of the list for its details
 *   (user, player, item); callers asking meanwhile wait for that read, so they never miss a session that the
 *   stream has already announced.
 */
import type { PlaybackSession } from '../domain/session.ts';
import type { KeyedSession } from '../plex/plex-client.ts';
import type { PlaySessionState } from './plex-events.ts';

/** How long a stopped session stays hidden from Plex's (possibly lagging) session list. */
export const TOMBSTONE_MS = 15 * 60_000;

export interface LiveSessionTableOptions {
  /** Reads Plex's session list (GET /status/sessions). */
  load(): Promise<KeyedSession[]>;
  now?: () => number;
  /** Called whenever the table changed; `stateChanged` false when only a position moved. */
  onChange?(stateChanged: boolean): void;
}

export class LiveSessionTable {
  readonly #load: () => Promise<KeyedSession[]>;
  readonly #now: () => number;
  readonly #onChange: ((stateChanged: boolean) => void) | undefined;
  #sessions = new Map<string, PlaybackSession>();
  readonly #tombstones = new Map<string, number>();
  /** The read of Plex's list in flight, if any; a second request while one runs waits for a fresh one. */
  #loading: Promise<void> | undefined;
  #again = false;
  #loaded = false;

  constructor(options: LiveSessionTableOptions) {
    this.#load = options.load;
    this.#now = options.now ?? Date.now;
    this.#onChange = options.onChange;
  }

  /** Whether a full read has succeeded since the last reset (the table can answer). */
  get loaded(): boolean {
    return this.#loaded;
  }

  /** Forgets everything (the stream went away: the table can no longer be trusted). */
  reset(): void {
    this.#loaded = false;
    this.#sessions.clear();
  }

  /** Re-reads Plex's list (after a (re)connect, or for a session we do not know yet). */
  reconcile(): Promise<void> {
    if (this.#loading) {
      this.#again = true;
      return this.#loading;
    }
    this.#loading = (async () => {
      try {
        do {
          this.#again = false;
          const listed = await this.#load();
          this.#replace(listed);
        } while (this.#again);
      } finally {
        this.#loading = undefined;
      }
    })();
    return this.#loading;
  }

  /** The sessions now, after any read in flight (so a just-announced stream is there). */
  async sessions(): Promise<PlaybackSession[]> {
    if (this.#loading) await this.#loading.catch(() => undefined);
    return [...this.#sessions.values()];
  }

  /** Applies one `playing` event. */
  apply(event: PlaySessionState): void {
    const key = event.sessionKey;
    if (event.state === 'stopped') {
      this.#tombstones.set(key, this.#now() + TOMBSTONE_MS);
      if (this.#sessions.delete(key)) this.#onChange?.(true);
      return;
    }
    this.#tombstones.delete(key);
    const known = this.#sessions.get(key);
    if (!known) {
      // A stream we have not seen: its details come from Plex's list.
      void this.reconcile().catch(() => undefined);
      return;
    }
    const position = event.viewOffset ?? known.position_ms;
    const updated: PlaybackSession = {
      ...known,
      state: event.state,
      position_ms: Math.max(0, Math.round(position)),
      ...(known.duration_ms
        ? { progress_percent: Math.min(100, Math.round((position / known.duration_ms) * 1000) / 10) }
        : {}),
    };
    this.#sessions.set(key, updated);
    this.#onChange?.(known.state !== updated.state);
  }

  #replace(listed: KeyedSession[]): void {
    const now = this.#now();
    const keys = new Set(listed.map((l) => l.sessionKey));
    // A tombstone ends with its time, or once Plex's list has caught up (the stopped stream is gone from it).
    for (const [key, until] of this.#tombstones)
      if (until <= now || !keys.has(key)) this.#tombstones.delete(key);
    const next = new Map<string, PlaybackSession>();
    for (const { sessionKey, session } of listed) {
      if (this.#tombstones.has(sessionKey)) continue;
      // Plex's list can lag behind the events; a state an event already set is newer than the list's.
      const known = this.#sessions.get(sessionKey);
      next.set(
        sessionKey,
        known ? { ...session, state: known.state, position_ms: known.position_ms, ...pct(known) } : session,
      );
    }
    const changed = !sameSessions(this.#sessions, next);
    this.#sessions = next;
    this.#loaded = true;
    if (changed) this.#onChange?.(true);
  }
}

function pct(s: PlaybackSession): { progress_percent?: number } {
  return s.progress_percent === undefined ? {} : { progress_percent: s.progress_percent };
}

function sameSessions(a: Map<string, PlaybackSession>, b: Map<string, PlaybackSession>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, session] of a) {
    const other = b.get(key);
    if (!other || JSON.stringify(other) !== JSON.stringify(session)) return false;
  }
  return true;
}
