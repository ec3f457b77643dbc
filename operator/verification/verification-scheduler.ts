// When to verify which server, cheaply and boundedly, whatever the number of resources:
// - each tracked server is verified on a period with jitter (so 500 resources do not probe in lockstep);
// - a changed fingerprint (new spec, rolled pods, other endpoints) verifies it again at once, ahead of the schedule;
// - at most `concurrency` verifications run at a time, and at most `maxPerSecond` start per second across all
//   servers (a token bucket): with many resources the period stretches instead of the request rate growing;
// - a result is handed on only when it differs from the last one in what it says (not in when it was taken), so
//   a steady state costs the API server nothing: no status write, no reconcile.
// The scheduler never talks to Kubernetes itself; `verify` and `onChange` are the controller's.
import type { Clock, TimerHandle } from '../runtime/clock.ts';
import { canonicalJson } from '../runtime/live-matches-desired.ts';
import type { VerificationResult } from './verify-server.ts';

export interface VerificationSchedulerOptions {
  clock: Clock;
  /** Period between verifications of one server (default 60 s). */
  intervalMs?: number;
  /** Each period is stretched or shrunk by up to this fraction, at random (default 0.2). */
  jitter?: number;
  /** Verifications running at once, across all servers (default 4). */
  concurrency?: number;
  /** Verifications started per second, across all servers (default 2; burst = concurrency). */
  maxPerSecond?: number;
  random?: () => number;
  /** Verifies one server; undefined when there is nothing to verify yet (e.g. no endpoint). Must not throw. */
  verify: (key: string) => Promise<VerificationResult | undefined>;
  /** A server's verdict changed (or it could not be verified any more). */
  onChange: (key: string, result: VerificationResult | undefined) => void;
  /** Each verification started (for the probe-rate metric). */
  onVerify?: (key: string) => void;
}

interface Entry {
  fingerprint: string;
  result: VerificationResult | undefined;
  running: boolean;
  /** Queued to run (at once or when a slot and a token are free). */
  queued: boolean;
  /** The fingerprint changed while it ran: run again when it finishes. */
  rerun: boolean;
  timer?: TimerHandle;
}

/** What a result says, without when it was taken: equal verdicts cause no write. */
export function verdictOf(result: VerificationResult | undefined): string {
  if (!result) return 'none';
  const { checkedAt: _checkedAt, ...rest } = result;
  return canonicalJson(rest);
}

export class VerificationScheduler {
  private readonly options: Required<Omit<VerificationSchedulerOptions, 'onVerify'>> &
    Pick<VerificationSchedulerOptions, 'onVerify'>;
  private readonly entries = new Map<string, Entry>();
  /** Keys waiting for a slot: changed ones at the front, scheduled ones at the back. */
  private readonly waiting: string[] = [];
  private running = 0;
  private tokens: number;
  private lastRefill: number;
  private refillTimer: TimerHandle | undefined;
  private stopped = false;

  constructor(options: VerificationSchedulerOptions) {
    this.options = {
      intervalMs: 60_000,
      jitter: 0.2,
      concurrency: 4,
      maxPerSecond: 2,
      random: Math.random,
      ...options,
    };
    this.tokens = this.options.concurrency;
    this.lastRefill = this.options.clock.now();
  }

  /**
   * Keeps `key` verified. A new key, or a known one whose fingerprint changed, is verified as soon as a slot is free;
   * an unchanged one keeps its schedule (calling this on every reconcile is cheap and changes nothing).
   */
  track(key: string, fingerprint: string): void {
    if (this.stopped) return;
    const entry = this.entries.get(key);
    if (!entry) {
      this.entries.set(key, { fingerprint, result: undefined, running: false, queued: false, rerun: false });
      this.enqueue(key, true);
      return;
    }
    if (entry.fingerprint === fingerprint) return;
    entry.fingerprint = fingerprint;
    if (entry.running) entry.rerun = true;
    else this.enqueue(key, true);
  }

  /** Stops verifying `key` (the resource is gone); its last result is dropped. */
  forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.timer?.cancel();
    this.entries.delete(key);
    const index = this.waiting.indexOf(key);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  /** The latest result for `key`, if it was verified. */
  latest(key: string): VerificationResult | undefined {
    return this.entries.get(key)?.result;
  }

  /** Keys tracked (for tests and metrics). */
  size(): number {
    return this.entries.size;
  }

  stop(): void {
    this.stopped = true;
    for (const entry of this.entries.values()) entry.timer?.cancel();
    this.refillTimer?.cancel();
    this.waiting.length = 0;
  }

  private enqueue(key: string, urgent: boolean): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.timer?.cancel();
    entry.timer = undefined;
    if (entry.queued) {
      if (!urgent) return;
      const index = this.waiting.indexOf(key);
      if (index >= 0) this.waiting.splice(index, 1);
    }
    entry.queued = true;
    if (urgent) this.waiting.unshift(key);
    else this.waiting.push(key);
    this.pump();
  }

  private refill(): void {
    const now = this.options.clock.now();
    const earned = ((now - this.lastRefill) / 1000) * this.options.maxPerSecond;
    this.tokens = Math.min(this.options.concurrency, this.tokens + earned);
    this.lastRefill = now;
  }

  private pump(): void {
    if (this.stopped) return;
    this.refill();
    while (this.running < this.options.concurrency && this.waiting.length > 0) {
      if (this.tokens < 1) {
        if (!this.refillTimer) {
          const waitMs = Math.ceil(((1 - this.tokens) / this.options.maxPerSecond) * 1000);
          this.refillTimer = this.options.clock.setTimer(() => {
            this.refillTimer = undefined;
            this.pump();
          }, waitMs);
        }
        return;
      }
      const key = this.waiting.shift() as string;
      const entry = this.entries.get(key);
      if (!entry) continue;
      entry.queued = false;
      this.tokens -= 1;
      void this.run(key, entry);
    }
  }

  private async run(key: string, entry: Entry): Promise<void> {
    this.running++;
    entry.running = true;
    this.options.onVerify?.(key);
    let result: VerificationResult | undefined;
    try {
      result = await this.options.verify(key);
    } catch {
      result = undefined; // verify must not throw; if it does, the server counts as not verified
    }
    this.running--;
    entry.running = false;
    if (this.stopped || this.entries.get(key) !== entry) return this.pump();
    const changed = verdictOf(entry.result) !== verdictOf(result);
    entry.result = result;
    if (changed) this.options.onChange(key, result);
    if (entry.rerun) {
      entry.rerun = false;
      this.enqueue(key, true);
    } else {
      const { intervalMs, jitter, random } = this.options;
      const delay = Math.max(1, Math.round(intervalMs * (1 - jitter + 2 * jitter * random())));
      entry.timer = this.options.clock.setTimer(() => this.enqueue(key, false), delay);
    }
    this.pump();
  }
}
