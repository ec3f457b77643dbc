// A thin JSON client for the Kubernetes API that reuses @kubernetes/client-node's authentication (client certs,
// bearer tokens, exec plugins, in-cluster config) and its undici dispatcher, but keeps objects as the API server's
// plain JSON. We use it instead of the generated typed APIs because:
// - informer caches (watch events arrive as plain JSON) and list results must look the same, or comparisons of
//   live against desired objects go wrong (the typed lists turn timestamps into Date objects);
// - every request passes one place, so write requests can be counted exactly (metrics, zero-write tests).
import type { KubeConfig } from '@kubernetes/client-node';
import { type Dispatcher, fetch } from 'undici';
import { HttpMethod, RequestContext } from './client-node.ts';

export type KubeVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface KubeRequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Content-Type of the body; JSON unless a patch strategy says otherwise. */
  contentType?: string;
  /** Return the body as text instead of parsing JSON (e.g. the API server's /metrics). */
  text?: boolean;
}

/** Called after every request; `resource` is the plural resource name (and subresource) taken from the path. */
export type KubeRequestObserver = (info: {
  verb: KubeVerb;
  path: string;
  resource: string;
  status: number;
}) => void;

/** An error answer of the API server (or a transport failure, status 0). Never contains request bodies. */
export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(message: string, status: number, reason: string) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404;
}

export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409;
}

/** `/apis/apps/v1/namespaces/a/deployments/b/status` → `deployments/status`; used as a metrics label. */
export function resourceOfPath(path: string): string {
  const parts = path.split('?')[0]?.split('/').filter(Boolean) ?? [];
  // Drop the API prefix: ['api', v] or ['apis', group, v].
  let rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const [resource = 'unknown', , subresource] = rest;
  return subresource ? `${resource}/${subresource}` : resource;
}

export class KubeClient {
  readonly kubeConfig: KubeConfig;
  private readonly observers: KubeRequestObserver[] = [];
  /**
   * One connection pool for all our requests. client-node 2.0.1's applySecurityAuthentication builds a NEW undici
   * Agent on every call; using each one would open a fresh TLS connection per request and leave its idle socket
   * behind (measured: ~200 MiB of native memory at 500 resources). The auth headers are still applied per request
   * (tokens rotate); the TLS settings of a kubeconfig do not change while we run.
   */
  private dispatcher: Dispatcher | undefined;

  constructor(kubeConfig: KubeConfig) {
    this.kubeConfig = kubeConfig;
  }

  /** Registers a callback for every completed request (metrics, write counting in tests). */
  observe(observer: KubeRequestObserver): void {
    this.observers.push(observer);
  }

  async request<T>(verb: KubeVerb, path: string, options: KubeRequestOptions = {}): Promise<T> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeApiError('kubeconfig has no current cluster', 0, 'NoCluster');
    const url = new URL(cluster.server.replace(/\/$/, '') + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const context = new RequestContext(url.toString(), HttpMethod[verb]);
    context.setHeaderParam('Accept', options.text ? 'text/plain, */*' : 'application/json');
    await this.kubeConfig.applySecurityAuthentication(context);
    const headers = { ...context.getHeaders() };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      body = JSON.stringify(options.body);
    }
    this.dispatcher ??= context.getDispatcher();
    let status = 0;
    try {
      const response = await fetch(url, {
        method: verb,
        headers,
        body,
        dispatcher: this.dispatcher,
      });
      status = response.status;
      const text = await response.text();
      if (!response.ok) throw errorFromResponse(status, text);
      if (options.text) return text as T;
      return (text ? JSON.parse(text) : undefined) as T;
    } catch (error) {
      if (error instanceof KubeApiError) throw error;
      // Transport failure: keep the cause's message (it never carries credentials), drop the rest.
      throw new KubeApiError(
        `${verb} ${url.pathname} failed: ${(error as Error).message}`,
        0,
        'TransportError',
      );
    } finally {
      const info = { verb, path: url.pathname, resource: resourceOfPath(url.pathname), status };
      for (const observer of this.observers) observer(info);
    }
  }
}

function errorFromResponse(status: number, text: string): KubeApiError {
  // The API server answers errors with a metav1.Status; anything else (proxies) is summarised by status code.
  try {
    const parsed = JSON.parse(text) as { message?: unknown; reason?: unknown };
    if (typeof parsed.message === 'string') {
      return new KubeApiError(parsed.message, status, typeof parsed.reason === 'string' ? parsed.reason : '');
    }
  } catch {
    // not JSON
  }
  return new KubeApiError(`Kubernetes API answered HTTP ${status}`, status, '');
}
