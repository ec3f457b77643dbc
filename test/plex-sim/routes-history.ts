// Playback history (REFERENCE.md §3.9): GET /status/sessions/history/all with accountID, librarySectionID,
// metadataItemID and viewedAt>= / viewedAt> / viewedAt<= filters, sort=viewedAt:desc|asc and paging;
// GET|DELETE /status/sessions/history/{id}.

import { type HistoryFilter, historyMetadata, type SimHistoryEntry } from './history.ts';
import { BadRequestError } from './queries.ts';
import { type Handler, HttpError, paged, type Route, type RouteContext } from './route-kit.ts';

function integer(value: string | null, name: string): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^-?\d+$/.test(value)) throw new BadRequestError(`${name} must be an integer`);
  return Number(value);
}

/**
 * `viewedAt>=123` arrives as the query key `viewedAt>` with value `=123`; `viewedAt>123` as key `viewedAt>` and
 * value `123` (plexapi's form). Same for `<`.
 */
function bound(ctx: RouteContext, op: '>' | '<'): { value: number; exclusive: boolean } | undefined {
  const raw = ctx.query.get(`viewedAt${op}`);
  if (raw === null) return undefined;
  const inclusive = raw.startsWith('=');
  const value = integer(inclusive ? raw.slice(1) : raw, `viewedAt${op}`);
  return value === undefined ? undefined : { value, exclusive: !inclusive };
}

function filterOf(ctx: RouteContext): HistoryFilter {
  const exact = integer(ctx.query.get('viewedAt'), 'viewedAt');
  return {
    // Only the owner's token reads everyone's history (EVENTS-AND-ACCOUNTS.md); anyone else gets their own.
    accountID: ctx.viewerAccountID ?? integer(ctx.query.get('accountID'), 'accountID'),
    librarySectionID: integer(ctx.query.get('librarySectionID'), 'librarySectionID'),
    metadataItemID: ctx.query.get('metadataItemID') ?? undefined,
    viewedAtMin: bound(ctx, '>') ?? (exact === undefined ? undefined : { value: exact, exclusive: false }),
    viewedAtMax: bound(ctx, '<') ?? (exact === undefined ? undefined : { value: exact, exclusive: false }),
  };
}

function render(ctx: RouteContext, entries: SimHistoryEntry[]) {
  return entries.flatMap((entry) => {
    const item = ctx.catalog.byRatingKey.get(entry.ratingKey);
    return item ? [historyMetadata(entry, item)] : [];
  });
}

const historyAll: Handler = (ctx) => {
  const sort = ctx.query.get('sort') ?? 'viewedAt:desc';
  if (!/^viewedAt(:(asc|desc))?$/.test(sort.split(',')[0] ?? ''))
    throw new BadRequestError(`unsupported sort ${sort}`);
  const ascending = !sort.split(',')[0]?.endsWith(':desc');
  // Entries of sections not shared with this token are not theirs to see, and not counted either.
  const entries = ctx.history
    .list(filterOf(ctx), ascending)
    .filter((e) => ctx.catalog.byRatingKey.has(e.ratingKey));
  const { page, fields, headers } = paged(ctx, entries);
  const body: Record<string, unknown> = { ...fields };
  if (page.length > 0) body.Metadata = render(ctx, page);
  return { body: { MediaContainer: body }, headers };
};

const historyOne: Handler = (ctx, [id = '']) => {
  const entry = ctx.history.get(Number(id));
  const visible =
    entry !== undefined &&
    (ctx.viewerAccountID === undefined || entry.accountID === ctx.viewerAccountID) &&
    ctx.catalog.byRatingKey.has(entry.ratingKey);
  if (!entry || !visible) throw new HttpError(404, `no history entry ${id}`);
  if (ctx.method === 'DELETE') {
    ctx.history.remove(entry.historyId);
    return {};
  }
  return { body: { MediaContainer: { size: 1, Metadata: render(ctx, [entry]) } } };
};

export const HISTORY_ROUTES: readonly Route[] = [
  { pattern: /^\/status\/sessions\/history\/all$/, methods: ['GET', 'HEAD'], handler: historyAll },
  {
    pattern: /^\/status\/sessions\/history\/(\d+)$/,
    methods: ['GET', 'HEAD', 'DELETE'],
    handler: historyOne,
  },
];
