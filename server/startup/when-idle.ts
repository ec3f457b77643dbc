/**
 * Start-up work that need not be done before the server answers (issue #18): it runs once the transport is ready
 * and has served the client's first requests (initialize, tools/list come at once).
 */

/** How long after the transport is ready idle-time work begins, ms: a client's first requests come within it. */
export const IDLE_WORK_DELAY_MS = 100;

export interface WhenIdleOptions {
  /** True while a request is being served. */
  busy: () => boolean;
  /** First look after this long, ms (IDLE_WORK_DELAY_MS by default). */
  delayMs?: number;
  /** Looks again after this long while busy, ms. */
  retryMs?: number;
  /** Runs by then even if never idle, ms after the first look: a server busy from its first moment still gets it. */
  maxWaitMs: number;
}

/** Runs `task` once, at the first look that finds the server idle (or at maxWaitMs); returns a cancel function. */
export function runWhenIdle(task: () => void, options: WhenIdleOptions): () => void {
  const retryMs = options.retryMs ?? 20;
  let timer: NodeJS.Timeout | undefined;
  let giveUpAt: number | undefined;
  const look = () => {
    const now = performance.now();
    giveUpAt ??= now + options.maxWaitMs;
    if (options.busy() && now < giveUpAt) {
      timer = setTimeout(look, retryMs);
      return;
    }
    timer = undefined;
    task();
  };
  timer = setTimeout(look, options.delayMs ?? IDLE_WORK_DELAY_MS);
  return () => clearTimeout(timer);
}
