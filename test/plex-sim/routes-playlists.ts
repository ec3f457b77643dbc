// Playlists (REFERENCE.md §3.11): list, one, items (with playlistItemID), create from a uri, add (PUT items),
// remove one entry by playlistItemID, delete.

import type { SimPlaylist } from './playlists.ts';
import { BadRequestError } from './queries.ts';
import { type Json, listMetadata } from './render.ts';
import {
  type Handler,
  HttpError,
  paged,
  type Route,
  type RouteContext,
  type RouteResult,
} from './route-kit.ts';

function findPlaylist(ctx: RouteContext, id: string): SimPlaylist {
  const playlist = ctx.playlists.get(id);
  if (!playlist) throw new HttpError(404, `no playlist ${id}`);
  return playlist;
}

export function playlistMetadata(ctx: RouteContext, p: SimPlaylist): Json {
  const items = ctx.playlists.itemsOf(p);
  const out: Json = {
    ratingKey: p.ratingKey,
    key: `/playlists/${p.ratingKey}/items`,
    guid: p.guid,
    type: 'playlist',
    title: p.title,
    summary: p.summary,
    smart: p.smart,
    playlistType: p.playlistType,
    composite: `/playlists/${p.ratingKey}/composite/${p.updatedAt}`,
    duration: items.reduce((ms, { item }) => ms + (item.duration ?? 0), 0),
    leafCount: items.length,
    addedAt: p.addedAt,
    updatedAt: p.updatedAt,
  };
  if (p.smart) {
    out.icon = 'playlist://image.smart';
    out.content = p.content;
  }
  return out;
}

function playlistContainer(ctx: RouteContext, list: SimPlaylist[]): RouteResult {
  const { page, fields, headers } = paged(ctx, list);
  const body: Json = { ...fields };
  if (page.length > 0) body.Metadata = page.map((p) => playlistMetadata(ctx, p));
  return { body: { MediaContainer: body }, headers };
}

function smartParam(ctx: RouteContext): boolean | undefined {
  const smart = ctx.query.get('smart');
  if (smart === null) return undefined;
  if (smart !== '0' && smart !== '1') throw new BadRequestError('smart must be 0 or 1');
  return smart === '1';
}

const playlists: Handler = (ctx) => {
  if (ctx.method === 'POST') {
    const created = ctx.playlists.create({
      title: ctx.query.get('title') ?? '',
      type: ctx.query.get('type') ?? '',
      smart: smartParam(ctx) ?? false,
      uri: ctx.query.get('uri') ?? undefined,
    });
    return playlistContainer(ctx, [created]);
  }
  const type = ctx.query.get('playlistType') ?? undefined;
  if (type !== undefined && !['audio', 'video', 'photo'].includes(type))
    throw new BadRequestError('playlistType must be audio, video or photo');
  return playlistContainer(ctx, ctx.playlists.list({ playlistType: type, smart: smartParam(ctx) }));
};

const playlist: Handler = (ctx, [id = '']) => {
  const found = findPlaylist(ctx, id);
  if (ctx.method === 'DELETE') {
    ctx.playlists.delete(found.ratingKey);
    return { status: 204 };
  }
  return playlistContainer(ctx, [found]);
};

const playlistItems: Handler = (ctx, [id = '']) => {
  const found = findPlaylist(ctx, id);
  if (ctx.method === 'PUT') {
    const uri = ctx.query.get('uri');
    if (!uri) throw new BadRequestError('uri is required');
    ctx.playlists.add(found, uri);
    return playlistContainer(ctx, [found]);
  }
  const { page, fields, headers } = paged(ctx, ctx.playlists.itemsOf(found));
  const body: Json = {
    ...fields,
    composite: `/playlists/${found.ratingKey}/composite/${found.updatedAt}`,
    leafCount: fields.totalSize,
    playlistType: found.playlistType,
    ratingKey: found.ratingKey,
    smart: found.smart,
    title: found.title,
  };
  if (page.length > 0)
    body.Metadata = page.map(({ item, playlistItemID }) => ({
      ...listMetadata(item),
      ...(playlistItemID === undefined ? {} : { playlistItemID }),
    }));
  return { body: { MediaContainer: body }, headers };
};

const playlistItem: Handler = (ctx, [id = '', itemId = '']) => {
  const found = findPlaylist(ctx, id);
  if (!ctx.playlists.removeItem(found, Number(itemId)))
    throw new HttpError(404, `no playlist item ${itemId}`);
  return playlistContainer(ctx, [found]);
};

export const PLAYLIST_ROUTES: readonly Route[] = [
  { pattern: /^\/playlists$/, methods: ['GET', 'HEAD', 'POST'], handler: playlists },
  { pattern: /^\/playlists\/(\d+)$/, methods: ['GET', 'HEAD', 'DELETE'], handler: playlist },
  { pattern: /^\/playlists\/(\d+)\/items$/, methods: ['GET', 'HEAD', 'PUT'], handler: playlistItems },
  { pattern: /^\/playlists\/(\d+)\/items\/(\d+)$/, methods: ['DELETE'], handler: playlistItem },
];
