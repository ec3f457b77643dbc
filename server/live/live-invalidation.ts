/**
 * Drops the cached answers Plex's events make wrong (the change map in change-map.ts), in every replica's cache:
 * each replica follows the stream itself and drops its own in-memory entries and in-flight loads; with Redis the
 * shared entries go too (a second replica deleting the same keys finds nothing left). Invalidations of one burst
 * (a scan announces hundreds of items) are collected for one tick and applied once each.
 */
import type { ToolCache } from '../cache/tool-cache.ts';
import type { Logger } from '../observability/logger.ts';
import { dedupe, type Invalidation, invalidationsFor } from './change-map.ts';
import type { LiveChange, PlexLive } from './plex-live.ts';

export interface LiveInvalidation {
  /** Resolves when what has been queued so far is applied (tests, the freshness benchmark). */
  settled(): Promise<void>;
  stop(): void;
}

export function followWithCache(live: PlexLive, cache: ToolCache, logger: Logger): LiveInvalidation {
  const log = logger.child({ component: 'live-invalidation' });
  let queued: Invalidation[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let scheduled: Promise<void> | undefined;

  const flush = async () => {
    const batch = dedupe(queued);
    queued = [];
    scheduled = undefined;
    await Promise.all(
      batch.map((i) =>
        cache.invalidate(i.kind, i.scope).catch((error: unknown) => {
          log.debug({ kind: i.kind, err: (error as Error).message }, 'could not drop cached answers');
        }),
      ),
    );
  };

  const onChange = (change: LiveChange): Promise<void> => {
    const list = invalidationsFor(change);
    if (list.length === 0) return Promise.resolve();
    queued.push(...list);
    scheduled ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      flushing = flushing.then(flush);
      return flushing;
    });
    return scheduled;
  };

  const unsubscribe = live.onChange(onChange);
  return {
    settled: async () => {
      await scheduled;
      await flushing;
    },
    stop: unsubscribe,
  };
}
