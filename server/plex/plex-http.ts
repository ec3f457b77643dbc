import { Pool } from 'undici';
import type { Logger } from '../observability/logger.ts';
import {
  PlexBadResponseError,
  PlexError,
  PlexNotFoundError,
  PlexUnauthorizedError,
  PlexUnavailableError,
} from './errors.ts';
import type { PlexRequestPolicy } from './request-policy.ts';

export interface PlexHttpOptions {
  baseUrl: string;
  token: string;
  clientIdentifier: string;
  maxConnections: number;
  /** Socket-level ceiling; the per-request timeout itself comes from the policy's AbortSignal. */
  timeoutMs: number;
  policy: PlexRequestPolicy;
  product: string;
  version: string;
  /** Per-request trace lines (endpoint, status, time); headers, and so the token, are never logged. */
  logger?: Logger | undefined;
}

export interface PlexRequest {
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

/**
 * The HTTP edge to Plex: one keep-alive undici Pool bounded by PLEX_MAX_CONNECTIONS, the X-Plex-* identity
 * headers, JSON decoding and status → typed error mapping. Timeouts, retries and the circuit breaker are the
 * policy's job; this class just performs one attempt per call of the policy's callback.
 */
export class PlexHttp {
  readonly #pool: Pool;
  readonly #basePath: string;
  readonly #headers: Record<string, string>;
  readonly #policy: PlexRequestPolicy;
  readonly #logger: Logger | undefined;

  constructor(options: PlexHttpOptions) {
    const base = new URL(options.baseUrl);
    this.#basePath = base.pathname.replace(/\/+$/, '');
    this.#pool = new Pool(base.origin, {
      connections: options.maxConnections,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs + 1_000,
      bodyTimeout: options.timeoutMs + 1_000,
    });
    this.#policy = options.policy;
    this.#logger = options.logger;
    this.#headers = {
      accept: 'application/json',
      'x-plex-token': options.token,
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

  /** GETs `path` and returns the decoded JSON body (or undefined for `expectBody: false`). */
  async get(request: PlexRequest): Promise<unknown> {
    return this.#policy.execute((signal) => this.#attempt(request, signal), {
      idempotent: request.idempotent,
      endpoint: request.endpoint,
    });
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  async #attempt(request: PlexRequest, signal: AbortSignal): Promise<unknown> {
    const started = performance.now();
    try {
      const body = await this.#attemptOnce(request, signal);
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

  async #attemptOnce(request: PlexRequest, signal: AbortSignal): Promise<unknown> {
    const path = this.#basePath + request.path + toQueryString(request.query);
    const endpoint = request.endpoint;
    let response: Awaited<ReturnType<Pool['request']>>;
    try {
      response = await this.#pool.request({
        method: 'GET',
        path,
        headers: { ...this.#headers, ...request.headers },
        signal,
      });
    } catch (error) {
      throw toNetworkError(error, endpoint, signal);
    }

    const { statusCode, body } = response;
    if (statusCode < 200 || statusCode >= 300) {
      await body.dump().catch(() => undefined);
      throw statusError(statusCode, endpoint);
    }
    if (request.expectBody === false) {
      await body.dump().catch(() => undefined);
      return undefined;
    }
    let text: string;
    try {
      text = await body.text();
    } catch (error) {
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
  // undici error codes (ECONNREFUSED, UND_ERR_SOCKET, ...) say what failed without leaking request details.
  const code = (error as { code?: unknown })?.code;
  const reason = typeof code === 'string' ? code : error instanceof Error ? error.name : 'network error';
  return new PlexUnavailableError(`Plex is unreachable (${reason}) on ${endpoint}`, { endpoint });
}
