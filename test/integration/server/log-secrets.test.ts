/**
 * Captures ALL log output of spawned servers at LOG_LEVEL=trace while they serve tool calls, reject bad bearer
 * tokens, meet a Plex outage, a wrong Plex token and invalid arguments, and proves that neither AUTH_TOKEN nor
 * PLEX_TOKEN appears in any line.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';
import { errorCodeOf, randomToken } from './support/mcp-harness.ts';
import { MAIN_TS, type SpawnedServer, spawnServer } from './support/spawn-server.ts';

let sim: PlexSimulator;
beforeAll(async () => {
  sim = await startPlexSimulator({ port: 0, token: randomToken() });
});
afterAll(async () => {
  await sim?.close();
});

async function connect(port: number, bearer: string): Promise<Client> {
  const client = new Client({ name: 'log-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${bearer}` } },
    }),
  );
  return client;
}

async function exercise(server: SpawnedServer, authToken: string): Promise<void> {
  const port = await server.listening();
  const client = await connect(port, authToken);
  await client.callTool({ name: 'list_libraries', arguments: {} });
  await client.callTool({ name: 'search_media', arguments: { query: 'the', limit: 5 } });
  await client.callTool({
    name: 'get_media_details',
    arguments: { media_id: sim.catalog.movies[0]?.ratingKey },
  });
  await client.callTool({ name: 'get_playback_status', arguments: {} });
  await client.callTool({ name: 'search_media', arguments: { query: '' } });
  await client.callTool({ name: 'get_media_details', arguments: { media_id: '987654321' } });
  sim.setFault({ mode: 'error' });
  await client.callTool({ name: 'get_recently_added', arguments: {} });
  sim.setFault({ mode: 'garbage' });
  await client.callTool({ name: 'get_on_deck', arguments: {} });
  sim.setFault({ mode: 'none' });
  await fetch(`http://127.0.0.1:${port}/health/ready`);
  await client.close();
  // Wrong bearer tokens, including a near miss of the real one.
  await expect(connect(port, `${authToken.slice(0, -2)}xx`)).rejects.toThrow();
  await expect(connect(port, 'wrong')).rejects.toThrow();
}

describe('no token value in any log line', () => {
  it('with the right Plex token, faults and failed logins', async () => {
    const authToken = randomToken(32);
    const server = spawnServer(MAIN_TS, [], {
      PLEX_SERVER_URL: sim.url,
      PLEX_TOKEN: sim.token,
      AUTH_TOKEN: authToken,
      SERVER_PORT: '0',
      LOG_LEVEL: 'trace',
    });
    try {
      await exercise(server, authToken);
    } finally {
      await server.stop();
    }
    assertClean(server.stderr(), [authToken, sim.token]);
  });

  it('with a wrong Plex token (unauthorized answers)', async () => {
    const authToken = randomToken(32);
    const wrongPlexToken = randomToken();
    const server = spawnServer(MAIN_TS, [], {
      PLEX_SERVER_URL: sim.url,
      PLEX_TOKEN: wrongPlexToken,
      AUTH_TOKEN: authToken,
      SERVER_PORT: '0',
      LOG_LEVEL: 'trace',
    });
    try {
      const port = await server.listening();
      const client = await connect(port, authToken);
      const result = await client.callTool({ name: 'list_libraries', arguments: {} });
      expect(errorCodeOf(result)).toBe('unauthorized');
      await client.close();
    } finally {
      await server.stop();
    }
    assertClean(server.stderr(), [authToken, wrongPlexToken, sim.token], 4);
  });
});

function assertClean(stderr: string, secrets: string[], minLines = 10): void {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  // The run must have produced real logs (startup, warnings for Plex failures, shutdown) for the check to mean anything.
  expect(lines.length).toBeGreaterThanOrEqual(minLines);
  const levels = new Set(lines.map((l) => (JSON.parse(l) as { level: string }).level));
  expect(levels.has('info')).toBe(true);
  expect(levels.has('trace')).toBe(true);
  for (const secret of secrets) {
    const leaking = lines.filter((l) => l.includes(secret));
    expect(leaking, `secret found in ${leaking.length} log line(s)`).toEqual([]);
    // Also no large fragment of it (e.g. a truncated token).
    expect(stderr).not.toContain(secret.slice(0, 16));
  }
}
