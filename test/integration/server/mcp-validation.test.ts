/**
 * Invalid arguments come back as tool errors (isError, code invalid_request, the bad field named), never as
 * protocol errors, in both protocol eras. Unknown libraries and ids are not_found.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERAS, errorCodeOf, errorMetaOf, type Harness, startHarness, textOf } from './support/mcp-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const INVALID: Array<[tool: string, args: Record<string, unknown>, field: string]> = [
  ['search_media', {}, 'query'],
  ['search_media', { query: '   ' }, 'query'],
  ['search_media', { query: 'x', limit: 0 }, 'limit'],
  ['search_media', { query: 'x', limit: 101 }, 'limit'],
  ['search_media', { query: 'x', limit: 2.5 }, 'limit'],
  ['search_media', { query: 'x', media_type: 'podcast' }, 'media_type'],
  ['search_media', { query: 'x', colour: 'red' }, 'arguments'],
  ['get_media_details', {}, 'media_id'],
  ['get_media_details', { media_id: 'abc' }, 'media_id'],
  ['get_media_details', { media_id: '12', include_cast: 'yes' }, 'include_cast'],
  ['get_recently_added', { limit: 51 }, 'limit'],
  ['get_recently_added', { library: '' }, 'library'],
  ['get_on_deck', { limit: 26 }, 'limit'],
  ['get_on_deck', { limit: 0 }, 'limit'],
  ['get_playback_status', { user: 42 }, 'user'],
  ['control_playback', {}, 'action'],
  ['control_playback', { action: 'rewind' }, 'action'],
  ['control_playback', { action: 'seek' }, 'position_ms'],
  ['control_playback', { action: 'seek', position_ms: -5 }, 'position_ms'],
  ['control_playback', { action: 'pause', position_ms: 1000 }, 'position_ms'],
  ['list_libraries', { extra: true }, 'arguments'],
];

describe.each(ERAS)('argument validation (%s era)', (era) => {
  let client: Client;
  beforeAll(async () => {
    client = await h.connect(era);
  });

  it.each(INVALID)('%s %j is invalid_request naming %s', async (tool, args, field) => {
    h.sim.resetRequestCounts();
    const result = await client.callTool({ name: tool, arguments: args });
    expect(result.isError).toBe(true);
    expect(errorCodeOf(result)).toBe('invalid_request');
    expect(textOf(result)).toMatch(/^\[invalid_request\] /);
    expect(textOf(result)).toContain(field === 'arguments' ? 'Unrecognized key' : `${field}:`);
    expect(result.structuredContent).toBeUndefined();
    // Rejected before any Plex request.
    expect(Object.values(h.sim.requestCounts()).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('an unknown library name is not_found and lists the libraries that exist', async () => {
    const result = await client.callTool({
      name: 'search_media',
      arguments: { query: 'a', library: 'Cartoons' },
    });
    expect(errorCodeOf(result)).toBe('not_found');
    expect(textOf(result)).toContain('library');
    const libraries = errorMetaOf(result).libraries as Array<{ name: string }>;
    expect(libraries.map((l) => l.name)).toEqual(h.sim.catalog.sections.map((s) => s.title));
  });

  it('an unknown media id is not_found', async () => {
    const result = await client.callTool({ name: 'get_media_details', arguments: { media_id: '999999999' } });
    expect(errorCodeOf(result)).toBe('not_found');
  });

  it('an unknown tool is a protocol error, not a tool result', async () => {
    await expect(client.callTool({ name: 'delete_everything', arguments: {} })).rejects.toThrow(
      /delete_everything/,
    );
  });
});
