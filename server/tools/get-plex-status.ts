import { z } from 'zod';
import { ENV } from '../config/settings.ts';
import { PlexServerStatusSchema } from '../domain/server-status.ts';
import { isPlexUnavailable } from '../plex/errors.ts';
import { defineTool } from './define-tool.ts';
import type { ToolDeps } from './tool-deps.ts';

/** The event stream's mode and a sentence about it (live sessions and invalidation, or cache lifetimes only). */
function eventsOf(deps: ToolDeps): { events?: 'live' | 'fallback' | 'off'; sentence: string } {
  if (!deps.live) return { sentence: '' };
  const { mode, stream } = deps.live.status();
  if (mode === 'live')
    return { events: mode, sentence: ' Following its event stream (live sessions and cache).' };
  if (mode === 'off')
    return {
      events: mode,
      sentence: ` Event stream off (${ENV.plexEvents}=false): answers follow cache lifetimes.`,
    };
  const why = stream.state === 'unsupported' ? 'not available from this server' : 'unavailable';
  return {
    events: mode,
    sentence: ` Its event stream is ${why}${stream.reason ? ` (${stream.reason})` : ''}: answers follow cache lifetimes until it returns.`,
  };
}

export const getPlexStatusTool = defineTool({
  name: 'get_plex_status',
  title: 'Plex status',
  description:
    'Whether Plex is reachable, with its name, version, platform, owner and active streams. Call it when other ' +
    'tools report plex_unavailable.',
  input: z.strictObject({}),
  output: PlexServerStatusSchema,
  category: 'read',
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(_args, deps) {
    // Never cached: this tool exists to tell the truth about Plex right now.
    const { events, sentence } = eventsOf(deps);
    try {
      const [info, sessions] = await Promise.all([deps.plex.getServerInfo(), deps.plex.getSessions()]);
      const structured = {
        reachable: true,
        ...(info.name ? { name: info.name } : {}),
        ...(info.version ? { version: info.version } : {}),
        ...(info.platform ? { platform: info.platform } : {}),
        ...(info.platformVersion ? { platform_version: info.platformVersion } : {}),
        ...(info.machineIdentifier ? { machine_identifier: info.machineIdentifier } : {}),
        ...(info.owner ? { owner: info.owner } : {}),
        active_sessions: sessions.length,
        ...(events ? { events } : {}),
      };
      const text = `Plex server "${info.name ?? 'unnamed'}" is reachable: version ${info.version ?? '?'} on ${info.platform ?? '?'}, ${sessions.length} active stream(s).${sentence}`;
      return { structured, text, source: 'plex' };
    } catch (error) {
      // Unreachable is an answer, not a failure, for this tool; a wrong token still is an error.
      if (!isPlexUnavailable(error)) throw error;
      const reason = error instanceof Error ? error.message : 'unknown failure';
      return {
        structured: { reachable: false, error: reason, ...(events ? { events } : {}) },
        text: `Plex Media Server is not reachable: ${reason}.${sentence}`,
        source: 'plex',
      };
    }
  },
});
