import { ENV } from '../config/settings.ts';
import type { Logger } from '../observability/logger.ts';
import type { PlexClient } from './plex-client.ts';

/**
 * Asks Plex once at start whether it answers, so a wrong PLEX_SERVER_URL or a Plex that is down shows up in the
 * first log lines, once and plainly (no stack trace: it is an expected condition, not a bug). Never throws: the
 * server starts anyway and tools answer plex_unavailable until Plex is back.
 */
export async function probePlexAtStart(plex: PlexClient, plexUrl: string, logger: Logger): Promise<void> {
  try {
    const identity = await plex.getIdentity();
    logger.info({ plexUrl, plexVersion: identity.version }, 'Plex is reachable');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn(
      { plexUrl, reason },
      `Plex is unreachable at start; tools answer plex_unavailable until it is back (check ${ENV.plexServerUrl})`,
    );
  }
}
