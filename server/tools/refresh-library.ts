import { z } from 'zod';
import { activitySection } from '../live/plex-events.ts';
import type { LiveChange } from '../live/plex-live.ts';
import { libraryArg } from './arguments.ts';
import { defineTool } from './define-tool.ts';
import { resolveLibrary } from './library-resolver.ts';
import type { ToolDeps } from './tool-deps.ts';

/** How long a call with a progress token follows the scan before answering "still running". */
export const SCAN_FOLLOW_MS = 5 * 60_000;

interface ScanOutcome {
  finished: boolean;
  progress?: number;
}

/**
 * Follows the section's scan through Plex's activity events, reporting each step as MCP progress (increasing,
 * out of 100) until the activity ends or `SCAN_FOLLOW_MS` passes. Subscribed before the scan is started, so its
 * `started` event is not missed.
 */
function followScan(deps: ToolDeps, sectionId: string): { done: Promise<ScanOutcome>; stop(): void } {
  const live = deps.live;
  const report = deps.progress;
  let last = -1;
  let settle: (outcome: ScanOutcome) => void = () => undefined;
  const done = new Promise<ScanOutcome>((resolve) => {
    settle = resolve;
  });
  const timer = setTimeout(
    () => settle({ finished: false, ...(last >= 0 ? { progress: last } : {}) }),
    SCAN_FOLLOW_MS,
  );
  timer.unref();
  const unsubscribe =
    live?.onChange(async (change: LiveChange) => {
      if (change.kind !== 'activity') return;
      const { activity } = change;
      if (!activity.Activity.type.startsWith('library.') || activitySection(activity) !== sectionId) return;
      const ended = activity.event === 'ended';
      const progress = ended ? 100 : Math.max(0, Math.min(99, Math.round(activity.Activity.progress ?? 0)));
      if (progress > last || (last < 0 && progress === 0)) {
        last = progress;
        await report?.(progress, 100, activity.Activity.title ?? 'Scanning');
      }
      if (ended) settle({ finished: true, progress: 100 });
    }) ?? (() => undefined);
  return {
    done,
    stop() {
      clearTimeout(timer);
      unsubscribe();
    },
  };
}

export const refreshLibraryTool = defineTool({
  name: 'refresh_library',
  title: 'Scan library',
  description:
    'Scan a library for new and removed files. With a progress token, reports the scan until it ends.',
  input: z.strictObject({ library: libraryArg() }),
  output: z.object({
    library: z.object({ id: z.string(), name: z.string() }),
    finished: z.boolean().describe('The scan ended before this answer'),
    progress: z.number().optional(),
    message: z.string(),
  }),
  category: 'library',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(args, deps) {
    const { library } = await resolveLibrary(args.library, deps);
    const following = deps.progress !== undefined && deps.live?.status().mode === 'live';
    const scan = following ? followScan(deps, library.id) : undefined;
    try {
      await deps.plex.refreshSection(library.id);
      const outcome = scan ? await scan.done : { finished: false };
      const message = outcome.finished
        ? `Scanned ${library.name}: the scan has finished.`
        : scan
          ? `Scanning ${library.name}: still running after ${SCAN_FOLLOW_MS / 60_000} minutes (${outcome.progress ?? 0}%).`
          : deps.progress !== undefined
            ? `Started scanning ${library.name}. Progress is not available: Plex's event stream is not connected.`
            : `Started scanning ${library.name}. New items appear as Plex finds them.`;
      return {
        structured: {
          library: { id: library.id, name: library.name },
          finished: outcome.finished,
          ...(outcome.progress !== undefined ? { progress: outcome.progress } : {}),
          message,
        },
        text: message,
        source: 'plex',
      };
    } finally {
      scan?.stop();
    }
  },
});
