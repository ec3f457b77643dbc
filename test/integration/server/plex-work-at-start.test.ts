/**
 * What a start asks of Plex (the reachability probe, the event stream) waits until the transport has answered the
 * client's first requests and is idle (server/cli.ts, startPlexWork): a stdio client's tools/list is answered
 * before Plex hears from the server at all, and both requests come soon after.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EVENT_STREAM_PATH, type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';
import { randomToken } from './support/mcp-harness.ts';
import { connectStdioClient, MAIN_TS } from './support/spawn-server.ts';

let sim: PlexSimulator;
beforeAll(async () => {
  sim = await startPlexSimulator({ port: 0, token: randomToken() });
});
afterAll(async () => {
  await sim?.close();
});

it('answers initialize and tools/list before asking Plex anything, then probes Plex and connects its events', async () => {
  const client = await connectStdioClient(MAIN_TS, sim, { name: 'plex-work-at-start' });
  try {
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThan(0);
    expect(sim.requestLog()).toEqual([]);
    const deadline = Date.now() + 10_000;
    const paths = () => new Set(sim.requestLog().map((r) => r.path));
    while (!(paths().has('/identity') && paths().has(EVENT_STREAM_PATH)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(paths()).toContain('/identity');
    expect(paths()).toContain(EVENT_STREAM_PATH);
  } finally {
    await client.close();
  }
});
