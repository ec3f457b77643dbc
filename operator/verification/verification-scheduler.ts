// When to verify which server, cheaply and boundedly, whatever the number of resources:
// - a server without a verdict for what runs now (new, or its fingerprint changed: new spec, rolled pods, other
//   endpoints) gets its FIRST verification as soon as a slot is free, ahead of every re-verification and without
//   waiting for the rate limit: Ready waits for that verdict, and it is one handshake per server per change, bounded
//   by `concurrency` (and each verification by its timeout), so it cannot flood any server;
// - each known server is then RE-verified on a period with jitter (so 500 resources do not probe in lockstep), and
//   at most `maxPerSecond` re-verifications start per second across all servers (a token bucket, burst =
//   concurrency): with many resources the period stretches instead of the request rate growing;
// - at most `concurrency` verifications of either kind run at a time;
// - a result is handed on only when it differs from the last one in what it says (not in when it was taken), so
//   a steady state costs the API server nothing: no status write, no reconcile.
// The scheduler never talks to Kubernetes itself; `verify` and `onChange` are the controller's.
import type { Clock, TimerHandle } from '../runtime/clock.ts';
import { canonicalJson } from '../runtime/live-matches-desired.ts';
import { VERIFY_DEFAULTS } from './verify-defaults.ts';
import type { VerificationResult } from './verify-server.ts';

export interface VerificationSchedulerOptions {
  clock: Clock;
  /** Period between re-verifications of one server (default VERIFY_DEFAULTS.intervalMs). */
  intervalMs?: number;
  /** Each period is stretched or shrunk by up to this fraction, at random (default VERIFY_DEFAULTS.jitter). */
  jitter?: number;
  /** Verifications running at once, across all servers (default VERIFY_DEFAULTS.concurrency). */
  concurrency?: number;
  /**
   * Re-verifications started per second, across all servers (default VERIFY_DEFAULTS.maxPerSecond; burst =
   * concurrency). First verifications do not wait for it.
   */
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
  /** The queue it waits in, if any: first verifications (a slot) or re-verifications (a slot and a token). */
  queued: 'first' | 'again' | undefined;
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
  /** Keys waiting for their first verification (new or changed), oldest first; served before `again`. */
  private readonly first = new Set<string>();
  /** Keys whose period is over, waiting for a slot and a token, oldest first. */
  private readonly again = new Set<string>();
  private running = 0;
  private tokens: number;
  private lastRefill: number;
  private refillTimer: TimerHandle | undefined;
  private stopped = false;

  constructor(options: VerificationSchedulerOptions) {
    this.options = {
      intervalMs: VERIFY_DEFAULTS.intervalMs,
      jitter: VERIFY_DEFAULTS.jitter,
      concurrency: VERIFY_DEFAULTS.concurrency,
      maxPerSecond: VERIFY_DEFAULTS.maxPerSecond,
      random: Math.random,
      ...options,
    };
    this.tokens = this.options.concurrency;
    this.lastRefill = this.options.clock.now();
  }

  /**
   * Keeps `key` verified. A new key, or a known one whose fingerprint changed, gets its first verification as soon as
   * a slot is free; an unchanged one keeps its schedule (calling this on every reconcile is cheap and changes nothing).
   */
  track(key: string, fingerprint: string): void {
    if (this.stopped) return;
    const entry = this.entries.get(key);
    if (!entry) {
      this.entries.set(key, {
        fingerprint,
        result: undefined,
        running: false,
        queued: undefined,
        rerun: false,
      });
      this.enqueue(key, 'first');
      return;
    }
    if (entry.fingerprint === fingerprint) return;
    entry.fingerprint = fingerprint;
    if (entry.running) entry.rerun = true;
    else this.enqueue(key, 'first');
  }

  /** Stops verifying `key` (the resource is gone); its last result is dropped. */
  forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.timer?.cancel();
    this.entries.delete(key);
    this.first.delete(key);
    this.again.delete(key);
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
    this.first.clear();
    this.again.clear();
  }

  private enqueue(key: string, queue: 'first' | 'again'): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.timer?.cancel();
    entry.timer = undefined;
    if (entry.queued === 'first') return; // already waiting where it goes soonest
    if (entry.queued === 'again') {
      if (queue === 'again') return;
      this.again.delete(key);
    }
    entry.queued = queue;
    this[queue].add(key);
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
    while (this.running < this.options.concurrency) {
      const key = this.first.size > 0 ? this.takeFirst() : this.takeAgain();
      if (key === undefined) return;
      const entry = this.entries.get(key);
      if (!entry) continue;
      entry.queued = undefined;
      void this.run(key, entry);
    }
  }

  private takeFirst(): string | undefined {
    const key = this.first.values().next().value;
    if (key !== undefined) this.first.delete(key);
    return key;
  }

  /** The oldest due re-verification if a token is left; else arms the timer that pumps when one will be. */
  private takeAgain(): string | undefined {
    if (this.again.size === 0) return undefined;
    this.refill();
    if (this.tokens < 1) {
      if (!this.refillTimer) {
        const waitMs = Math.ceil(((1 - this.tokens) / this.options.maxPerSecond) * 1000);
        this.refillTimer = this.options.clock.setTimer(() => {
          this.refillTimer = undefined;
          this.pump();
        }, waitMs);
      }
      return undefined;
    }
    this.tokens -= 1;
    const key = this.again.values().next().value as string;
    this.again.delete(key);
    return key;
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
      this.enqueue(key, 'first');
    } else {
      const { intervalMs, jitter, random } = this.options;
      const delay = Math.max(1, Math.round(intervalMs * (1 - jitter + 2 * jitter * random())));
      entry.timer = this.options.clock.setTimer(() => this.enqueue(key, 'again'), delay);
    }
    this.pump();
  }
}
