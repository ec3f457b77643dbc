/** The operator without Maglev (operator/config/no-maglev.ts), unless its command line says otherwise. */
import { describe, expect, it } from 'vitest';
import { noMaglevFlag } from '../../../../operator/config/no-maglev.ts';
import { applyV8Flag } from '../../../../server/startup/v8-flag.ts';
import { v8Knows } from '../../server/startup/heap-limit.ts';

describe('noMaglevFlag', () => {
  it('turns Maglev off when the command line says nothing of it', () => {
    expect(noMaglevFlag(['--max-old-space-size=128'], 134 * 2 ** 20)).toBe('--no-maglev');
    // Maglev's own tuning flags are not a choice of Maglev itself.
    expect(noMaglevFlag(['--maglev-inlining'], 134 * 2 ** 20)).toBe('--no-maglev');
  });

  it('leaves a choice made on the command line alone, either way', () => {
    expect(noMaglevFlag(['--maglev'], 134 * 2 ** 20)).toBeUndefined();
    expect(noMaglevFlag(['--no-maglev'], 134 * 2 ** 20)).toBeUndefined();
  });

  it('applyV8Flag hands the flag to V8 once, or not at all', () => {
    const set: string[] = [];
    applyV8Flag(noMaglevFlag, [], 134 * 2 ** 20, (flags) => set.push(flags));
    applyV8Flag(noMaglevFlag, ['--maglev'], 134 * 2 ** 20, (flags) => set.push(flags));
    expect(set).toEqual(['--no-maglev']);
  });

  it('the V8 this Node carries knows --maglev', () => {
    expect(v8Knows('maglev')).toBe(true);
  });
});
