// Library scans (`GET|POST /library/sections/{id}/refresh`, REFERENCE.md §3.13) as PMS runs them: an activity
// (`library.update.section`) that starts, reports progress and ends, visible in `GET /activities` and in the
// section's `refreshing` flag while it runs, each step published as an `activity` event. A second refresh of a
// section that is already scanning joins the running scan, as PMS does.

import { randomUUID } from 'node:crypto';
import type { SimCatalog, SimSection } from './catalog.ts';
import { type ActivityProgress, activityEntry, activityNotification, type EventHub } from './events.ts';

/** Progress steps of one scan, percent. */
const STEPS = [0, 20, 40, 60, 80, 100] as const;
export const DEFAULT_SCAN_STEP_MS = 150;

interface RunningScan {
  activity: Omit<ActivityProgress, 'event'>;
  timer: NodeJS.Timeout;
}

export class ScanRunner {
  readonly #catalog: SimCatalog;
  readonly #events: EventHub;
  readonly #stepMs: number;
  readonly #userID: number;
  readonly #now: () => number;
  readonly #running = new Map<string, RunningScan>();
  #finished = 0;

  constructor(options: { catalog: SimCatalog; events: EventHub; stepMs?: number; now: () => number }) {
    this.#catalog = options.catalog;
    this.#events = options.events;
    this.#stepMs = options.stepMs ?? DEFAULT_SCAN_STEP_MS;
    this.#userID = options.catalog.accounts[0]?.id ?? 1;
    this.#now = options.now;
  }

  /** Starts (or joins) the scan of a section; returns its activity uuid. */
  start(section: SimSection): string {
    const running = this.#running.get(section.key);
    if (running) return running.activity.uuid;
    const activity = {
      uuid: randomUUID(),
      type: 'library.update.section',
      title: `Scanning ${section.title}`,
      subtitle: section.Location[0]?.path ?? '',
      progress: 0,
      sectionId: section.key,
    };
    section.refreshing = true;
    let step = 0;
    const tick = () => {
      const progress = STEPS[step] ?? 100;
      activity.progress = progress;
      const event = step === 0 ? 'started' : progress >= 100 ? 'ended' : 'updated';
      this.#events.publish('activity', activityNotification({ ...activity, event }, this.#userID));
      if (event === 'ended') {
        this.#running.delete(section.key);
        section.refreshing = false;
        section.scannedAt = Math.floor(this.#now() / 1000);
        this.#finished++;
        return;
      }
      step++;
      scan.timer = setTimeout(tick, this.#stepMs);
    };
    const scan: RunningScan = { activity, timer: setTimeout(tick, 0) };
    this.#running.set(section.key, scan);
    return activity.uuid;
  }

  /** `/activities`: what runs now. */
  activities(): Record<string, unknown>[] {
    return [...this.#running.values()].map((s) => activityEntry(s.activity, this.#userID));
  }

  /** Scans that have ended since the last reset. */
  finished(): number {
    return this.#finished;
  }

  stop(): void {
    for (const scan of this.#running.values()) clearTimeout(scan.timer);
    for (const key of this.#running.keys()) {
      const section = this.#catalog.sections.find((s) => s.key === key);
      if (section) section.refreshing = false;
    }
    this.#running.clear();
    this.#finished = 0;
  }
}
