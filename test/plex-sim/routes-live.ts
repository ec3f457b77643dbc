// Library scans and what runs on the server (REFERENCE.md §3.13): `GET|POST /library/sections/{id}/refresh`
// starts a scan of a section (`all` scans every section), `GET /activities` lists running activities. The scans
// themselves and their activity events are in scans.ts; the event stream itself is served by simulator.ts.

import { container, findSection, type Handler, HttpError, READ, type Route } from './route-kit.ts';

const refreshSection: Handler = (ctx, [id = '']) => {
  if (ctx.viewerAccountID !== undefined) throw new HttpError(401, 'only the owner may scan');
  const sections = id === 'all' ? ctx.catalog.sections : [findSection(ctx, id)];
  for (const section of sections) ctx.scans.start(section);
  return {};
};

const activities: Handler = (ctx) => {
  const list = ctx.scans.activities();
  return container({ size: list.length, ...(list.length > 0 ? { Activity: list } : {}) });
};

export const LIVE_ROUTES: readonly Route[] = [
  { pattern: /^\/library\/sections\/(\d+|all)\/refresh$/, methods: ['GET', 'POST'], handler: refreshSection },
  { pattern: /^\/activities$/, methods: READ, handler: activities },
];
