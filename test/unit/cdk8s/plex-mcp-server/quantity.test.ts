import { describe, expect, it } from 'vitest';
import { memoryBytes } from '../../../../cdk8s/plex-mcp-server/quantity.ts';

describe('memoryBytes', () => {
  it.each([
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['512Ki', 512 * 1024],
    ['1G', 1e9],
    ['500M', 5e8],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['134217728', 134_217_728],
  ])('reads %s', (quantity, bytes) => {
    expect(memoryBytes(quantity)).toBe(bytes);
  });

  it('passes numbers through and refuses what is not a memory quantity', () => {
    expect(memoryBytes(1024)).toBe(1024);
    expect(memoryBytes(undefined)).toBeUndefined();
    expect(memoryBytes('lots')).toBeUndefined();
    expect(memoryBytes('100m')).toBeUndefined();
  });
});
