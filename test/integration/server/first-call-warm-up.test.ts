/**
 * The idle warm-up (server/first-call-warm-up.ts) has no effect anyone can see: run to its end against a server
 * on the Plex simulator, it sent Plex nothing, changed no metric and wrote nothing to the cache; and the server
 * it waits for says it is busy exactly while a request is being served.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { firstCallSteps, warmUpFirstCall } from '../../../server/first-call-warm-up.ts';
import { type Harness, startHarness } from './support/mcp-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ CACHE_ENABLED: 'true' });
});
afterAll(async () => {
  await h?.close();
});

it('runs every step and sends Plex nothing, changes no metric, writes nothing to the cache', async () => {
  const registry = h.server.deps.metrics?.registry;
  if (!registry) throw new Error('HTTP deps hold a metrics registry');
  h.sim.reset();
  // The server's own metrics (the process and Node ones move with time by themselves).
  const ours = async () => (await registry.metrics()).split('\n').filter((line) => line.includes('plexmcp_'));
  const metricsBefore = await ours();
  expect(metricsBefore.length).toBeGreaterThan(0);
  const total = [...firstCallSteps()].length;
  expect(total).toBeGreaterThan(50);
  expect(await warmUpFirstCall(h.server.busy).finished).toBe(total);
  expect(h.sim.requestLog()).toEqual([]);
  expect(await ours()).toEqual(metricsBefore);
  // A tool call after it is still answered by Plex, not by a cache entry the warm-up could have left.
  const client = await h.connect('modern');
  const result = await client.callTool({ name: 'list_libraries', arguments: {} });
  expect(result.isError).toBeFalsy();
  expect(h.sim.requestLog().map((r) => r.path)).toContain('/library/sections');
});

it('is told the server is busy while a request is in flight, and idle soon after it is answered', async () => {
  const client = await h.connect('modern');
  await new Promise((r) => setTimeout(r, 100)); // past the connect's own requests
  expect(h.server.busy()).toBe(false);
  h.sim.setFault({ mode: 'slow', delay_ms: 300 });
  try {
    const call = client.callTool({ name: 'search_media', arguments: { query: 'warm' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(h.server.busy()).toBe(true);
    await call;
  } finally {
    h.sim.setFault({ mode: 'none' });
  }
  // Answered, and long enough ago that a follow-up would have come.
  await new Promise((r) => setTimeout(r, 100));
  expect(h.server.busy()).toBe(false);
});
