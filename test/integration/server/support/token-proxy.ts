/**
 * A loopback reverse proxy that decides each request's Authorization header, for clients that cannot send the one
 * the server accepts: the MCP conformance suite's server runner connects with a bare SDK transport (the proxy adds
 * the token), bench:operator's verifier sends the token the operator generated for each server while one real server
 * stands behind them all (test/bench/token-proxy.ts swaps it for that server's). Everything else passes through
 * untouched, in both directions and streamed: method, path, every other request header (Host and Origin included,
 * so the suite's DNS-rebinding probe reaches our server as it sent it), status, response headers and SSE bodies.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The Authorization header to forward for the one a request came with (undefined: none). */
export type AuthorizationRewrite = (
  authorization: string | undefined,
) => string | undefined | Promise<string | undefined>;

/** The conformance suite's rewrite: a request without an Authorization header gets `Bearer <token>`. */
export const addBearerToken =
  (token: string): AuthorizationRewrite =>
  (authorization) =>
    authorization ?? `Bearer ${token}`;

export interface TokenProxy {
  /** `http://127.0.0.1:<port>`: the proxy's origin; append the target's path. */
  origin: string;
  /** Requests forwarded so far, and how many of them with another Authorization header than they came with. */
  counts(): { forwarded: number; rewritten: number };
  close(): Promise<void>;
}

export async function startTokenProxy(target: string, rewrite: AuthorizationRewrite): Promise<TokenProxy> {
  const upstream = new URL(target);
  let forwarded = 0;
  let rewritten = 0;
  const server: Server = createServer(async (req, res) => {
    // The body waits (paused) while an asynchronous rewrite decides; it is piped on below.
    const authorization = await rewrite(req.headers.authorization);
    forwarded += 1;
    const headers = { ...req.headers };
    if (authorization !== req.headers.authorization) {
      rewritten += 1;
      if (authorization === undefined) delete headers.authorization;
      else headers.authorization = authorization;
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
    counts: () => ({ forwarded, rewritten }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
