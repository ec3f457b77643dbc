import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { ENV } from '../config/settings.ts';
import type { Logger } from '../observability/logger.ts';
import {
  PlexBadResponseError,
  PlexError,
  PlexNotFoundError,
  PlexUnauthorizedError,
  PlexUnavailableError,
} from './errors.ts';
import { callerTokenSource, type PlexTokenSource } from './plex-identity.ts';
import type { PlexRequestPolicy } from './request-policy.ts';

export interface PlexHttpOptions {
  baseUrl: string;
  /** The configured (owner's) token: used when a call does not run as a signed-in person. */
  token: string;
  /** Per-request token choice; default: the caller's (plex-identity.ts), else `token`. */
  tokens?: PlexTokenSource;
  clientIdentifier: string;
  maxConnections: number;
  /** Socket-level ceiling; the per-request timeout itself comes from the policy's AbortSignal. */
  timeoutMs: number;
  /**
   * Largest answer body accepted (PLEX_MAX_RESPONSE_BYTES). Checked against Content-Length before reading and
   * counted while reading: an answer that is larger (or never ends) is cut off instead of filling the heap.
   */
  maxResponseBytes: number;
  policy: PlexRequestPolicy;
  product: string;
  version: string;
  /** Per-request trace lines (endpoint, status, time); headers, and so the token, are never logged. */
  logger?: Logger | undefined;
}

export interface PlexRequest {
  /** GET unless set: watch state, ratings and playlists need PUT, POST and DELETE (REFERENCE.md §3.10-3.11). */
  method?: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Reads are idempotent (may be retried); player commands are not. */
  idempotent: boolean;
  /** Low-cardinality label for metrics and errors, e.g. `/library/metadata/:id`. */
  endpoint: string;
  headers?: Record<string, string>;
  /** Player commands answer with XML, plain "OK" or nothing; we only need the status. */
  expectBody?: boolean;
}

/** Idle keep-alive sockets are closed after this long (Plex, like Node, may close them first; see below). */
const IDLE_SOCKET_MS = 30_000;

/**
 * Error and empty answers (4xx/5xx pages, player commands) are drained so their socket can be reused, but only up
 * to this many bytes; beyond that the socket is dropped rather than read on.
 */
const DRAIN_LIMIT_BYTES = 64 * 1024;

/**
 * The HTTP edge to Plex: one keep-alive node:http(s) Agent bounded by PLEX_MAX_CONNECTIONS, the X-Plex-* identity
 * headers, JSON decoding and status → typed error mapping. Timeouts, retries and the circuit breaker are the
 * policy's job; this class just performs one attempt per call of the policy's callback.
 *
 * Why node:http and not undici: the server talks to one Plex origin with a handful of sockets, which node:http's
 * Agent does as well, while loading undici costs ~28 MiB of RSS in a process that should fit in a small container.
 * The Agent honours a server's `Keep-Alive: timeout=N` hint, so a socket Plex is about to close is not reused.
 */
export class PlexHttp {
  readonly #agent: http.Agent;
  readonly #request: typeof http.request;
  /** Where every request goes: the base URL's protocol, host (IPv6 without brackets, as node:http wants) and port. */
  readonly #target: { protocol: string; hostname: string; port: string };
  readonly #basePath: string;
  readonly #headers: Record<string, string>;
  readonly #tokens: PlexTokenSource;
  /** The configured token: the event stream is the server's own, never a signed-in person's. */
  readonly #ownerToken: string;
  readonly #policy: PlexRequestPolicy;
  readonly #logger: Logger | undefined;
  /** Socket inactivity ceiling while a request is in flight (the policy's AbortSignal normally fires first). */
  readonly #socketTimeoutMs: number;
  readonly #maxResponseBytes: number;

  constructor(options: PlexHttpOptions) {
    const base = new URL(options.baseUrl);
    this.#target = {
      protocol: base.protocol,
      hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: base.port,
    };
    this.#basePath = base.pathname.replace(/\/+$/, '');
    const secure = base.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: options.maxConnections, timeout: IDLE_SOCKET_MS };
    this.#agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.#request = secure ? https.request : http.request;
    this.#socketTimeoutMs = options.timeoutMs + 1_000;
    this.#maxResponseBytes = options.maxResponseBytes;
    this.#policy = options.policy;
    this.#logger = options.logger;
    this.#tokens = options.tokens ?? callerTokenSource(options.token);
    this.#ownerToken = options.token;
    this.#headers = {
      accept: 'application/json',
      'x-plex-client-identifier': options.clientIdentifier,
      'x-plex-product': options.product,
      'x-plex-version': options.version,
      'x-plex-platform': 'Node.js',
      'x-plex-platform-version': process.versions.node,
      'x-plex-device': 'MCP server',
      'x-plex-device-name': options.product,
      'x-plex-provides': 'controller',
    };
  }

  /** Sends the request and returns the decoded JSON body (or undefined for `expectBody: false`). */
  async get(request: PlexRequest): Promise<unknown> {
    return this.#policy.execute((signal) => this.#attempt(request, signal), {
      idempotent: request.idempotent,
      endpoint: request.endpoint,
    });
  }

  /**
   * GETs `path` and returns the raw body (an image from the photo transcoder), or undefined when it is larger than
   * `maxBytes`: the read stops there, so an oversized answer never sits in memory whole.
   */
  async getBytes(request: PlexRequest, maxBytes: number): Promise<PlexBytes | undefined> {
    return this.#policy.execute(
      (signal) => this.#traced(request, () => this.#attemptBytes(request, maxBytes, signal)),
      { idempotent: request.idempotent, endpoint: request.endpoint },
    );
  }

  /**
   * Opens a long-lived streaming GET (Plex's event stream) with the configured token, outside the pool and the
   * policy: it is not a request with a deadline, and must not hold one of PLEX_MAX_CONNECTIONS sockets. Resolves
   * with the response once a 2xx status is in (the caller reads the body); rejects with the mapped PlexError
   * otherwise. Aborting `signal` ends the stream.
   */
  async openStream(
    path: string,
    query: PlexRequest['query'],
    signal: AbortSignal,
    connectTimeoutMs = this.#socketTimeoutMs,
  ): Promise<IncomingMessage> {
    const endpoint = path;
    const full = this.#basePath + path + toQueryString(query);
    const headers = { ...this.#headers, accept: 'text/event-stream', 'x-plex-token': this.#ownerToken };
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = this.#request(
        {
          ...this.#target,
          method: 'GET',
          path: full,
          headers,
          agent: false,
          signal,
        },
        (res) => {
          clearTimeout(timer);
          resolve(res);
        },
      );
      const timer = setTimeout(
        () => req.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })),
        connectTimeoutMs,
      );
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(toNetworkError(error, endpoint, signal));
      });
      req.end();
    });
    const statusCode = response.statusCode ?? 0;
    if (statusCode < 200 || statusCode >= 300) {
      discard(response);
      throw statusError(statusCode, endpoint);
    }
    // Anything but an event stream (a proxy's page, a JSON answer) is not one, however long it goes on.
    if (!String(response.headers['content-type'] ?? '').includes('text/event-stream')) {
      response.destroy();
      throw new PlexBadResponseError(`Plex answered ${endpoint} with something that is not an event stream`, {
        status: statusCode,
        endpoint,
      });
    }
    return response;
  }

  async close(): Promise<void> {
    this.#agent.destroy();
  }

  #attempt(request: PlexRequest, signal: AbortSignal): Promise<unknown> {
    return this.#traced(request, () => this.#attemptOnce(request, signal));
  }

  async #traced<T>(request: PlexRequest, attempt: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const body = await attempt();
      this.#logger?.trace(
        { endpoint: request.endpoint, ms: Math.round(performance.now() - started) },
        'plex request ok',
      );
      return body;
    } catch (error) {
      this.#logger?.trace(
        { endpoint: request.endpoint, ms: Math.round(performance.now() - started), err: error },
        'plex request failed',
      );
      throw error;
    }
  }

  /** One request (no body; Plex takes every parameter in the query) on the pool; resolves once headers are in. */
  #send(
    method: string,
    path: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = this.#request(
        {
          ...this.#target,
          method,
          path,
          headers,
          agent: this.#agent,
          signal,
          timeout: this.#socketTimeoutMs,
        },
        resolve,
      );
      req.once('timeout', () =>
        req.destroy(Object.assign(new Error('socket timeout'), { code: 'ETIMEDOUT' })),
      );
      // `on`, not `once`: a second 'error' (e.g. an abort after a socket error) must not become an uncaught one.
      req.on('error', reject);
      req.end();
    });
  }

  async #attemptOnce(request: PlexRequest, signal: AbortSignal): Promise<unknown> {
    const path = this.#basePath + request.path + toQueryString(request.query);
    const endpoint = request.endpoint;
    let response: IncomingMessage;
    try {
      response = await this.#send(
        request.method ?? 'GET',
        path,
        { ...this.#headers, 'x-plex-token': this.#tokens.tokenForThisCall(), ...request.headers },
        signal,
      );
    } catch (error) {
      throw toNetworkError(error, endpoint, signal);
    }

    const statusCode = response.statusCode ?? 0;
    if (statusCode < 200 || statusCode >= 300) {
      discard(response);
      throw statusError(statusCode, endpoint);
    }
    if (request.expectBody === false) {
      discard(response);
      return undefined;
    }
    const limit = this.#maxResponseBytes;
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      response.destroy();
      throw tooLarge(endpoint, `${declared} bytes`, limit);
    }
    let text: string;
    try {
      text = await readText(response, limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw tooLarge(endpoint, `more than ${limit} bytes`, limit);
      throw toNetworkError(error, endpoint, signal);
    }
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new PlexBadResponseError(`Plex answered ${endpoint} with a body that is not JSON`, {
        status: statusCode,
        endpoint,
      });
    }
  }

  async #attemptBytes(
    request: PlexRequest,
    maxBytes: number,
    signal: AbortSignal,
  ): Promise<PlexBytes | undefined> {
    const path = this.#basePath + request.path + toQueryString(request.query);
    let response: IncomingMessage;
    try {
      response = await this.#send(
        'GET',
        path,
        {
          ...this.#headers,
          'x-plex-token': this.#tokens.tokenForThisCall(),
          accept: 'image/jpeg, image/png',
          ...request.headers,
        },
        signal,
      );
    } catch (error) {
      throw toNetworkError(error, request.endpoint, signal);
    }
    const statusCode = response.statusCode ?? 0;
    if (statusCode < 200 || statusCode >= 300) {
      discard(response);
      throw statusError(statusCode, request.endpoint);
    }
    const limit = Math.min(maxBytes, this.#maxResponseBytes);
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      response.destroy();
      return undefined;
    }
    const contentType =
      String(response.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim() ?? '';
    try {
      return { contentType, data: await readBody(response, limit) };
    } catch (error) {
      if (error instanceof BodyTooLargeError) return undefined;
      throw toNetworkError(error, request.endpoint, signal);
    }
  }
}

export interface PlexBytes {
  /** The Content-Type Plex sent, without parameters (e.g. `image/jpeg`). */
  contentType: string;
  data: Buffer;
}

class BodyTooLargeError extends Error {}

function readText(response: IncomingMessage, limitBytes: number): Promise<string> {
  return readBody(response, limitBytes).then((body) => body.toString('utf8'));
}

/**
 * The whole body, at most `limitBytes` of it (the response is destroyed as soon as more arrives). Plain
 * 'data' events into one Buffer.concat: Plex answers run to hundreds of KiB, and an async iterator (one promise per
 * chunk) or string appends cost measurably more (bench:server:profile). Every failure, decoding included, rejects:
 * nothing thrown here may escape from an event handler and take the process down.
 */
function readBody(response: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        chunks.length = 0;
        reject(new BodyTooLargeError());
        response.destroy();
        return;
      }
      chunks.push(chunk);
    });
    response.once('end', () => {
      try {
        resolve(Buffer.concat(chunks));
      } catch (error) {
        reject(error);
      }
    });
    response.on('error', reject);
    // A socket that closes mid-body ends the response without 'end' (and may not emit 'error').
    response.once('close', () => {
      if (!response.complete)
        reject(Object.assign(new Error('response closed early'), { code: 'ECONNRESET' }));
    });
  });
}

/** Reads and drops a body we do not need; a large or endless one costs the socket instead of the wait. */
function discard(response: IncomingMessage): void {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > DRAIN_LIMIT_BYTES) {
    response.destroy();
    return;
  }
  let received = 0;
  response.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > DRAIN_LIMIT_BYTES) response.destroy();
  });
  response.on('error', () => undefined);
  response.resume();
}

function tooLarge(endpoint: string, size: string, limit: number): PlexBadResponseError {
  return new PlexBadResponseError(
    `Plex answered ${endpoint} with ${size}, more than ${ENV.plexMaxResponseBytes} (${limit}); the answer was dropped`,
    { endpoint },
  );
}

function toQueryString(query: PlexRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.set(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

function statusError(status: number, endpoint: string): PlexError {
  if (status === 401 || status === 403) {
    return new PlexUnauthorizedError(`Plex refused the token (HTTP ${status}) on ${endpoint}`, {
      status,
      endpoint,
    });
  }
  if (status === 404)
    return new PlexNotFoundError(`Plex has no such item (HTTP 404) on ${endpoint}`, { status, endpoint });
  if (status >= 500) {
    return new PlexUnavailableError(`Plex failed with HTTP ${status} on ${endpoint}`, { status, endpoint });
  }
  return new PlexBadResponseError(`Plex rejected the request with HTTP ${status} on ${endpoint}`, {
    status,
    endpoint,
  });
}

function toNetworkError(error: unknown, endpoint: string, signal: AbortSignal): PlexError {
  if (error instanceof PlexError) return error;
  if (signal.aborted) {
    return new PlexUnavailableError(`Plex did not answer ${endpoint} in time`, { endpoint });
  }
  // Node's error codes (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ...) say what failed without leaking request details.
  const code = (error as { code?: unknown })?.code;
  const reason = typeof code === 'string' ? code : error instanceof Error ? error.name : 'network error';
  return new PlexUnavailableError(`Plex is unreachable (${reason}) on ${endpoint}`, { endpoint });
}
