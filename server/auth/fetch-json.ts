/** Why an identity-provider fetch failed, in words safe for logs and 401 descriptions (no URLs with secrets). */
export class IssuerFetchError extends Error {
  override readonly name = 'IssuerFetchError';
  /** The HTTP status when the endpoint answered with an error (callers tell 401/404 from outages by it). */
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

export interface FetchJsonOptions {
  timeoutMs: number;
  /** Larger bodies are refused: a key set or a metadata document is a few KiB. */
  maxBytes: number;
  init?: RequestInit;
}

/**
 * GET (or `init`) a JSON document from the identity provider with a deadline and a size cap, so a slow or hostile
 * endpoint can neither hang token checks nor fill memory.
 */
export async function fetchJson(url: string, options: FetchJsonOptions): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...options.init,
      headers: {
        Accept: 'application/json',
        ...(options.init?.headers as Record<string, string> | undefined),
      },
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'could not connect';
    throw new IssuerFetchError(`${new URL(url).origin}: ${reason}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new IssuerFetchError(`${new URL(url).origin}: HTTP ${response.status}`, response.status);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > options.maxBytes) {
    await response.body?.cancel();
    throw new IssuerFetchError(`${new URL(url).origin}: response larger than ${options.maxBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > options.maxBytes) {
      await reader.cancel();
      throw new IssuerFetchError(`${new URL(url).origin}: response larger than ${options.maxBytes} bytes`);
    }
    chunks.push(value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new IssuerFetchError(`${new URL(url).origin}: response is not JSON`);
  }
}
