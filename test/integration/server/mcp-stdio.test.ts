/**
 * `plex-mcp-server --stdio` spawned by the SDK's stdio client: tools listed and called in both eras, no auth, and
 * stdout carrying nothing but protocol messages (logs go to stderr).
 */
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOL_NAMES } from '../../e2e/call-every-tool.ts';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';
import { ERAS, errorCodeOf, randomToken } from './support/mcp-harness.ts';
import { baseEnv, MAIN_TS, REPO_ROOT } from './support/spawn-server.ts';

let sim: PlexSimulator;
beforeAll(async () => {
  sim = await startPlexSimulator({ port: 0, token: randomToken() });
});
afterAll(async () => {
  await sim?.close();
});

describe.each(ERAS)('stdio transport (%s era)', (era) => {
  it('lists the tools and answers calls; logs stay on stderr', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [MAIN_TS, '--stdio'],
      cwd: REPO_ROOT,
      env: { ...baseEnv(), PLEX_SERVER_URL: sim.url, PLEX_TOKEN: sim.token, LOG_LEVEL: 'debug' },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const client = new Client(
      { name: 'stdio-test', version: '1.0.0' },
      { versionNegotiation: { mode: era === 'modern' ? 'auto' : 'legacy' } },
    );
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);

      const libraries = await client.callTool({ name: 'list_libraries', arguments: {} });
      expect(libraries.isError).toBeFalsy();
      expect((libraries.structuredContent as { count: number }).count).toBe(sim.catalog.sections.length);

      const movie = sim.catalog.movies[2];
      const details = await client.callTool({
        name: 'get_media_details',
        arguments: { media_id: movie?.ratingKey },
      });
      expect((details.structuredContent as { item: { title: string } }).item.title).toBe(movie?.title);

      const history = await client.callTool({ name: 'get_watch_history', arguments: { since: '30d' } });
      expect(history.isError).toBeFalsy();
      expect((history.structuredContent as { count: number }).count).toBeGreaterThan(0);

      const unwatched = sim.catalog.movies.find((m) => !m.viewCount && !m.viewOffset);
      const marked = await client.callTool({
        name: 'mark_watched',
        arguments: { media_id: unwatched?.ratingKey },
      });
      expect((marked.structuredContent as { watched: boolean }).watched).toBe(true);
      expect(unwatched?.viewCount).toBe(1);
      await client.callTool({ name: 'mark_unwatched', arguments: { media_id: unwatched?.ratingKey } });
      const playlist = sim.playlists()[0]?.ratingKey;
      const preview = await client.callTool({
        name: 'delete_playlist',
        arguments: { playlist_id: playlist },
      });
      const token = (preview.structuredContent as { confirm: string }).confirm;
      expect(token.length).toBeGreaterThan(10);
      const deleted = await client.callTool({
        name: 'delete_playlist',
        arguments: { playlist_id: playlist, confirm: token },
      });
      expect((deleted.structuredContent as { status: string }).status).toBe('done');
      sim.reset();

      const invalid = await client.callTool({ name: 'search_media', arguments: { query: 'x', limit: 1000 } });
      expect(errorCodeOf(invalid)).toBe('invalid_request');
    } finally {
      await client.close();
    }
    // Every stderr line is a JSON log record (nothing else printed); the start line is among them.
    const lines = stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(stderr).toContain('"transport":"stdio"');
  });
});
