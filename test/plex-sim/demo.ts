// `npm run demo`: the Plex simulator and the MCP server together, so anyone can try every tool without a Plex
// server. Prints the endpoint, a fresh random AUTH_TOKEN and how to connect Claude Code, the MCP Inspector and curl.
// Ctrl-C stops both.
//
// Options (env): DEMO_PORT (MCP server port, default 8080; 0 = any free port), DEMO_PLEX_PORT (default 0 = free),
// DEMO_ITEMS (catalog size, default 200), LOG_LEVEL (default warn).

import { randomBytes } from 'node:crypto';
import { startHttpServer } from '../../server/app.ts';
import { loadConfig } from '../../server/config/config.ts';
import { startPlexSimulator } from './simulator.ts';

const plexToken = randomBytes(18).toString('base64url');
const authToken = randomBytes(32).toString('base64url');

const sim = await startPlexSimulator({
  port: Number(process.env.DEMO_PLEX_PORT ?? 0),
  token: plexToken,
  items: Number(process.env.DEMO_ITEMS ?? 200),
});

const loaded = loadConfig(
  {
    PLEX_SERVER_URL: sim.url,
    PLEX_TOKEN: plexToken,
    AUTH_TOKEN: authToken,
    SERVER_HOST: '127.0.0.1',
    SERVER_PORT: process.env.DEMO_PORT ?? '8080',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  },
  'http',
);
if (!loaded.ok) {
  console.error(`demo: invalid configuration:\n  ${loaded.problems.join('\n  ')}`);
  await sim.close();
  process.exit(2);
}

let server: Awaited<ReturnType<typeof startHttpServer>>;
try {
  server = await startHttpServer(loaded.config);
} catch (error) {
  console.error(
    `demo: could not start the MCP server (${error instanceof Error ? error.message : String(error)}); ` +
      'is the port taken? Try DEMO_PORT=0 npm run demo',
  );
  await sim.close();
  process.exit(1);
}

const c = sim.catalog;
const url = server.url;
console.log(`
Plex simulator : ${sim.url}  ("${c.server.friendlyName}", ${c.movies.length} movies, ${c.shows.length} shows, ${c.artists.length} artists, ${c.photos.length} photos, 2 playing sessions)
MCP server     : ${url}
AUTH_TOKEN     : ${authToken}   (new on every start; demo only)

Connect Claude Code:
  claude mcp add --transport http plex-demo ${url} --header "Authorization: Bearer ${authToken}"

MCP Inspector (then choose "Streamable HTTP", URL ${url}, and add the header Authorization: Bearer <AUTH_TOKEN>):
  npx @modelcontextprotocol/inspector

curl (2025-06-18 JSON-RPC over Streamable HTTP):
  curl -s ${url} \\
    -H "Authorization: Bearer ${authToken}" \\
    -H "Content-Type: application/json" -H "Accept: application/json, text/event-stream" \\
    -H "MCP-Protocol-Version: 2025-06-18" \\
    -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_media","arguments":{"query":"${c.movies[0]?.title.split(' ')[1] ?? 'the'}","limit":3}}}'

Health: ${url.replace(/\/mcp$/, '/health/ready')}   Metrics: ${url.replace(/\/mcp$/, '/metrics')}
Press Ctrl-C to stop both.
`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping...');
  await server.close({ graceMs: 2_000 });
  await sim.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
