/**
 * Serves the test host page on a loopback port: host.html with host.js bundled for the browser by esbuild (from
 * the repository and node_modules only). One page per test; the view itself arrives as srcdoc from the server.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MCP Apps test host</title>
<style>body{margin:0;padding:16px;background:#e9e9ee;font-family:system-ui}#frame iframe{width:100%;border:0;
background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.2);display:block}</style></head>
<body><div id="frame"></div><script type="module" src="/host.js"></script></body></html>`;

export interface HostPage {
  url: string;
  close(): Promise<void>;
}

export async function startHostPage(): Promise<HostPage> {
  const bundle = await build({
    entryPoints: [new URL('./host.js', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.contents ?? new Uint8Array();
  const server = createServer((req, res) => {
    if (req.url === '/host.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(HTML);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
