/**
 * A Plex that is down when the server starts is logged once, plainly, and the expected "Plex unreachable"
 * warnings of tool calls carry the reason but no stack trace.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../support/redis-server.ts';
import { connectClient, errorCodeOf, randomToken } from './support/mcp-harness.ts';
import { MAIN_TS, type SpawnedServer, spawnServer } from './support/spawn-server.ts';

let server: SpawnedServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('Plex unreachable at start', () => {
  it('logs one clear warning without a stack, starts anyway, and tool warnings carry no stack either', async () => {
    const deadPort = await freeLoopbackPort();
    const authToken = randomToken(32);
    server = spawnServer(MAIN_TS, [], {
      PLEX_SERVER_URL: `http://127.0.0.1:${deadPort}`,
      PLEX_TOKEN: randomToken(),
      AUTH_TOKEN: authToken,
      SERVER_PORT: '0',
      LOG_LEVEL: 'info',
      PLEX_TIMEOUT: '2',
    });
    const port = await server.listening();
    const deadline = Date.now() + 10_000;
    while (!server.stderr().includes('unreachable at start') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const client = await connectClient(`http://127.0.0.1:${port}/mcp`, authToken, 'modern');
    try {
      const result = await client.callTool({ name: 'list_libraries', arguments: {} });
      expect(errorCodeOf(result)).toBe('plex_unavailable');
    } finally {
      await client.close();
    }
    const lines = server
      .stderr()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const startup = lines.filter((l) => String(l.msg).includes('unreachable at start'));
    expect(startup).toHaveLength(1);
    expect(startup[0]).toMatchObject({ plexUrl: `http://127.0.0.1:${deadPort}` });
    expect(String(startup[0]?.reason)).toMatch(/ECONNREFUSED|unreachable/);
    const toolWarning = lines.find((l) => l.msg === 'tool call failed: Plex');
    expect(toolWarning?.reason).toBeDefined();
    for (const line of lines) expect(JSON.stringify(line)).not.toContain('"stack"');
  });
});
