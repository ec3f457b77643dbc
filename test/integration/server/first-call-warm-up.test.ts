/**
 * The idle warm-up (server/first-call-warm-up.ts) has no effect anyone can see: run to its end against a server
 * on the Plex simulator, it sent Plex nothing, changed no metric, logged nothing and wrote nothing to the cache; its
 * throwaway tools/call (server/mcp/warm-up-call.ts) is answered on each transport's path; and the server it waits
 * for says it is busy exactly while a request is being served.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { firstCallSteps, type WarmUpTransport, warmUpFirstCall } from '../../../server/first-call-warm-up.ts';
import { warmUpHttpCall, warmUpSessionCall } from '../../../server/mcp/warm-up-call.ts';
import { createLogger } from '../../../server/observability/logger.ts';
import { type Harness, startHarness } from './support/mcp-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ CACHE_ENABLED: 'true' });
});
afterAll(async () => {
  await h?.close();
});

it('answers its throwaway tools/call on the HTTP path (both eras) and on the session path', async () => {
  // They throw when the call is not answered with a structured result: a warm-up step would skip that silently.
  await expect(warmUpHttpCall(h.server.deps)).resolves.toBeUndefined();
  await expect(warmUpSessionCall(h.server.deps)).resolves.toBeUndefined();
});

it.each<WarmUpTransport>(['http', 'stdio'])(
  'runs every step (%s) and sends Plex nothing, changes no metric, logs nothing, writes nothing to the cache',
  async (transport) => {
    const registry = h.server.deps.metrics?.registry;
    if (!registry) throw new Error('HTTP deps hold a metrics registry');
    h.sim.reset();
    // The server's own metrics (the process and Node ones move with time by themselves).
    const ours = async () =>
      (await registry.metrics()).split('\n').filter((line) => line.includes('plexmcp_'));
    const metricsBefore = await ours();
    expect(metricsBefore.length).toBeGreaterThan(0);
    // The server's deps with a logger that keeps every line, down to trace.
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const deps = {
      ...h.server.deps,
      logger: createLogger({ level: 'trace', secrets: [], destination: sink }),
    };
    const total = [...firstCallSteps(deps, transport)].length;
    expect(total).toBeGreaterThan(50);
    expect(await warmUpFirstCall(h.server.busy, deps, transport).finished).toBe(total);
    expect(h.sim.requestLog()).toEqual([]);
    expect(await ours()).toEqual(metricsBefore);
    expect(lines).toEqual([]);
  },
);

it('leaves no cache entry: a tool call after the warm-up is answered by Plex', async () => {
  await warmUpFirstCall(h.server.busy, h.server.deps, 'http').finished;
  h.sim.reset();
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
