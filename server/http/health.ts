import type { ServerResponse } from 'node:http';
import { sendJson } from './respond.ts';

export type CheckStatus = 'ok' | 'degraded' | 'error';

export interface CheckResult {
  status: CheckStatus;
  [detail: string]: unknown;
}

/**
 * A named readiness check. `critical` checks failing make /health/ready answer 503 (the pod leaves the Service);
 * non-critical ones are reported but never take the server out of rotation (e.g. Redis: we can serve without it).
 * A check whose failures differ in weight decides per result (Plex: a rejected token is critical, an outage may not be).
 */
export interface ReadinessCheck {
  name: string;
  critical: boolean | ((result: CheckResult) => boolean);
  check(): Promise<CheckResult>;
}

export interface HealthState {
  /** Set once the configuration is loaded and the HTTP server listens. */
  started(): boolean;
  readinessChecks: readonly ReadinessCheck[];
}

export const HEALTH_PATHS = ['/health/live', '/health/startup', '/health/ready'] as const;
export type HealthPath = (typeof HEALTH_PATHS)[number];

/**
 * /health/live, /health/startup and /health/ready. Served before the Host/Origin guards and without auth:
 * kubelet probes send the pod IP as Host and carry no token.
 */
export function healthEndpoints(
  state: HealthState,
): (path: HealthPath, res: ServerResponse) => Promise<void> {
  const send = (res: ServerResponse, ok: boolean, body: Record<string, unknown>, degraded = false) => {
    const status = !ok ? 'error' : degraded ? 'degraded' : 'ok';
    sendJson(res, ok ? 200 : 503, { status, ...body }, { 'Cache-Control': 'no-store' });
  };

  const ready = async (res: ServerResponse) => {
    const results = await Promise.all(
      state.readinessChecks.map(async (c) => {
        try {
          return [c, await c.check()] as const;
        } catch (error) {
          return [
            c,
            { status: 'error', error: error instanceof Error ? error.message : String(error) } as CheckResult,
          ] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results.map(([c, r]) => [c.name, r]));
    const critical = (c: ReadinessCheck, r: CheckResult) =>
      typeof c.critical === 'function' ? c.critical(r) : c.critical;
    const isReady = state.started() && results.every(([c, r]) => r.status !== 'error' || !critical(c, r));
    const degraded = results.some(([, r]) => r.status !== 'ok');
    send(res, isReady, { checks }, degraded);
  };

  return async (path, res) => {
    if (path === '/health/live') send(res, true, {});
    else if (path === '/health/startup') send(res, state.started(), {});
    else await ready(res);
  };
}
