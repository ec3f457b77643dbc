import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo, McpHttpHandler } from '@modelcontextprotocol/server';
import type { Logger } from '../observability/logger.ts';
import { sendJsonRpcError } from './respond.ts';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the answer: node:http sets its own. Copying the
 * SDK's `Connection: keep-alive` (on SSE answers) would override a client's `Connection: close`.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-authenticate',
  'proxy-authorization',
]);

export interface ReadBody {
  /** The parsed JSON body: handed to the SDK as `parsedBody`, so it neither reads nor re-parses the body. */
  value: unknown;
}

/**
 * Serves one POST /mcp whose JSON body we have already read, through the SDK's fetch-shaped handler
 * (`createMcpHandler(...).fetch`): node request → web `Request`, web `Response` → node response.
 *
 * Why not the SDK's `toNodeHandler` here: given a parsed body it re-serialises it (JSON.stringify + TextEncoder
 * for Content-Length) into a body stream nobody reads, and streams every answer chunk by chunk through a
 * ReadableStream reader. This bridge builds a body-less Request and writes plain JSON answers in one `end()`; SSE answers are still streamed, with
 * backpressure, and stop when the client goes away. The protocol itself stays entirely in the SDK. Requests
 * without a JSON body (wrong Content-Type, GET, DELETE) still go through `toNodeHandler`.
 */
export async function serveParsedBody(
  handler: McpHttpHandler,
  req: IncomingMessage,
  res: ServerResponse,
  body: ReadBody,
  logger?: Logger,
  /** The verified OAuth token, handed to the SDK (tools see it as ctx.http.authInfo); undefined for the static token. */
  authInfo?: AuthInfo,
): Promise<void> {
  const abort = new AbortController();
  let finished = false;
  res.once('close', () => {
    if (!finished) abort.abort();
  });

  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  // No body on the web Request: with `parsedBody` the SDK reads nothing from it (its documented contract for
  // createMcpHandler/isLegacyRequest), and building a body stream was ~6% of a cached call's CPU. The framing
  // headers go too, so the Request describes itself consistently to anything that inspects it.
  headers.delete('content-length');
  headers.delete('transfer-encoding');
  const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/mcp'}`, {
    method: 'POST',
    headers,
    signal: abort.signal,
  });

  let response: Response;
  try {
    response = await handler.fetch(request, { parsedBody: body.value, authInfo });
  } catch (error) {
    // The handler answers its own failures; this is a bug or a closed handler (shutdown).
    logger?.error({ err: error }, 'MCP handler threw');
    finished = true;
    sendJsonRpcError(res, 500, -32603, 'Internal server error');
    return;
  }

  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) out[name] = value;
  });
  const stream = response.body;
  if (stream === null) {
    finished = true;
    res.writeHead(response.status, out);
    res.end();
    return;
  }
  if (!(response.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream')) {
    const bytes = Buffer.from(await response.arrayBuffer());
    out['content-length'] = String(bytes.length);
    finished = true;
    res.writeHead(response.status, out);
    res.end(bytes);
    return;
  }

  // Server-sent events: forward frames as they come; a client that disconnects cancels the stream.
  res.writeHead(response.status, out);
  res.flushHeaders();
  const reader = stream.getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  abort.signal.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || abort.signal.aborted) break;
      if (!res.write(value)) await Promise.race([once(res, 'drain'), once(abort.signal, 'abort')]);
    }
  } catch {
    // The stream failed or was cancelled: end what we have.
  } finally {
    abort.signal.removeEventListener('abort', cancel);
  }
  finished = true;
  res.end();
}
