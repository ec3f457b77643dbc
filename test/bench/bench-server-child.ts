/**
 * The MCP server under test, in its own process so its memory and CPU are its own: the real startHttpServer with
 * configuration from the environment (as `plex-mcp-server` would read it). Reports its URL over IPC and exits when
 * the parent disconnects.
 */
import { startHttpServer } from '../../server/app.ts';
import { loadConfig } from '../../server/config/config.ts';

const loaded = loadConfig(process.env, 'http');
if (!loaded.ok) {
  process.stderr.write(`bench server: invalid configuration: ${loaded.problems.join('; ')}\n`);
  process.exit(78);
}
const server = await startHttpServer(loaded.config);
process.send?.({ url: server.url, port: server.port });
process.on('disconnect', () => {
  void server.close({ graceMs: 1_000 }).finally(() => process.exit(0));
});
