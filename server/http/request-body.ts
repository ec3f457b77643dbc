import type { IncomingMessage } from 'node:http';

export type JsonBody =
  | { kind: 'json'; value: unknown }
  /** Not a JSON media type: left unread, for the MCP handler to refuse (415). */
  | { kind: 'not-json' }
  | { kind: 'too-large' }
  | { kind: 'unsupported-encoding' }
  /** Unparseable, or JSON that is neither an object nor an array (JSON-RPC is one of the two). */
  | { kind: 'invalid' }
  | { kind: 'aborted' };

function isJsonMediaType(contentType: string | undefined): boolean {
  const essence = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return essence === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(essence);
}

/**
 * Reads and parses a JSON request body of at most `limitBytes`, in place of a body-parser middleware: /mcp is
 * the only route with a body, and it is the hot path. The limit holds whether or not Content-Length is sent
 * (chunked bodies are counted as they arrive); compressed request bodies are refused rather than inflated.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<JsonBody> {
  if (!isJsonMediaType(req.headers['content-type'])) return Promise.resolve({ kind: 'not-json' });
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return Promise.resolve({ kind: 'unsupported-encoding' });
  }
  if (Number(req.headers['content-length'] ?? 0) > limitBytes) return Promise.resolve({ kind: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (result: JsonBody) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        // Keep draining (discarding) so the client can read our 413; the caller closes the connection after it.
        finish({ kind: 'too-large' });
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      const text =
        chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
      try {
        const value: unknown = JSON.parse(text);
        finish(value !== null && typeof value === 'object' ? { kind: 'json', value } : { kind: 'invalid' });
      } catch {
        finish({ kind: 'invalid' });
      }
    };
    const onError = () => finish({ kind: 'aborted' });
    const onAborted = () => finish({ kind: 'aborted' });
    // A client that goes away mid-body may end the stream with neither 'end' nor 'error'.
    const onClose = () => {
      if (!req.complete) finish({ kind: 'aborted' });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
    req.on('close', onClose);
  });
}
