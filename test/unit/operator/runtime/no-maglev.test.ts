/** The operator without Maglev (operator/runtime/no-maglev.ts), unless its command line says otherwise. */
import { describe, expect, it } from 'vitest';
import { applyNoMaglev, noMaglevFlag } from '../../../../operator/runtime/no-maglev.ts';
import { v8Knows } from '../../server/startup/heap-limit.ts';

describe('noMaglevFlag', () => {
  it('turns Maglev off when the command line says nothing of it', () => {
    expect(noMaglevFlag(['--max-old-space-size=128'])).toBe('--no-maglev');
    // Maglev's own tuning flags are not a choice of Maglev itself.
    expect(noMaglevFlag(['--maglev-inlining'])).toBe('--no-maglev');
  });

  it('leaves a choice made on the command line alone, either way', () => {
    expect(noMaglevFlag(['--maglev'])).toBeUndefined();
    expect(noMaglevFlag(['--no-maglev'])).toBeUndefined();
  });

  it('applyNoMaglev hands the flag to V8 once, or not at all', () => {
    const set: string[] = [];
    applyNoMaglev([], (flags) => set.push(flags));
    applyNoMaglev(['--maglev'], (flags) => set.push(flags));
    expect(set).toEqual(['--no-maglev']);
  });

  it('the V8 this Node carries knows --maglev', () => {
    expect(v8Knows('maglev')).toBe(true);
  });
});
