/**
 * The BUILT entry point (what `npm run build && npm start` runs): the server's part of the build (.ci/build/build.ts:
 * its bundle and the MCP Apps views) into a private out dir (so parallel builds of other engineers are not
 * disturbed), then serves HTTP and stdio from it.
 */
import { copyFile, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../.ci/build/build.ts';
import { TOOL_NAMES } from '../../e2e/call-every-tool.ts';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';
import { randomToken } from './support/mcp-harness.ts';
import { connectStdioClient, MAIN_TS, REPO_ROOT, spawnServer } from './support/spawn-server.ts';

// Inside the repo (git-ignored) so the built files resolve node_modules and package.json's "type": "module".
const OUT_DIR = path.join(REPO_ROOT, '.vitest-cache', `dist-${process.pid}-${Date.now()}`);
const MAIN_JS = path.join(OUT_DIR, 'server', 'main.js');

let sim: PlexSimulator;
beforeAll(async () => {
  await mkdir(OUT_DIR, { recursive: true });
  await buildServer(path.join(OUT_DIR, 'server'));
  // server/version.ts reads ../package.json relative to itself, as it does in dist/.
  await copyFile(path.join(REPO_ROOT, 'package.json'), path.join(OUT_DIR, 'package.json'));
  sim = await startPlexSimulator({ port: 0, token: randomToken() });
}, 180_000);
afterAll(async () => {
  await sim?.close();
  await rm(OUT_DIR, { recursive: true, force: true });
});

describe('built dist entry', () => {
  it('bundles server/main.ts into main.js', async () => {
    expect((await stat(MAIN_JS)).isFile()).toBe(true);
  });

  it('serves HTTP: every tool with output schemas, calls succeed', async () => {
    const authToken = randomToken(32);
    const server = spawnServer(MAIN_JS, [], {
      PLEX_SERVER_URL: sim.url,
      PLEX_TOKEN: sim.token,
      AUTH_TOKEN: authToken,
      SERVER_PORT: '0',
      LOG_LEVEL: 'info',
    });
    try {
      const port = await server.listening();
      const client = new Client({ name: 'dist-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
          requestInit: { headers: { Authorization: `Bearer ${authToken}` } },
        }),
      );
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(TOOL_NAMES.length);
      expect(tools.every((t) => t.outputSchema && t.annotations)).toBe(true);
      expect(client.getServerVersion()).toMatchObject({
        name: 'plex-mcp',
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      });
      expect(client.getServerVersion()?.version).not.toBe('0.0.0');
      // The MCP Apps views are served from dist/ too (their sources are copied there by the build).
      const view = await client.readResource({ uri: 'ui://plex-mcp/now-playing.html' });
      expect((view.contents[0] as { text?: string }).text).toContain('ui/initialize');
      const status = await client.callTool({ name: 'get_plex_status', arguments: {} });
      expect(status.structuredContent).toMatchObject({
        reachable: true,
        machine_identifier: sim.machineIdentifier,
      });
      await client.close();
    } finally {
      // SIGTERM: graceful shutdown exits 0.
      expect(await server.stop()).toBe(0);
    }
  });

  it('serves stdio with --stdio', async () => {
    const client = await connectStdioClient(MAIN_JS, sim, { name: 'dist-stdio' });
    const result = await client.callTool({ name: 'list_libraries', arguments: {} });
    expect((result.structuredContent as { count: number }).count).toBe(sim.catalog.sections.length);
    await client.close();
  });

  it('lists the same tools, schemas and all, as the sources, from the JSON Schemas the build precomputed', async () => {
    const listed = async (entry: string) => {
      const client = await connectStdioClient(entry, sim, { name: 'dist-tools-list' });
      try {
        return (await client.listTools()).tools;
      } finally {
        await client.close();
      }
    };
    const [built, source] = await Promise.all([listed(MAIN_JS), listed(MAIN_TS)]);
    expect(built.map((tool) => tool.name).sort()).toEqual([...TOOL_NAMES].sort());
    expect(built).toEqual(source);
    // The bundle carries every tool's two schemas precomputed (server/tools/built-json-schemas.ts): the list above
    // came from that table, not from a conversion at start.
    const chunks = (await readdir(path.dirname(MAIN_JS))).filter((name) => name.endsWith('.js'));
    const code = (
      await Promise.all(chunks.map((name) => readFile(path.join(path.dirname(MAIN_JS), name), 'utf8')))
    ).join('\n');
    for (const name of TOOL_NAMES) {
      expect(code).toContain(`"${name}/input/input/draft-2020-12"`);
      expect(code).toContain(`"${name}/output/output/draft-2020-12"`);
    }
  });
});
