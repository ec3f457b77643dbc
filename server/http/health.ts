import { type Request, type Response, Router } from 'express';

export type CheckStatus = 'ok' | 'degraded' | 'error';

export interface CheckResult {
  status: CheckStatus;
  [detail: string]: unknown;
}

/**
 * A named readiness check. `critical` checks failing make /health/ready answer 503 (the pod leaves the Service);
 * non-critical ones are reported but never take the server out of rotation (e.g. Redis: we can serve without it).
 */
export interface ReadinessCheck {
  name: string;
  critical: boolean;
  check(): Promise<CheckResult>;
}

export interface HealthState {
  /** Set once the configuration is loaded and the HTTP server listens. */
  started(): boolean;
  readinessChecks: readonly ReadinessCheck[];
}

/**
 * /health/live, /health/startup and /health/ready. Mounted before the Host/Origin guards and without auth:
 * kubelet probes send the pod IP as Host and carry no token.
 */
export function healthRouter(state: HealthState): Router {
  const router = Router();
  const send = (res: Response, ok: boolean, body: Record<string, unknown>, degraded = false) => {
    const status = !ok ? 'error' : degraded ? 'degraded' : 'ok';
    res
      .status(ok ? 200 : 503)
      .setHeader('Cache-Control', 'no-store')
      .json({ status, ...body });
  };

  router.get('/health/live', (_req: Request, res: Response) => send(res, true, {}));

  router.get('/health/startup', (_req: Request, res: Response) => send(res, state.started(), {}));

  router.get('/health/ready', async (_req: Request, res: Response) => {
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
    const ready = state.started() && results.every(([c, r]) => !c.critical || r.status !== 'error');
    const degraded = results.some(([, r]) => r.status !== 'ok');
    send(res, ready, { checks }, degraded);
  });

  return router;
}
