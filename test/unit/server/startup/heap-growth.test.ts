/** The server's V8 heap growing factor (server/startup/heap-growth.ts): set unless the node command line sets its own. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  applyHeapGrowth,
  HEAP_GROWING_PERCENT,
  heapGrowthFlag,
} from '../../../../server/startup/heap-growth.ts';

describe('heapGrowthFlag', () => {
  it('sets the growing percent when the command line has none', () => {
    expect(heapGrowthFlag(['--max-old-space-size=128'])).toBe(
      `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
    );
  });

  it('leaves a value given on the command line alone, in either form', () => {
    expect(heapGrowthFlag(['--heap-growing-percent=30'])).toBeUndefined();
    expect(heapGrowthFlag(['--heap-growing-percent', '30'])).toBeUndefined();
  });

  it('applyHeapGrowth hands the flag to V8 once, or not at all', () => {
    const set: string[] = [];
    applyHeapGrowth([], (flags) => set.push(flags));
    applyHeapGrowth(['--heap-growing-percent=5'], (flags) => set.push(flags));
    expect(set).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
  });
});

describe('the V8 this Node carries', () => {
  // v8.setFlagsFromString ignores a flag V8 does not know, so a rename in a later Node would silently undo the
  // setting; its effect on GC is measured by bench:server, not here.
  it('knows --heap-growing-percent', () => {
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    expect(options).toMatch(/^\s*--heap-growing-percent \(/m);
  });
});
