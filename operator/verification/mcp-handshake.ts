// The MCP half of verification: a real MCP client (the SDK's, as any user's client would be) negotiates with the
// server (server/discover on 2026-07-28, the initialize handshake on 2025-era servers), lists its tools and closes.
// One deadline covers every request of the exchange.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { describeFetchError } from './readiness-detail.ts';

export interface ServerIdentity {
  name: string;
  version: string;
  /** Protocol versions the server offers (server/discover), or the one negotiated by initialize. */
  protocolVersions: string[];
  toolCount: number;
  /** How the operator authenticated: the generated bearer token (OAuth servers also accept it). */
  authMode: 'bearer';
}

export type HandshakeResult =
  | { ok: true; server: ServerIdentity }
  | { ok: false; failure: 'unreachable' | 'unauthorized' | 'timeout' | 'protocol'; message: string };

/** tools/list pages we follow at most: a server with more is not ours. */
const MAX_TOOL_PAGES = 10;

export interface HandshakeOptions {
  timeoutMs: number;
  /** Reported to the server as the client's identity. */
  clientVersion: string;
  /** Hears each HTTP request sent to the server (the probe request rate the operator reports). */
  onRequest?: () => void;
}

/** Connects to <baseUrl>/mcp with `bearer`, lists the tools, closes. Never throws. */
export async function mcpHandshake(
  baseUrl: string,
  bearer: string,
  options: HandshakeOptions,
): Promise<HandshakeResult> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const client = new Client(
    { name: 'plex-mcp-operator', version: options.clientVersion },
    { versionNegotiation: { mode: 'auto' } },
  );
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', baseUrl), {
    requestInit: { headers: { Authorization: `Bearer ${bearer}` }, redirect: 'error' },
    fetch: (url, init) => {
      options.onRequest?.();
      return fetch(url, {
        ...init,
        signal: init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline,
      });
    },
  });
  const requestOptions = { timeout: options.timeoutMs, signal: deadline };
  try {
    await client.connect(transport, requestOptions);
    let toolCount = 0;
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const listed = await client.listTools(cursor ? { cursor } : {}, requestOptions);
      toolCount += listed.tools.length;
      cursor = listed.nextCursor;
      if (!cursor) break;
    }
    const identity = client.getServerVersion();
    const negotiated = client.getNegotiatedProtocolVersion();
    const offered = client.getDiscoverResult()?.supportedVersions;
    return {
      ok: true,
      server: {
        name: identity?.name ?? 'unknown',
        version: identity?.version ?? 'unknown',
        protocolVersions: offered && offered.length > 0 ? [...offered] : negotiated ? [negotiated] : [],
        toolCount,
        authMode: 'bearer',
      },
    };
  } catch (error) {
    return { ok: false, ...classify(error, deadline.aborted, options.timeoutMs) };
  } finally {
    await client.close().catch(() => undefined);
  }
}

function classify(
  error: unknown,
  timedOut: boolean,
  timeoutMs: number,
): { failure: 'unreachable' | 'unauthorized' | 'timeout' | 'protocol'; message: string } {
  if (timedOut) return { failure: 'timeout', message: `no MCP answer within ${timeoutMs} ms` };
  const text = describeFetchError(error, timeoutMs);
  const status = (error as { status?: number; code?: number; data?: { status?: number } }) ?? {};
  const httpStatus = status.status ?? status.data?.status;
  if (httpStatus === 401 || httpStatus === 403 || /\b401\b|unauthori[sz]ed/i.test(text)) {
    return { failure: 'unauthorized', message: 'the server refused the bearer token from the auth Secret' };
  }
  if (/ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|fetch failed/.test(text)) {
    return { failure: 'unreachable', message: `nothing answered MCP (${text})` };
  }
  return { failure: 'protocol', message: `the MCP exchange failed: ${text}` };
}
