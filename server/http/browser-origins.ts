import type { IncomingMessage, ServerResponse } from 'node:http';
import { ENV } from '../config/settings.ts';
import { sendJson, sendJsonRpcError } from './respond.ts';

/**
 * Browser access to /mcp: which `Origin`s may call it, and the CORS answers that let a browser page actually do so.
 *
 * - No `Origin` header (desktop and server-side MCP clients): allowed; bearer auth decides.
 * - Loopback origins (`http(s)://localhost|127.0.0.1|[::1]`, any port): allowed, for local development.
 * - Otherwise the origin must equal one in MCP_ALLOWED_ORIGINS exactly: scheme, host and port
 *   (`https://app.example.com` does not admit `http://app.example.com` or `https://app.example.com:8443`).
 *   Anything else is 403 before authentication.
 * - A CORS preflight (`OPTIONS /mcp` with `Access-Control-Request-Method`) from an allowed origin is answered 204
 *   without a token (browsers never send credentials on a preflight); the real request then needs the bearer token.
 * - Answers to an allowed origin carry `Access-Control-Allow-Origin: <that origin>` (never `*`), including 401s, so
 *   the page can read the challenge. No cookies are used, so `Allow-Credentials` is never sent.
 */
export interface BrowserOrigins {
  /** True when the request may proceed; otherwise a 403 has been sent. Adds the CORS answer headers when allowed. */
  admit(req: IncomingMessage, res: ServerResponse): boolean;
  /** Answers an OPTIONS request: 204 for a CORS preflight from an allowed origin, 403 or 405 otherwise. */
  preflight(req: IncomingMessage, res: ServerResponse): void;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const ALLOWED_METHODS = 'POST, GET, DELETE';
/** What an MCP browser client sends: the token, JSON, and the Streamable HTTP protocol headers. */
const ALLOWED_HEADERS =
  'Authorization, Content-Type, Accept, Mcp-Protocol-Version, Mcp-Session-Id, Last-Event-ID';
const EXPOSED_HEADERS = 'Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/** `scheme://host[:port]` of a URL-ish string, lower-cased, default ports dropped; undefined when unparseable. */
export function normaliseOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin.toLowerCase();
  } catch {
    return undefined;
  }
}

export function browserOrigins(allowedOrigins: readonly string[]): BrowserOrigins {
  const allowed = new Set(allowedOrigins);

  const isAllowed = (origin: string): boolean => {
    const normalised = normaliseOrigin(origin);
    if (normalised === undefined) return false;
    if (allowed.has(normalised)) return true;
    return LOOPBACK_HOSTS.has(new URL(normalised).hostname);
  };

  const refuse = (res: ServerResponse) =>
    sendJsonRpcError(res, 403, -32000, `Origin not allowed (see ${ENV.allowedOrigins})`, {
      Connection: 'close',
    });

  const corsHeaders = (res: ServerResponse, origin: string) => {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  };

  return {
    admit(req, res) {
      const origin = req.headers.origin;
      if (origin === undefined) return true;
      if (!isAllowed(origin)) {
        refuse(res);
        return false;
      }
      corsHeaders(res, origin);
      return true;
    },
    preflight(req, res) {
      const origin = req.headers.origin;
      if (origin === undefined || req.headers['access-control-request-method'] === undefined) {
        sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: ALLOWED_METHODS, Connection: 'close' });
        return;
      }
      if (!isAllowed(origin)) {
        refuse(res);
        return;
      }
      corsHeaders(res, origin);
      res.writeHead(204, {
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
      });
      res.end();
    },
  };
}
