/**
 * stdio purity, checked on the raw pipe (not through the SDK client, which might tolerate noise): every line the
 * server writes to stdout is a JSON-RPC message, even at LOG_LEVEL=trace with failing Plex calls.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';
import { randomToken } from './support/mcp-harness.ts';
import { MAIN_TS, spawnServer } from './support/spawn-server.ts';

let sim: PlexSimulator;
beforeAll(async () => {
  sim = await startPlexSimulator({ port: 0, token: randomToken() });
});
afterAll(async () => {
  await sim?.close();
});

it('writes only JSON-RPC lines to stdout', async () => {
  const server = spawnServer(MAIN_TS, ['--stdio'], {
    PLEX_SERVER_URL: sim.url,
    PLEX_TOKEN: sim.token,
    LOG_LEVEL: 'trace',
  });
  const send = (message: object) => server.child.stdin?.write(`${JSON.stringify(message)}\n`);
  send({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
  send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'list_libraries', arguments: {} } });
  send({
    jsonrpc: '2.0',
    id: 4,
    method: 'tools/call',
    params: { name: 'get_media_details', arguments: { media_id: '4242424' } },
  });
  send({
    jsonrpc: '2.0',
    id: 5,
    method: 'tools/call',
    params: { name: 'search_media', arguments: { limit: -1 } },
  });

  const deadline = Date.now() + 15_000;
  const answered = () => [1, 2, 3, 4, 5].every((id) => server.stdout().includes(`"id":${id}`));
  while (Date.now() < deadline && !answered()) await new Promise((r) => setTimeout(r, 50));
  server.child.stdin?.end();
  await server.exited;

  const lines = server
    .stdout()
    .split('\n')
    .filter((l) => l !== '');
  // Calls run concurrently, so answers may come in any order.
  expect(lines.map((l) => (JSON.parse(l) as { id?: number }).id).sort()).toEqual([1, 2, 3, 4, 5]);
  for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
  // The logs went to stderr, at trace level.
  expect(server.stderr()).toContain('"level":"trace"');
});
