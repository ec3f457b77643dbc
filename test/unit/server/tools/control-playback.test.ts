/**
 * control_playback's decisions with a scripted Plex client (a unit test: the integration suites use the simulator).
 */

import { describe, expect, it } from 'vitest';
import { createDisabledCache } from '../../../../server/cache/disabled-cache.ts';
import type { PlaybackSession } from '../../../../server/domain/session.ts';
import { silentLogger } from '../../../../server/observability/logger.ts';
import { PlexNotFoundError } from '../../../../server/plex/errors.ts';
import type { PlexClient } from '../../../../server/plex/plex-client.ts';
import { controlPlaybackTool } from '../../../../server/tools/control-playback.ts';
import { toolAccessOf } from '../../../../server/tools/tool-access.ts';
import { ToolError } from '../../../../server/tools/tool-error.ts';

function session(id: string, player: string, type = 'movie'): PlaybackSession {
  return {
    session_id: id,
    user: 'u',
    player: { name: player, id: `${player}-id` },
    state: 'playing',
    media: { id: '1', type, title: 'T' },
    position_ms: 0,
    transcoding: false,
  };
}

function fakePlex(sessions: PlaybackSession[], commands: unknown[], fail?: Error): PlexClient {
  return {
    getSessions: async () => sessions,
    sendPlaybackCommand: async (...args: unknown[]) => {
      if (fail) throw fail;
      commands.push(args);
    },
  } as unknown as PlexClient;
}

const deps = (plex: PlexClient) => ({
  plex,
  cache: createDisabledCache(),
  logger: silentLogger(),
  access: toolAccessOf({ writeAccess: 'library', libraries: [], confirmKey: undefined }),
});
const parse = (args: unknown) => controlPlaybackTool.input.parse(args);

describe('control_playback', () => {
  it('sends seekTo with the offset and the media kind of the session', async () => {
    const commands: unknown[] = [];
    const plex = fakePlex([session('s1', 'tv', 'track')], commands);
    const out = await controlPlaybackTool.run(parse({ action: 'seek', position_ms: 5000 }), deps(plex));
    expect(commands).toEqual([['tv-id', 'seekTo', { offsetMs: 5000, mediaKind: 'music' }]]);
    expect(out.structured).toMatchObject({ action: 'seek', session_id: 's1', position_ms: 5000 });
  });

  it('accepts the player id as session_id', async () => {
    const commands: unknown[] = [];
    const plex = fakePlex([session('s1', 'tv'), session('s2', 'ipad')], commands);
    await controlPlaybackTool.run(parse({ action: 'stop', session_id: 'ipad-id' }), deps(plex));
    expect(commands).toEqual([['ipad-id', 'stop', { offsetMs: undefined, mediaKind: 'video' }]]);
  });

  it('with nothing playing is not_found', async () => {
    const plex = fakePlex([], []);
    await expect(controlPlaybackTool.run(parse({ action: 'play' }), deps(plex))).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('turns a 404 from the player command into not_found about the player', async () => {
    const plex = fakePlex([session('s1', 'Living Room')], [], new PlexNotFoundError('404', { status: 404 }));
    const error = await controlPlaybackTool
      .run(parse({ action: 'pause' }), deps(plex))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect(error).toMatchObject({ code: 'not_found' });
    expect((error as ToolError).message).toContain('Living Room');
  });
});
