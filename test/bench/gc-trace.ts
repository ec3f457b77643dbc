/**
 * GC pauses of a child started with `node --trace-gc`, read from the lines V8 prints on its stdout, e.g.
 * `[pid:0x..]  22 ms: Scavenge 4.8 (5.6) -> 4.5 (6.6) MB, pooled: 0 MB, 1.16 / 0.00 ms  (average mu ...`.
 * The first figure after "MB," (or after the pooled field) is the main-thread pause. `mark()` starts a new window,
 * so one server can report each scenario's pauses apart.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface GcSummary {
  scavenges: number;
  markCompacts: number;
  totalPauseMs: number;
  maxPauseMs: number;
  /** Largest heap V8 had committed after a GC ("-> used (committed) MB"), MB as V8 prints them. */
  maxCommittedMB: number;
  /** Largest heap in use right after a full GC (Mark-Compact's "-> used"): the live data, a full cache included. */
  maxLiveAfterFullMB: number;
}

const LINE =
  /: (Scavenge|Mark-Compact|Minor Mark-Sweep|Mark-Sweep)\b.*?-> ([\d.]+) \(([\d.]+)\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms/;

export class GcTrace {
  #pauses: Array<{ kind: string; ms: number; usedMB: number; committedMB: number }> = [];

  constructor(stdout: Readable) {
    createInterface({ input: stdout }).on('line', (line) => {
      const m = LINE.exec(line);
      if (m)
        this.#pauses.push({
          kind: m[1] as string,
          usedMB: Number(m[2]),
          committedMB: Number(m[3]),
          ms: Number(m[4]),
        });
    });
  }

  /** Forgets the pauses so far (the next summary covers only what follows). */
  mark(): void {
    this.#pauses = [];
  }

  summary(): GcSummary {
    const young = this.#pauses.filter((p) => p.kind === 'Scavenge' || p.kind === 'Minor Mark-Sweep');
    return {
      scavenges: young.length,
      markCompacts: this.#pauses.length - young.length,
      totalPauseMs: this.#pauses.reduce((sum, p) => sum + p.ms, 0),
      maxPauseMs: this.#pauses.reduce((max, p) => Math.max(max, p.ms), 0),
      maxCommittedMB: this.#pauses.reduce((max, p) => Math.max(max, p.committedMB), 0),
      maxLiveAfterFullMB: this.#pauses
        .filter((p) => p.kind === 'Mark-Compact' || p.kind === 'Mark-Sweep')
        .reduce((max, p) => Math.max(max, p.usedMB), 0),
    };
  }
}
