import { z } from 'zod';
import type { PlaybackSession } from '../domain/session.ts';
import { PlexNotFoundError } from '../plex/errors.ts';
import type { PlaybackCommand } from '../plex/plex-client.ts';
import { defineTool } from './define-tool.ts';
import { describeItem, describeSession, formatDuration } from './format-text.ts';
import { playerMatches } from './get-playback-status.ts';
import { ToolError } from './tool-error.ts';
import { invalidateAfterWrite, mediaKindOf } from './write-support.ts';

const ACTIONS = ['play', 'pause', 'stop', 'seek'] as const;
type Action = (typeof ACTIONS)[number];

const COMMAND_OF: Record<Action, PlaybackCommand> = {
  play: 'play',
  pause: 'pause',
  stop: 'stop',
  seek: 'seekTo',
};
const STATE_AFTER: Record<Action, string | undefined> = {
  play: 'playing',
  pause: 'paused',
  stop: 'stopped',
  seek: undefined,
};

function sessionChoice(s: PlaybackSession) {
  return {
    session_id: s.session_id,
    user: s.user,
    player: s.player.name,
    title: describeItem(s.media),
    state: s.state,
  };
}

/** The session a command targets: the given id (Session.id, sessionKey or player id), or the only one there is. */
function chooseSession(
  all: PlaybackSession[],
  sessionId: string | undefined,
  player: string | undefined,
): PlaybackSession {
  let sessions = all;
  if (player !== undefined) {
    sessions = all.filter((s) => playerMatches(s.player, player));
    if (sessions.length === 0) {
      throw new ToolError(
        'not_found',
        `player: nothing is playing on "${player}". ` +
          (all.length === 0 ? 'Nothing is playing.' : `Active: ${all.map(describeSession).join('; ')}`),
        { field: 'player', sessions: all.map(sessionChoice) },
      );
    }
  }
  if (sessionId !== undefined) {
    const found = sessions.find((s) => s.session_id === sessionId || s.player.id === sessionId);
    if (!found) {
      throw new ToolError(
        'not_found',
        `session_id: no active session "${sessionId}". ` +
          (sessions.length === 0
            ? 'Nothing is playing.'
            : `Active: ${sessions.map(describeSession).join('; ')}`),
        { field: 'session_id', sessions: sessions.map(sessionChoice) },
      );
    }
    return found;
  }
  const [only, ...others] = sessions;
  if (!only)
    throw new ToolError(
      'not_found',
      'Nothing is playing on Plex right now, so there is no session to control.',
    );
  if (others.length > 0) {
    throw new ToolError(
      'invalid_request',
      `session_id: ${sessions.length} sessions are active; say which one. ${sessions.map(describeSession).join('; ')}`,
      { field: 'session_id', sessions: sessions.map(sessionChoice) },
    );
  }
  return only;
}

export const controlPlaybackTool = defineTool({
  name: 'control_playback',
  title: 'Control playback',
  description:
    'Play (resume), pause, stop or seek (position_ms from the start) an active session. With several sessions, ' +
    'name one by session_id (get_playback_status) or player (a name, loosely matched).',
  input: z
    .strictObject({
      action: z.enum(ACTIONS),
      session_id: z
        .string()
        .trim()
        .min(1)
        .max(200)
        .optional()
        .describe('Session to control (from get_playback_status)'),
      player: z.string().trim().min(1).max(200).optional().describe('Player name, e.g. "living room"'),
      position_ms: z
        .number()
        .int()
        .min(0)
        .max(7 * 24 * 3_600_000)
        .optional()
        .describe('Seek target'),
    })
    .superRefine((args, ctx) => {
      if (args.action === 'seek' && args.position_ms === undefined) {
        ctx.addIssue({ code: 'custom', path: ['position_ms'], message: 'is required when action is "seek"' });
      }
      if (args.action !== 'seek' && args.position_ms !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['position_ms'],
          message: 'is only allowed when action is "seek"',
        });
      }
    }),
  output: z.object({
    action: z.enum(ACTIONS),
    session_id: z.string(),
    user: z.string(),
    player: z.object({ name: z.string(), id: z.string() }),
    media: z.object({ id: z.string(), title: z.string(), type: z.string() }),
    requested_state: z.string().optional().describe('State the player was asked to enter'),
    position_ms: z.number().int().optional(),
    message: z.string(),
  }),
  category: 'playback',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(args, deps) {
    // Always current sessions: a command aimed at a session that ended a minute ago must fail, not guess.
    const sessions = await deps.plex.getSessions();
    const session = chooseSession(sessions, args.session_id, args.player);
    if (
      args.action === 'seek' &&
      session.duration_ms !== undefined &&
      (args.position_ms ?? 0) > session.duration_ms
    ) {
      throw new ToolError(
        'invalid_request',
        `position_ms: ${formatDuration(args.position_ms)} is past the end of ${describeItem(session.media)}, which lasts ` +
          `${formatDuration(session.duration_ms)} (${session.duration_ms} ms). Nothing was changed.`,
        { field: 'position_ms', duration_ms: session.duration_ms },
      );
    }
    if (!session.player.id) {
      throw new ToolError(
        'invalid_request',
        `session_id: the player of session ${session.session_id} has no id Plex can address.`,
      );
    }
    try {
      await deps.plex.sendPlaybackCommand(session.player.id, COMMAND_OF[args.action], {
        offsetMs: args.action === 'seek' ? args.position_ms : undefined,
        mediaKind: mediaKindOf(session.media.type),
      });
    } catch (error) {
      // A 404 here is about the player, not a media id: Plex could not reach it (REFERENCE.md §3.8, §9.6).
      if (error instanceof PlexNotFoundError) {
        throw new ToolError(
          'not_found',
          `Plex could not reach the player "${session.player.name}" to ${args.action}. It may be offline, on another ` +
            'network, or an app without remote control (Plex Web and Desktop do not accept it).',
          { player: session.player.name, session_id: session.session_id },
        );
      }
      throw error;
    }
    // The cached session list is now wrong; drop it so the next get_playback_status asks Plex.
    await invalidateAfterWrite(deps, ['sessions']);
    const what = describeItem(session.media);
    const message =
      args.action === 'seek'
        ? `Asked ${session.player.name} to seek ${what} to ${formatDuration(args.position_ms)}.`
        : `Asked ${session.player.name} to ${args.action} ${what}.`;
    const requested = STATE_AFTER[args.action];
    return {
      structured: {
        action: args.action,
        session_id: session.session_id,
        user: session.user,
        player: { name: session.player.name, id: session.player.id },
        media: { id: session.media.id, title: session.media.title, type: session.media.type },
        ...(requested ? { requested_state: requested } : {}),
        ...(args.action === 'seek' ? { position_ms: args.position_ms } : {}),
        message,
      },
      text: message,
      source: 'plex',
    };
  },
});
