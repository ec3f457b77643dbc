import type { PlexClient } from '../plex/plex-client.ts';
import type { CheckResult, ReadinessCheck } from './health.ts';

/**
 * Readiness of Plex: GET /identity, remembered for a few seconds so frequent probes (several replicas, kubelet
 * every few seconds) do not hammer Plex, and concurrent probes share one request.
 *
 * `critical` decides whether a Plex outage takes the pod out of the Service. With a cache it should not: every
 * replica talks to the same Plex, so removing them all only turns stale answers and clear `plex_unavailable`
 * tool errors into refused connections.
 */
export function plexReadinessCheck(
  plex: PlexClient,
  options: { cacheMs?: number; critical?: boolean; answerWithinMs?: number } = {},
): ReadinessCheck {
  const cacheMs = options.cacheMs ?? 5_000;
  // Kubelet probes time out after a few seconds; a Plex that hangs (plus retries) must not hang the probe.
  const answerWithinMs = options.answerWithinMs ?? 2_000;
  let last: { at: number; result: CheckResult } | undefined;
  let inFlight: Promise<CheckResult> | undefined;

  const probe = async (): Promise<CheckResult> => {
    try {
      const identity = await plex.getIdentity();
      return { status: 'ok', version: identity.version };
    } catch (error) {
      return { status: 'error', error: error instanceof Error ? error.message : String(error) };
    }
  };

  return {
    name: 'plex',
    critical: options.critical ?? true,
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
          () =>
            resolve({ status: 'error', error: `Plex did not answer /identity within ${answerWithinMs} ms` }),
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
