// Playback sessions the simulator keeps, and how player commands change them.
// Sessions do NOT advance with wall-clock time: a test that reads viewOffset twice gets the same number,
// and only seekTo changes it. That keeps expectations exact.

import type { SimCatalog, SimItem, SimPlayer } from './catalog.ts';

export type PlayerState = 'playing' | 'paused' | 'buffering';

export interface SimSession {
  sessionKey: string;
  /** Session.id in Plex: the id used to terminate a session. */
  sessionId: string;
  ratingKey: string;
  viewOffset: number;
  state: PlayerState;
  userId: number;
  userTitle: string;
  userThumb: string;
  player: SimPlayer;
  /** Where the client is, as PMS reports it in Session.location. */
  location: 'lan' | 'wan';
  bandwidth: number;
  /** true: the server transcodes (TranscodeSession present, Part.decision "transcode"). */
  transcoding: boolean;
}

export type PlayerCommand = 'play' | 'pause' | 'stop' | 'seekTo';

/** What a command did, so the caller can record finished playback (history, watch state). */
export interface CommandEffect {
  session: SimSession | undefined;
  stopped: boolean;
}

export class SessionStore {
  private readonly catalog: SimCatalog;
  private readonly now: () => number;
  private sessions: SimSession[] = [];
  /** Sessions started by playMedia get keys after the two initial ones. */
  private nextKey = 43;
  /**
   * The "lagging session list" mode (setLag): real PMS sometimes keeps listing a stopped stream in
   * /status/sessions for minutes. Stopped sessions stay in `reported()` until their time is up; the event stream
   * said `stopped` at once.
   */
  private lagMs = 0;
  private ghosts: { session: SimSession; until: number }[] = [];

  constructor(catalog: SimCatalog, now: () => number = Date.now) {
    this.catalog = catalog;
    this.now = now;
    this.reset();
  }

  /** How long /status/sessions keeps listing a stopped session (0 = not at all, as it should be). */
  setLag(ms: number): void {
    this.lagMs = ms;
    if (ms === 0) this.ghosts = [];
  }

  /** What /status/sessions reports: the live sessions plus, in lagging mode, recently stopped ones. */
  reported(): readonly SimSession[] {
    if (this.ghosts.length === 0) return this.sessions;
    const now = this.now();
    this.ghosts = this.ghosts.filter((g) => g.until > now);
    return [...this.sessions, ...this.ghosts.map((g) => g.session)];
  }

  /**
   * Restores the two initial sessions: a movie `playing` on the living-room TV (admin) and an episode `paused`
   * on Alice's iPad, so tests always start from the same known state.
   */
  reset(): void {
    const c = this.catalog;
    this.nextKey = 43;
    this.lagMs = 0;
    this.ghosts = [];
    const movie = c.movies[0];
    const episode = c.episodes.at(-1);
    const [admin, alice] = c.accounts;
    const [tv, ipad] = c.players;
    if (!movie || !episode || !admin || !alice || !tv || !ipad)
      throw new Error('catalog too small for sessions');
    this.sessions = [
      {
        sessionKey: '41',
        sessionId: 'k3v9q2x7m1p8r4t6w0y5z2ab',
        ratingKey: movie.ratingKey,
        viewOffset: Math.floor((movie.duration ?? 0) * 0.35),
        state: 'playing',
        userId: admin.id,
        userTitle: admin.name,
        userThumb: admin.thumb,
        player: tv,
        location: 'lan',
        bandwidth: 21_000,
        transcoding: false,
      },
      {
        sessionKey: '42',
        sessionId: 'p0c4n8e2d6f1h5j9l3q7s2uv',
        ratingKey: episode.ratingKey,
        viewOffset: Math.floor((episode.duration ?? 0) * 0.6),
        state: 'paused',
        userId: alice.id,
        userTitle: alice.name,
        userThumb: alice.thumb,
        player: ipad,
        location: 'wan',
        bandwidth: 4_200,
        transcoding: true,
      },
    ];
  }

  list(): readonly SimSession[] {
    return this.sessions;
  }

  item(session: SimSession): SimItem {
    const item = this.catalog.byRatingKey.get(session.ratingKey);
    if (!item) throw new Error(`session ${session.sessionKey} points at unknown item ${session.ratingKey}`);
    return item;
  }

  findPlayer(machineIdentifier: string): SimPlayer | undefined {
    return this.catalog.players.find((p) => p.machineIdentifier === machineIdentifier);
  }

  /**
   * Applies a player command to the session on that player (if any). Returns false when the player has no
   * session: PMS still forwards the command and answers 200, there is just nothing to change.
   */
  apply(machineIdentifier: string, command: PlayerCommand, offsetMs?: number): CommandEffect {
    const index = this.sessions.findIndex((s) => s.player.machineIdentifier === machineIdentifier);
    const session = this.sessions[index];
    if (!session) return { session: undefined, stopped: false };
    switch (command) {
      case 'play':
        session.state = 'playing';
        break;
      case 'pause':
        session.state = 'paused';
        break;
      case 'stop':
        this.sessions.splice(index, 1);
        if (this.lagMs > 0) this.ghosts.push({ session: { ...session }, until: this.now() + this.lagMs });
        break;
      case 'seekTo': {
        const duration = this.item(session).duration ?? Number.MAX_SAFE_INTEGER;
        session.viewOffset = Math.max(0, Math.min(duration, Math.floor(offsetMs ?? 0)));
        break;
      }
    }
    return { session, stopped: command === 'stop' };
  }

  /**
   * playMedia: the player starts `item` at `offsetMs` for the token's account (the controller asking), replacing
   * whatever that player was playing, as a real player does.
   */
  start(
    player: SimPlayer,
    item: SimItem,
    offsetMs: number,
    account: SimCatalog['accounts'][number],
  ): { session: SimSession; replaced: SimSession[] } {
    const replaced = this.sessions.filter((s) => s.player.machineIdentifier === player.machineIdentifier);
    this.sessions = this.sessions.filter((s) => s.player.machineIdentifier !== player.machineIdentifier);
    const key = this.nextKey++;
    const session: SimSession = {
      sessionKey: String(key),
      sessionId: `sim${String(key).padStart(4, '0')}${player.machineIdentifier
        .replace(/[^a-z0-9]/gi, '')
        .slice(0, 17)
        .toLowerCase()}`,
      ratingKey: item.ratingKey,
      viewOffset: Math.max(0, Math.min(item.duration ?? 0, Math.floor(offsetMs))),
      state: 'playing',
      userId: account.id,
      userTitle: account.name,
      userThumb: account.thumb,
      player,
      location: 'lan',
      bandwidth: Math.max(1_000, Math.round((item.Media?.[0]?.bitrate ?? 8_000) * 1.2)),
      transcoding: false,
    };
    this.sessions.push(session);
    return { session, replaced };
  }
}
