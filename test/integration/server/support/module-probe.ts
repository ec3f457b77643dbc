/**
 * Run as a child process: starts the HTTP server with the configuration in the environment, serves one tools/list
 * with AUTH_TOKEN, and prints (as one JSON line on stdout) the URL of every module the process resolved. Tests use
 * it to prove what the default configuration does NOT load.
 */
import { registerHooks } from 'node:module';

const resolved = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    resolved.add(result.url);
    return result;
  },
});

const { startHttpServer } = await import('../../../../server/http-server.ts');
const { loadConfig } = await import('../../../../server/config/config.ts');
const loaded = loadConfig(process.env, 'http');
if (!loaded.ok) throw new Error(loaded.problems.join('; '));
const server = await startHttpServer(loaded.config);
const response = await fetch(server.url, {
  method: 'POST',
  headers: {
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    'MCP-Protocol-Version': '2025-11-25',
    Authorization: `Bearer ${process.env.AUTH_TOKEN}`,
  },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
});
await server.close({ graceMs: 500 });
process.stdout.write(`${JSON.stringify({ status: response.status, modules: [...resolved] })}\n`);
process.exit(0);
