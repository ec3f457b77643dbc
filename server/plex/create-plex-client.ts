import type { ServerConfig } from '../config/config.ts';
import type { Logger } from '../observability/logger.ts';
import { SERVER_NAME, SERVER_VERSION } from '../version.ts';
import { HttpPlexClient, type PlexClient } from './plex-client.ts';
import { PlexHttp } from './plex-http.ts';
import { type PlexRequestPolicy, timeoutOnlyPolicy } from './request-policy.ts';

/** Builds the Plex client from configuration; the policy (retries, breaker) is injected by the caller. */
export function createPlexClient(
  config: ServerConfig,
  policy?: PlexRequestPolicy,
  logger?: Logger,
): PlexClient {
  const http = new PlexHttp({
    baseUrl: config.plex.url,
    token: config.plex.token,
    clientIdentifier: config.plex.clientIdentifier,
    maxConnections: config.plex.maxConnections,
    timeoutMs: config.plex.timeoutMs,
    maxResponseBytes: config.plex.maxResponseBytes,
    policy: policy ?? timeoutOnlyPolicy(config.plex.timeoutMs),
    product: SERVER_NAME,
    version: SERVER_VERSION,
    logger,
  });
  return new HttpPlexClient(http);
}
