// The MCP client of the container smoke test. It runs in a container of the same network-less pod as the server,
// so it reaches the server only through the pod's loopback, on the port the Service targets.
//   node test/container/pod-client.ts ready --url http://127.0.0.1:8080/mcp     wait for /health/ready = 200
//   node test/container/pod-client.ts tools --url … [--load N]                 every tool, then N more calls
// AUTH_TOKEN comes from the environment. Prints one JSON line on stdout; exits 1 with the reason otherwise.
import { parseArgs } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { callEveryTool } from '../e2e/call-every-tool.ts';
import { generateCatalog } from '../plex-sim/catalog.ts';

const { values, positionals } = parseArgs({
  options: { url: { type: 'string' }, load: { type: 'string', default: '0' } },
  allowPositionals: true,
});
const url = values.url ?? '';
const authToken = process.env.AUTH_TOKEN ?? '';

async function waitReady(): Promise<void> {
  const health = url.replace(/\/mcp$/, '/health/ready');
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(health);
      last = `${response.status} ${await response.text()}`;
      if (response.status === 200) return;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${health} not ready after 60 s: ${last}`);
}

/** N more calls over the read tools (mostly cache hits, as a client's repeated questions are), 8 at a time. */
async function load(calls: number): Promise<{ calls: number; errors: number; ms: number }> {
  const client = new Client({ name: 'plex-mcp-smoke-load', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { Authorization: `Bearer ${authToken}` } },
    }),
  );
  const catalog = generateCatalog({});
  const words = catalog.movies.slice(0, 20).map((m) => m.title.split(' ').at(-1) ?? 'the');
  const requests: { name: string; arguments: Record<string, unknown> }[] = [];
  for (let i = 0; i < calls; i++) {
    const pick = i % 4;
    if (pick === 0) requests.push({ name: 'list_libraries', arguments: {} });
    else if (pick === 1) requests.push({ name: 'get_playback_status', arguments: {} });
    else requests.push({ name: 'search_media', arguments: { query: words[i % words.length], limit: 5 } });
  }
  const started = performance.now();
  let errors = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < requests.length) {
        const request = requests[next++];
        if (!request) break;
        const result = await client.callTool(request).catch(() => ({ isError: true }));
        if (result.isError) errors++;
      }
    }),
  );
  await client.close();
  return { calls, errors, ms: Math.round(performance.now() - started) };
}

try {
  if (positionals[0] === 'ready') {
    await waitReady();
    console.log(JSON.stringify({ ready: true }));
  } else if (positionals[0] === 'tools') {
    const checks = await callEveryTool({ url, authToken, catalog: generateCatalog({}) });
    const loaded = await load(Number(values.load));
    console.log(JSON.stringify({ tools: checks.map((c) => c.tool), load: loaded }));
  } else {
    throw new Error('usage: pod-client.ts ready|tools --url URL [--load N]');
  }
} catch (error) {
  console.error(`pod-client: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
