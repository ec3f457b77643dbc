/**
 * A loopback reverse proxy that adds `Authorization: Bearer <token>` to every request it forwards, for clients that
 * cannot send the header themselves (the MCP conformance suite's server runner connects with a bare SDK transport).
 * Everything else passes through untouched, in both directions and streamed: method, path, every request header
 * (Host and Origin included, so the suite's DNS-rebinding probe reaches our server as it sent it), status, response
 * headers and SSE bodies. A request that already carries an Authorization header keeps its own.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenProxy {
  /** `http://127.0.0.1:<port>`: the proxy's origin; append the target's path. */
  origin: string;
  /** Requests forwarded so far, and how many of them got the token added. */
  counts(): { forwarded: number; tokenAdded: number };
  close(): Promise<void>;
}

export async function startTokenProxy(target: string, token: string): Promise<TokenProxy> {
  const upstream = new URL(target);
  let forwarded = 0;
  let tokenAdded = 0;
  const server: Server = createServer((req, res) => {
    forwarded += 1;
    const headers = { ...req.headers };
    if (headers.authorization === undefined) {
      headers.authorization = `Bearer ${token}`;
      tokenAdded += 1;
    }
    const out = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        // SSE answers must reach the client event by event, not when the stream ends.
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    out.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`token proxy: upstream failed: ${error.message}`);
    });
    // A client that goes away (the suite closing an SSE stream) closes the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    counts: () => ({ forwarded, tokenAdded }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
