/**
 * tools/list is in every conversation's context: the whole list stays within 32 KiB of compact JSON, and carries
 * none of the schema noise zod emits by default. `npm run tools:size` prints the per-tool figures.
 */
import { describe, expect, it } from 'vitest';
import { TOOL_NAMES } from '../../e2e/call-every-tool.ts';
import { measureToolsList } from '../../support/tools-list-size.ts';

const BUDGET_BYTES = 32 * 1024;

describe('tools/list size', () => {
  it(`lists every tool in at most ${BUDGET_BYTES} bytes of compact JSON, without safe-integer bounds or $schema`, async () => {
    const size = await measureToolsList();
    expect(size.tools.map((t) => t.name)).toEqual(TOOL_NAMES);
    expect(size.total).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(size.json).not.toContain('9007199254740991');
    expect(size.json).not.toContain('"$schema"');
  });
});
