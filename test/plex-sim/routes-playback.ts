// Player commands proxied through the server (REFERENCE.md §3.8): play/pause/stop/seekTo on the session of the
// player named by X-Plex-Target-Client-Identifier, and playMedia, which starts an item there. Playback that stops
// at 90% or later is a view: it adds a history entry and marks the item watched; earlier, it leaves a resume point.

import { playingNotification } from './events.ts';
import { BadRequestError } from './queries.ts';
import {
  COMMAND,
  type Handler,
  HttpError,
  parseNonNegativeInt,
  type Route,
  type RouteContext,
} from './route-kit.ts';
import type { PlayerCommand, SimSession } from './sessions.ts';

/** PMS counts a playback as watched from 90% on (its default "video played threshold"). */
export const WATCHED_THRESHOLD = 0.9;

function targetPlayer(ctx: RouteContext) {
  const target = ctx.plexParam('X-Plex-Target-Client-Identifier');
  if (!target) throw new HttpError(400, 'X-Plex-Target-Client-Identifier is required');
  const player = ctx.sessions.findPlayer(target);
  if (!player) throw new HttpError(404, `no client ${target}`);
  return player;
}

/** A stopped session: a view (history + watched) from the threshold on, else a resume point, in the watcher's own state. */
function recordStop(ctx: RouteContext, session: SimSession): void {
  const item = ctx.sessions.item(session);
  const duration = item.duration ?? 0;
  // The watch state of whoever was watching, when they have a token (and so a state) of their own.
  const watcher = ctx.watchOf(session.userId);
  const own = watcher?.catalog.byRatingKey.get(item.ratingKey);
  if (duration > 0 && session.viewOffset >= duration * WATCHED_THRESHOLD) {
    const device = ctx.catalog.players.indexOf(session.player) + 1;
    ctx.history.add({
      ratingKey: item.ratingKey,
      accountID: session.userId,
      deviceID: device,
      viewedAt: Math.floor(ctx.now() / 1000),
    });
    if (watcher && own) watcher.watch.scrobble(own);
  } else if (watcher && own && session.viewOffset > 0) {
    watcher.watch.progress(own, session.viewOffset);
  }
}

/** PMS tells event-stream listeners about every state change of a session, `stopped` included. */
function publishState(ctx: RouteContext, session: SimSession, state: SimSession['state'] | 'stopped'): void {
  ctx.events.publish('playing', playingNotification(session, state, ctx.catalog.server.machineIdentifier));
}

const playerCommand: Handler = (ctx, [command = '']) => {
  const player = targetPlayer(ctx);
  let offset: number | undefined;
  if (command === 'seekTo') {
    offset = parseNonNegativeInt(ctx.query.get('offset') ?? undefined, 'offset');
    if (offset === undefined) throw new BadRequestError('offset is required');
  }
  const effect = ctx.sessions.apply(player.machineIdentifier, command as PlayerCommand, offset);
  if (effect.stopped && effect.session) recordStop(ctx, effect.session);
  if (effect.session) publishState(ctx, effect.session, effect.stopped ? 'stopped' : effect.session.state);
  return { body: { Response: { code: 200, status: 'OK' } } };
};

/** `playMedia?key=/library/metadata/<id>&offset=&machineIdentifier=<server>&type=…` (plexapi playMedia). */
const playMedia: Handler = (ctx) => {
  const player = targetPlayer(ctx);
  const key = ctx.query.get('key') ?? '';
  const match = /^\/library\/metadata\/(\d+)$/.exec(key);
  if (!match?.[1]) throw new BadRequestError('key must be /library/metadata/<ratingKey>');
  const machine = ctx.query.get('machineIdentifier');
  if (machine !== null && machine !== ctx.catalog.server.machineIdentifier)
    throw new BadRequestError('machineIdentifier is not this server');
  const item = ctx.catalog.byRatingKey.get(match[1]);
  if (!item) throw new HttpError(404, `no item ${match[1]}`);
  if (item.duration === undefined) throw new BadRequestError(`item ${item.ratingKey} is not playable`);
  const owner = ctx.catalog.accounts[0];
  if (!owner) throw new Error('catalog has no accounts');
  const offset = parseNonNegativeInt(ctx.query.get('offset') ?? undefined, 'offset') ?? 0;
  const { session, replaced } = ctx.sessions.start(player, item, offset, owner);
  for (const old of replaced) publishState(ctx, old, 'stopped');
  publishState(ctx, session, 'playing');
  return { body: { Response: { code: 200, status: 'OK' } } };
};

export const PLAYBACK_ROUTES: readonly Route[] = [
  { pattern: /^\/player\/playback\/(play|pause|stop|seekTo)$/, methods: COMMAND, handler: playerCommand },
  { pattern: /^\/player\/playback\/playMedia$/, methods: COMMAND, handler: playMedia },
];
