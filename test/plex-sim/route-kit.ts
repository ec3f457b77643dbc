// The plumbing route modules share: the handler contract, PMS-style errors and paging, and the container
// envelope. Route tables (plex-routes.ts for the read endpoints, routes-*.ts for the others) build on it.

import type { SimCatalog, SimItem, SimSection } from './catalog.ts';
import type { EventHub } from './events.ts';
import type { HistoryStore } from './history.ts';
import type { PlaylistStore } from './playlists.ts';
import { BadRequestError } from './queries.ts';
import {
  type Json,
  LIBRARY_IDENTIFIER,
  listMetadata,
  MEDIA_TAG_PREFIX,
  MEDIA_TAG_VERSION,
} from './render.ts';
import type { ScanRunner } from './scans.ts';
import type { SessionStore } from './sessions.ts';
import type { WatchStore } from './watch-state.ts';

/** An HTTP error with PMS's kind of HTML body. */
export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface RouteContext {
  catalog: SimCatalog;
  sessions: SessionStore;
  watch: WatchStore;
  history: HistoryStore;
  playlists: PlaylistStore;
  /** The event stream: routes that change state publish what changed. */
  events: EventHub;
  scans: ScanRunner;
  /** Set for a token other than the owner's: that person sees only their own history. */
  viewerAccountID?: number;
  /** The watch state (and catalog) of an account with a token of its own; undefined for the others. */
  watchOf(accountID: number): { watch: WatchStore; catalog: SimCatalog } | undefined;
  /** The simulator's clock (ms), for timestamps of what requests change. */
  now(): number;
  method: string;
  query: URLSearchParams;
  /** An X-Plex-* value from the query string or, failing that, the header (PMS accepts both). */
  plexParam(name: string): string | undefined;
}

export interface RouteResult {
  /** Absent for an empty answer (PMS's 200 to a scrobble, 204 to a delete). */
  body?: Json;
  /** 200 unless set. */
  status?: number;
  /** A binary answer (an image) sent as is instead of `body`. */
  binary?: { contentType: string; data: Buffer };
  headers?: Record<string, string>;
}

export type Handler = (ctx: RouteContext, params: string[]) => RouteResult;

export interface Route {
  pattern: RegExp;
  methods: readonly string[];
  handler: Handler;
}

export const READ = ['GET', 'HEAD'] as const;
/** PMS accepts player commands with GET (plexapi) as well as POST/PUT. */
export const COMMAND = ['GET', 'HEAD', 'POST', 'PUT'] as const;

export const container = (fields: Json): RouteResult => ({ body: { MediaContainer: fields } });

export function parseNonNegativeInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new BadRequestError(`${name} must be a non-negative integer`);
  return Number(value);
}

/**
 * PMS paging: X-Plex-Container-Start/Size (query or header) page within the result, `limit` caps it first
 * (and then totalSize is min(limit, total), see description.md). `defaultSize` bounds unpaged answers.
 */
export function paged<T>(ctx: RouteContext, items: T[], defaultSize?: number) {
  const start = parseNonNegativeInt(ctx.plexParam('X-Plex-Container-Start'), 'X-Plex-Container-Start') ?? 0;
  const size = parseNonNegativeInt(ctx.plexParam('X-Plex-Container-Size'), 'X-Plex-Container-Size');
  const limit =
    parseNonNegativeInt(ctx.query.get('limit') ?? undefined, 'limit') ??
    parseNonNegativeInt(ctx.query.get('count') ?? undefined, 'count');
  const bounded = limit === undefined ? items : items.slice(0, limit);
  const effectiveSize = size ?? (limit === undefined ? defaultSize : undefined);
  const page = bounded.slice(start, effectiveSize === undefined ? undefined : start + effectiveSize);
  return {
    page,
    fields: { size: page.length, totalSize: bounded.length, offset: start },
    headers: {
      'X-Plex-Container-Start': String(start),
      'X-Plex-Container-Total-Size': String(bounded.length),
    },
  };
}

export function findSection(ctx: RouteContext, id: string): SimSection {
  const section = ctx.catalog.sections.find((s) => s.key === id);
  if (!section) throw new HttpError(404, `no section ${id}`);
  return section;
}

export function findItem(ctx: RouteContext, ratingKey: string): SimItem {
  const item = ctx.catalog.byRatingKey.get(ratingKey);
  if (!item) throw new HttpError(404, `no item ${ratingKey}`);
  return item;
}

export function libraryFields(section?: SimSection): Json {
  return {
    allowSync: true,
    identifier: LIBRARY_IDENTIFIER,
    mediaTagPrefix: MEDIA_TAG_PREFIX,
    mediaTagVersion: MEDIA_TAG_VERSION,
    ...(section
      ? {
          librarySectionID: Number(section.key),
          librarySectionTitle: section.title,
          librarySectionUUID: section.uuid,
        }
      : {}),
  };
}

export const wantsGuids = (ctx: RouteContext) => ctx.query.get('includeGuids') === '1';

export function listContainer(
  ctx: RouteContext,
  items: SimItem[],
  extra: Json,
  defaultSize?: number,
): RouteResult {
  const { page, fields, headers } = paged(ctx, items, defaultSize);
  const guids = wantsGuids(ctx);
  const body: Json = { ...fields, ...extra };
  if (page.length > 0) body.Metadata = page.map((item) => listMetadata(item, { guids }));
  return { body: { MediaContainer: body }, headers };
}
