// The Plex Media Server simulator: an in-process HTTP server that answers like PMS (token check, 401/404
// with HTML bodies, JSON only for `Accept: application/json`, XML otherwise), plus test hooks under /__sim/
// (request counts, fault injection, reset) that need no token. See README.md in this folder.

import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { generateCatalog, type SimCatalog, type SimItem } from './catalog.ts';
import {
  DEFAULT_HEARTBEAT_MS,
  EventHub,
  playingNotification,
  type SimStreamFault,
  StreamFaultSchema,
  TIMELINE_STATE,
  timelineNotification,
} from './events.ts';
import { HistoryStore, type SimHistoryEntry } from './history.ts';
import { type AddItemOptions, LibraryChanges } from './library-changes.ts';
import { personViewer, type SimPersonOptions, type SimViewer } from './people.ts';
import { PlaylistStore, type SimPlaylist } from './playlists.ts';
import { HttpError, ROUTES, type RouteContext, UNAUTHENTICATED_PATHS } from './plex-routes.ts';
import { BadRequestError } from './queries.ts';
import { DEFAULT_SCAN_STEP_MS, ScanRunner } from './scans.ts';
import { SessionStore, type SimSession } from './sessions.ts';
import { WatchStore } from './watch-state.ts';
import { toXml } from './xml.ts';

export type { SimCatalog, SimItem } from './catalog.ts';
export type { SimStreamFault } from './events.ts';
export type { SimHistoryEntry } from './history.ts';
export type { SimPersonOptions } from './people.ts';
export type { SimPlaylist } from './playlists.ts';
export type { SimSession } from './sessions.ts';

export const FaultSchema = z.strictObject({
  mode: z.enum(['none', 'down', 'slow', 'error', 'garbage']),
  delay_ms: z.number().int().min(0).max(600_000).optional(),
});
export type SimFault = z.infer<typeof FaultSchema>;

/** How long `slow` delays every response when delay_ms is not given. */
export const DEFAULT_SLOW_DELAY_MS = 5000;

export interface PlexSimulatorOptions {
  /** 0 (default) = a free port. */
  port?: number;
  host?: string;
  token: string;
  /** Movies + episodes + tracks + photos (default 200). */
  items?: number;
  seed?: number;
  /**
   * The simulator's start (ms since the epoch; default: now). Catalog dates are offsets from it, so the same seed
   * and start give the same catalog, and "added this week" is never empty.
   */
  startedAt?: number;
  /** Clock for what requests change (history entries, ratings, playlists); default Date.now. */
  clock?: () => number;
  /**
   * People other than the owner, each with their own token, watch state, ratings, playlists and shared sections
   * (people.ts). Their history and `/status/sessions/history` answers hold only their own entries.
   */
  people?: SimPersonOptions[];
  /** How often open event streams get a `ping` (default 10 s). */
  heartbeatMs?: number;
  /** Time between a scan's progress steps (default 150 ms). */
  scanStepMs?: number;
}

/** One handled Plex request, for tests that check what a client sent. Never holds the token value. */
export interface SimRequestRecord {
  method: string;
  path: string;
  query: string;
  status: number;
  tokenPresent: boolean;
  clientIdentifier?: string;
  accept?: string;
}

export interface PlexSimulator {
  url: string;
  port: number;
  token: string;
  machineIdentifier: string;
  catalog: SimCatalog;
  close(): Promise<void>;
  requestCounts(): Record<string, number>;
  resetRequestCounts(): void;
  setFault(fault: SimFault): void;
  /** Restores the initial sessions, watch state, history and playlists; clears counters, the request log and faults. */
  reset(): void;
  /** The last requests (at most 1000), oldest first. The token value is never recorded. */
  requestLog(): SimRequestRecord[];
  /** The current playback sessions (copies), as player commands have left them. */
  sessions(): SimSession[];
  /** Every history entry (copies), newest first. */
  history(): SimHistoryEntry[];
  /** The current playlists (copies) of the owner, or of the person with this accountID. */
  playlists(accountID?: number): SimPlaylist[];
  /** The catalog as the person with this accountID sees it (their watch state, their sections). */
  catalogOf(accountID: number): SimCatalog;
  /** A person's access token stops working (they changed their password, the owner removed the share): 401. */
  revokeToken(personToken: string): void;
  /** Event-stream faults (refuse, drop, stall); reset() clears them. */
  setStreamFault(fault: SimStreamFault): void;
  /** Open event-stream connections. */
  streamConnections(): number;
  /** Every event published since the last reset (copies, oldest first, pings left out). */
  publishedEvents(): Record<string, unknown>[];
  /** The lagging session list: /status/sessions keeps a stopped stream this long (0 = off). */
  setSessionListLag(ms: number): void;
  /** A new movie appears in the library (timeline events: created, then finished); the owner's copy. */
  addItem(options?: AddItemOptions): SimItem;
  /** A movie disappears from the library (timeline event: deleted). */
  removeItem(ratingKey: string): void;
  /** Scans that have ended since the last reset. */
  scansFinished(): number;
}

const REQUEST_LOG_LIMIT = 1000;

function htmlError(status: number, title: string): string {
  return `<html><head><title>${title}</title></head><body><h1>${status} ${title}</h1></body></html>`;
}

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
};

export async function startPlexSimulator(options: PlexSimulatorOptions): Promise<PlexSimulator> {
  if (!options.token) throw new Error('startPlexSimulator: token is required');
  const token = options.token;
  const clock = options.clock ?? Date.now;
  const startedAt = options.startedAt ?? clock();
  const catalog = generateCatalog({
    items: options.items,
    seed: options.seed,
    now: Math.floor(startedAt / 1000),
  });
  const sessions = new SessionStore(catalog, clock);
  const events = new EventHub(options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  const scans = new ScanRunner({
    catalog,
    events,
    stepMs: options.scanStepMs ?? DEFAULT_SCAN_STEP_MS,
    now: clock,
  });
  const watch = new WatchStore(catalog, clock);
  const history = new HistoryStore(catalog);
  const playlists = new PlaylistStore(catalog, clock);
  const ownerAccount = catalog.accounts[0]?.id ?? 1;
  const viewers = new Map<string, SimViewer>([
    [token, { accountID: ownerAccount, owner: true, catalog, watch, playlists }],
  ]);
  for (const person of options.people ?? []) {
    if (viewers.has(person.token)) throw new Error('startPlexSimulator: every person needs their own token');
    viewers.set(
      person.token,
      personViewer({ items: options.items, seed: options.seed, now: catalog.now }, person, clock),
    );
    if (!catalog.accounts.some((a) => a.id === person.accountID)) {
      const template = catalog.accounts[catalog.accounts.length - 1];
      if (template)
        catalog.accounts.push({
          ...template,
          id: person.accountID,
          key: `/accounts/${person.accountID}`,
          name: person.name,
        });
    }
  }
  const library = new LibraryChanges(() => [...new Set([...viewers.values()].map((v) => v.catalog))], clock);
  const viewerOf = (accountID: number): SimViewer => {
    const found = [...viewers.values()].find((v) => v.accountID === accountID);
    if (!found) throw new Error(`plex-sim: no person with accountID ${accountID}`);
    return found;
  };
  const counts = new Map<string, number>();
  let log: SimRequestRecord[] = [];
  let fault: SimFault = { mode: 'none' };
  const closing = new AbortController();

  const sendError = (res: ServerResponse, status: number, extraHeaders: Record<string, string> = {}) => {
    const body = htmlError(status, STATUS_TITLES[status] ?? 'Error');
    res.writeHead(status, {
      'Content-Type': 'text/html',
      'Content-Length': Buffer.byteLength(body),
      ...extraHeaders,
    });
    res.end(body);
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };

  const handleSimHook = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (req.method === 'GET' && path === '/__sim/requests')
      return sendJson(res, 200, Object.fromEntries(counts));
    if (req.method === 'GET' && path === '/__sim/log') return sendJson(res, 200, log);
    if (req.method === 'POST' && path === '/__sim/reset') {
      api.reset();
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === 'POST' && path === '/__sim/faults') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return sendJson(res, 400, { error: 'body must be JSON' });
      }
      const result = FaultSchema.safeParse(parsed);
      if (!result.success) return sendJson(res, 400, { error: z.prettifyError(result.error) });
      fault = result.data;
      return sendJson(res, 200, { ok: true, fault });
    }
    if (req.method === 'POST' && path === '/__sim/stream-faults') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const result = StreamFaultSchema.safeParse(safeJson(Buffer.concat(chunks).toString('utf8')));
      if (!result.success) return sendJson(res, 400, { error: z.prettifyError(result.error) });
      events.setFault(result.data);
      return sendJson(res, 200, { ok: true, fault: result.data });
    }
    return sendJson(res, 404, { error: `unknown hook ${req.method} ${path}` });
  };

  const handlePlex = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const path = url.pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const header = (name: string): string | undefined => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    };
    const plexParam = (name: string) => url.searchParams.get(name) ?? header(name);
    const presentedToken = plexParam('X-Plex-Token');
    const record: SimRequestRecord = {
      method: req.method ?? 'GET',
      path,
      query: redactToken(url.searchParams),
      status: 0,
      tokenPresent: presentedToken !== undefined,
      clientIdentifier: plexParam('X-Plex-Client-Identifier'),
      accept: header('accept'),
    };
    log.push(record);
    if (log.length > REQUEST_LOG_LIMIT) log = log.slice(-REQUEST_LOG_LIMIT);
    res.once('finish', () => {
      record.status = res.statusCode;
    });

    const current = fault;
    if (current.mode === 'down') {
      // Like a dead server: the connection ends without any HTTP response.
      req.socket.destroy();
      return;
    }
    if (current.mode === 'slow') {
      try {
        await delay(current.delay_ms ?? DEFAULT_SLOW_DELAY_MS, undefined, { signal: closing.signal });
      } catch {
        req.socket.destroy();
        return;
      }
    }
    if (current.mode === 'error') return sendError(res, 500);
    if (path === EVENT_STREAM_PATH) {
      if (current.mode === 'garbage') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        return res.end('event: playing\ndata: {"NotificationContainer": <html>\n\n');
      }
      const streamViewer = presentedToken === undefined ? undefined : viewers.get(presentedToken);
      if (!streamViewer) return sendError(res, 401);
      if (req.method !== 'GET') return sendError(res, 405);
      if (!events.open(res, url.searchParams.get('filters'))) return sendError(res, 404);
      return;
    }
    if (current.mode === 'garbage') {
      const body = '{"MediaContainer": {"size": 3, "Metadata": [ <html>oops';
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      return res.end(body);
    }

    const viewer = presentedToken === undefined ? undefined : viewers.get(presentedToken);
    if (!UNAUTHENTICATED_PATHS.has(path) && !viewer) return sendError(res, 401);
    const as = viewer ?? (viewers.get(token) as SimViewer);

    const route = ROUTES.find((r) => r.pattern.test(path));
    if (!route) return sendError(res, 404);
    if (!route.methods.includes(req.method ?? 'GET')) return sendError(res, 405);
    const params = (route.pattern.exec(path) ?? []).slice(1);
    const ctx: RouteContext = {
      catalog: as.catalog,
      sessions,
      watch: as.watch,
      history,
      playlists: as.playlists,
      events,
      scans,
      ...(as.owner ? {} : { viewerAccountID: as.accountID }),
      watchOf: (accountID) => [...viewers.values()].find((v) => v.accountID === accountID),
      now: clock,
      method: req.method ?? 'GET',
      query: url.searchParams,
      plexParam,
    };
    let result: ReturnType<typeof route.handler>;
    try {
      result = route.handler(ctx, params);
    } catch (error) {
      if (error instanceof HttpError) return sendError(res, error.status);
      if (error instanceof BadRequestError) return sendError(res, 400);
      throw error;
    }
    if (result.binary) {
      res.writeHead(200, {
        'Content-Type': result.binary.contentType,
        'Content-Length': result.binary.data.length,
        'X-Plex-Protocol': '1.0',
      });
      return res.end(req.method === 'HEAD' ? undefined : result.binary.data);
    }
    const status = result.status ?? 200;
    if (result.body === undefined) {
      res.writeHead(status, { 'Content-Length': 0, 'X-Plex-Protocol': '1.0', ...result.headers });
      return res.end();
    }
    const wantsJson = (header('accept') ?? '').includes('application/json');
    const text = wantsJson ? JSON.stringify(result.body) : toXml(result.body);
    res.writeHead(status, {
      'Content-Type': wantsJson ? 'application/json' : 'text/xml;charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'X-Plex-Protocol': '1.0',
      ...result.headers,
    });
    res.end(req.method === 'HEAD' ? undefined : text);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://plex.invalid');
    const work = url.pathname.startsWith('/__sim/')
      ? handleSimHook(req, res, url.pathname)
      : handlePlex(req, res, url);
    work.catch(() => {
      if (!res.headersSent) sendError(res, 500);
      else res.destroy();
    });
  });
  // Keep-alive connections must not hold close() open for long.
  server.keepAliveTimeout = 5000;
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const api: PlexSimulator = {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    token,
    machineIdentifier: catalog.server.machineIdentifier,
    catalog,
    async close() {
      closing.abort();
      events.stop();
      scans.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    requestCounts: () => Object.fromEntries(counts),
    resetRequestCounts: () => {
      counts.clear();
      log = [];
    },
    setFault(next) {
      fault = FaultSchema.parse(next);
    },
    reset() {
      scans.stop();
      library.reset();
      events.reset();
      sessions.reset();
      // The restored sessions start, as far as event-stream listeners can tell.
      for (const session of sessions.list())
        events.publish(
          'playing',
          playingNotification(session, session.state, catalog.server.machineIdentifier),
        );
      history.reset();
      for (const v of viewers.values()) {
        v.watch.reset();
        v.playlists.reset();
      }
      counts.clear();
      log = [];
      fault = { mode: 'none' };
    },
    requestLog: () => log.map((r) => ({ ...r })),
    sessions: () => sessions.list().map((session) => ({ ...session })),
    history: () => history.list({}).map((entry) => ({ ...entry })),
    playlists: (accountID = ownerAccount) =>
      viewerOf(accountID)
        .playlists.list({})
        .map((p) => ({ ...p, items: p.items.map((i) => ({ ...i })) })),
    catalogOf: (accountID) => viewerOf(accountID).catalog,
    revokeToken(personToken) {
      if (personToken === token) throw new Error('revokeToken: the owner token stays (PLEX_TOKEN)');
      viewers.delete(personToken);
    },
    setStreamFault: (next) => events.setFault(next),
    streamConnections: () => events.connections(),
    publishedEvents: () => events.history(),
    setSessionListLag: (ms) => sessions.setLag(ms),
    addItem(addOptions) {
      const item = library.addMovie(addOptions);
      // PMS announces a new item as created, then again once its metadata is in (finished).
      events.publish('timeline', timelineNotification(item, TIMELINE_STATE.created, item.addedAt));
      events.publish('timeline', timelineNotification(item, TIMELINE_STATE.finished, item.updatedAt));
      return item;
    },
    removeItem(ratingKey) {
      const item = library.removeMovie(ratingKey);
      events.publish(
        'timeline',
        timelineNotification(item, TIMELINE_STATE.deleted, Math.floor(clock() / 1000)),
      );
    },
    scansFinished: () => scans.finished(),
  };
  return api;
}

/** Plex's Server-Sent Events endpoint (events.ts). */
export const EVENT_STREAM_PATH = '/:/eventsource/notifications';

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The query string with any token value replaced, so logs and records never carry it. */
function redactToken(params: URLSearchParams): string {
  const copy = new URLSearchParams(params);
  if (copy.has('X-Plex-Token')) copy.set('X-Plex-Token', '<redacted>');
  return copy.toString();
}
