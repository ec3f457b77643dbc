import type { ServerResponse } from 'node:http';

const NO_STORE = 'no-store, no-transform';

/**
 * Forces `Cache-Control: no-store` on /mcp answers. The SDK's Node adapter writes its own Cache-Control
 * ("no-cache" for SSE) through `writeHead(status, headers)`, which would override a header set earlier, so we
 * rewrite it at writeHead time. `no-transform` is kept so proxies do not buffer or compress SSE streams.
 */
export function forceNoStore(res: ServerResponse): void {
  const writeHead = res.writeHead;
  res.writeHead = function patchedWriteHead(this: ServerResponse, statusCode: number, ...rest: unknown[]) {
    for (const arg of rest) {
      if (arg && typeof arg === 'object' && !Array.isArray(arg)) {
        for (const key of Object.keys(arg)) {
          if (key.toLowerCase() === 'cache-control') delete (arg as Record<string, unknown>)[key];
        }
      }
    }
    this.setHeader('Cache-Control', NO_STORE);
    return (writeHead as (...a: unknown[]) => ServerResponse).call(this, statusCode, ...rest);
  } as typeof res.writeHead;
  res.setHeader('Cache-Control', NO_STORE);
}
