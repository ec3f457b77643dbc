import { PlexBadResponseError, PlexUnauthorizedError } from '../plex/errors.ts';
import type { PlexClient } from '../plex/plex-client.ts';
import type { CheckResult, ReadinessCheck } from './health.ts';

/**
 * Why the Plex readiness check failed, in `checks.plex.reason` of /health/ready. A stable contract: the operator
 * reads it to say in its status whether the token or the network is at fault.
 * - `token_rejected`: Plex answered 401/403 to the token (PLEX_TOKEN is wrong or was revoked). Never ready.
 * - `unreachable`: no usable answer in time (connection refused, timeout, 5xx, circuit open).
 * - `bad_response`: Plex answered 2xx with a body that is not what Plex sends (wrong URL? a proxy page?).
 */
export const PLEX_NOT_READY_REASONS = ['token_rejected', 'unreachable', 'bad_response'] as const;
export type PlexNotReadyReason = (typeof PLEX_NOT_READY_REASONS)[number];

/**
 * Readiness of Plex: GET / (the server info), an endpoint that needs the token, so a wrong PLEX_TOKEN shows as not
 * ready instead of every tool failing behind a green probe. The result is remembered for a few seconds so frequent
 * probes (several replicas, kubelet every few seconds) do not hammer Plex, and concurrent probes share one request.
 *
 * `critical` decides whether an unreachable Plex takes the pod out of the Service. With a cache it should not:
 * every replica talks to the same Plex, so removing them all only turns stale answers and clear `plex_unavailable`
 * tool errors into refused connections. A rejected token is always critical: no tool can succeed, cache or not.
 */
export function plexReadinessCheck(
  plex: PlexClient,
  options: { cacheMs?: number; critical?: boolean; answerWithinMs?: number } = {},
): ReadinessCheck {
  const cacheMs = options.cacheMs ?? 5_000;
  // Kubelet probes time out after a few seconds; a Plex that hangs (plus retries) must not hang the probe.
  const answerWithinMs = options.answerWithinMs ?? 2_000;
  const criticalWhenUnreachable = options.critical ?? true;
  let last: { at: number; result: CheckResult } | undefined;
  let inFlight: Promise<CheckResult> | undefined;

  const notReady = (reason: PlexNotReadyReason, error: string): CheckResult => ({
    status: 'error',
    reason,
    error,
  });

  const probe = async (): Promise<CheckResult> => {
    try {
      const info = await plex.getServerInfo();
      return { status: 'ok', ...(info.version ? { version: info.version } : {}) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof PlexUnauthorizedError) return notReady('token_rejected', message);
      if (error instanceof PlexBadResponseError) return notReady('bad_response', message);
      return notReady('unreachable', message);
    }
  };

  return {
    name: 'plex',
    critical: (result) => criticalWhenUnreachable || result.reason === 'token_rejected',
    async check() {
      if (last && Date.now() - last.at < cacheMs) return last.result;
      inFlight ??= probe().then((result) => {
        last = { at: Date.now(), result };
        inFlight = undefined;
        return result;
      });
      let timer: NodeJS.Timeout | undefined;
      const slow = new Promise<CheckResult>((resolve) => {
        timer = setTimeout(
          () => resolve(notReady('unreachable', `Plex did not answer within ${answerWithinMs} ms`)),
          answerWithinMs,
        );
        timer.unref();
      });
      try {
        return await Promise.race([inFlight, slow]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
