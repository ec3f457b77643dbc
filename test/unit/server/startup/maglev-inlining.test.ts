/** Maglev without inlining (server/startup/maglev-inlining.ts): only in a small heap, and never against the command line. */
import { describe, expect, it } from 'vitest';
import { MAX_HEAP_LIMIT_MIB, maglevInliningFlag } from '../../../../server/startup/maglev-inlining.ts';
import { applyV8Flag } from '../../../../server/startup/v8-flag.ts';
import { heapLimitFor, MiB, v8Knows } from './heap-limit.ts';

const FLAG = '--no-maglev-inlining';
/** The design's 100Mi limit's heap limit (old space 44 MiB, semi-space 2 MiB). */
const SMALL = 50 * MiB;

describe('maglevInliningFlag', () => {
  it('turns inlining off in a small heap when the command line says nothing of it', () => {
    expect(maglevInliningFlag(['--max-old-space-size=44'], SMALL)).toBe(FLAG);
  });

  it('leaves a choice made on the command line alone, either way', () => {
    expect(maglevInliningFlag(['--maglev-inlining'], SMALL)).toBeUndefined();
    expect(maglevInliningFlag(['--no-maglev-inlining'], SMALL)).toBeUndefined();
  });

  it('keeps inlining from a heap limit of MAX_HEAP_LIMIT_MIB up', () => {
    expect(maglevInliningFlag([], MAX_HEAP_LIMIT_MIB * MiB - 1)).toBe(FLAG);
    expect(maglevInliningFlag([], MAX_HEAP_LIMIT_MIB * MiB)).toBeUndefined();
  });

  it("applies under the design's 100Mi limit, not under 128Mi or the default 256Mi (heap limits from a real node)", () => {
    expect(maglevInliningFlag([], heapLimitFor(100))).toBe(FLAG);
    expect(maglevInliningFlag([], heapLimitFor(128))).toBeUndefined();
    expect(maglevInliningFlag([], heapLimitFor(256))).toBeUndefined();
  });

  it('applyV8Flag hands the flag to V8 once, or not at all', () => {
    const set: string[] = [];
    applyV8Flag(maglevInliningFlag, [], SMALL, (flags) => set.push(flags));
    applyV8Flag(maglevInliningFlag, ['--maglev-inlining'], SMALL, (flags) => set.push(flags));
    applyV8Flag(maglevInliningFlag, [], 176 * MiB, (flags) => set.push(flags));
    expect(set).toEqual([FLAG]);
  });
});

describe('the V8 this Node carries', () => {
  it('knows --maglev-inlining', () => {
    expect(v8Knows('maglev-inlining')).toBe(true);
  });
});
