/** The server's V8 heap growing factor (server/startup/heap-growth.ts): set where the heap has room for it. */
import { describe, expect, it } from 'vitest';
import {
  HEAP_GROWING_PERCENT,
  heapGrowthFlag,
  MIN_HEAP_LIMIT_MIB,
} from '../../../../server/startup/heap-growth.ts';
import { applyV8Flag } from '../../../../server/startup/v8-flag.ts';
import { heapLimitFor, MiB, v8Knows } from './heap-limit.ts';

const FLAG = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
/** The default 256Mi limit's heap limit (old space 128 MiB, semi-space 16 MiB). */
const ROOMY = 176 * MiB;

describe('heapGrowthFlag', () => {
  it('sets the growing percent when the command line has none and the heap has room', () => {
    expect(heapGrowthFlag(['--max-old-space-size=128'], ROOMY)).toBe(FLAG);
  });

  it('leaves a value given on the command line alone, in either form', () => {
    expect(heapGrowthFlag(['--heap-growing-percent=30'], ROOMY)).toBeUndefined();
    expect(heapGrowthFlag(['--heap-growing-percent', '30'], ROOMY)).toBeUndefined();
  });

  it('leaves V8 its own factor in a small heap', () => {
    expect(heapGrowthFlag([], MIN_HEAP_LIMIT_MIB * MiB - 1)).toBeUndefined();
    expect(heapGrowthFlag([], MIN_HEAP_LIMIT_MIB * MiB)).toBe(FLAG);
  });

  it("applies under the default 256Mi limit, not under 128Mi or the design's 100Mi (heap limits from a real node)", () => {
    expect(heapGrowthFlag([], heapLimitFor(256))).toBe(FLAG);
    expect(heapGrowthFlag([], heapLimitFor(128))).toBeUndefined();
    expect(heapGrowthFlag([], heapLimitFor(100))).toBeUndefined();
  });

  it('applyV8Flag hands the flag to V8 once, or not at all', () => {
    const set: string[] = [];
    applyV8Flag(heapGrowthFlag, [], ROOMY, (flags) => set.push(flags));
    applyV8Flag(heapGrowthFlag, ['--heap-growing-percent=5'], ROOMY, (flags) => set.push(flags));
    applyV8Flag(heapGrowthFlag, [], 62 * MiB, (flags) => set.push(flags));
    expect(set).toEqual([FLAG]);
  });
});

describe('the V8 this Node carries', () => {
  // v8.setFlagsFromString ignores a flag V8 does not know, so a rename in a later Node would silently undo the
  // setting; its effect on GC is measured by bench:server, not here.
  it('knows --heap-growing-percent', () => {
    expect(v8Knows('heap-growing-percent')).toBe(true);
  });
});
