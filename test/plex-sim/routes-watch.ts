// Watch state and ratings (REFERENCE.md §3.10): /:/scrobble and /:/unscrobble (GET or PUT, 200 with an empty
// body, no history entry) and PUT /:/rate (0-10). They act for the token's account.

import { BadRequestError } from './queries.ts';
import { LIBRARY_IDENTIFIER } from './render.ts';
import { type Handler, HttpError, type Route, type RouteContext } from './route-kit.ts';

const WRITE = ['GET', 'PUT'] as const;

function target(ctx: RouteContext) {
  const identifier = ctx.query.get('identifier');
  if (identifier === null) throw new BadRequestError('identifier is required');
  if (identifier !== LIBRARY_IDENTIFIER) throw new HttpError(404, `no provider ${identifier}`);
  const key = ctx.query.get('key');
  if (key === null || !/^\d+$/.test(key)) throw new BadRequestError('key must be a ratingKey');
  const item = ctx.catalog.byRatingKey.get(key);
  if (!item) throw new HttpError(404, `no item ${key}`);
  return item;
}

const scrobble: Handler = (ctx) => {
  ctx.watch.scrobble(target(ctx));
  return {};
};

const unscrobble: Handler = (ctx) => {
  ctx.watch.unscrobble(target(ctx));
  return {};
};

const rate: Handler = (ctx) => {
  const item = target(ctx);
  const raw = ctx.query.get('rating');
  const rating = raw === null || raw.trim() === '' ? Number.NaN : Number(raw);
  // -1 clears a rating (plexapi rate(None)); anything else must be 0-10.
  if (!(rating === -1 || (rating >= 0 && rating <= 10))) throw new BadRequestError('rating must be 0-10');
  ctx.watch.rate(item, rating);
  return {};
};

export const WATCH_ROUTES: readonly Route[] = [
  { pattern: /^\/:\/scrobble$/, methods: WRITE, handler: scrobble },
  { pattern: /^\/:\/unscrobble$/, methods: WRITE, handler: unscrobble },
  { pattern: /^\/:\/rate$/, methods: WRITE, handler: rate },
];
