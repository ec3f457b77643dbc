// The server's own view of Plex, from GET /health/ready (server/http/health.ts, server/http/plex-readiness.ts):
// checks.plex.status is ok or error, and on error checks.plex.reason is token_rejected, unreachable or bad_response.
// That reason is the contract the operator turns into PlexReachable's reason; the request is bounded in time and size.
import { z } from 'zod';

export type PlexState =
  | { state: 'reachable'; version?: string }
  | { state: 'token_rejected' | 'unreachable' | 'bad_response'; message: string }
  /** The server did not say (it did not answer, or answered something we cannot read). */
  | { state: 'unknown'; message: string };

/** Longest /health/ready body we read: the real one is a few hundred bytes. */
export const MAX_READINESS_BYTES = 64 * 1024;
/** Longest piece of the server's own error text we quote in a condition message. */
const MAX_QUOTED = 300;

const ReadinessSchema = z.object({
  checks: z
    .object({
      plex: z
        .object({
          status: z.string(),
          reason: z.string().optional(),
          error: z.string().optional(),
          version: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
});

function quote(text: string | undefined): string {
  if (!text) return 'no detail given';
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}

/** Reads a response body up to `limit` bytes; more than that is an error, not a truncation. */
async function boundedText(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`answer larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Interprets a /health/ready answer (200 or 503, both carry the checks). */
export function plexStateFromReadiness(status: number, body: string): PlexState {
  let parsed: z.infer<typeof ReadinessSchema>;
  try {
    parsed = ReadinessSchema.parse(JSON.parse(body));
  } catch {
    return { state: 'unknown', message: `/health/ready answered HTTP ${status} without readable checks` };
  }
  const plex = parsed.checks?.plex;
  if (!plex) return { state: 'unknown', message: `/health/ready (HTTP ${status}) has no Plex check` };
  if (plex.status === 'ok' || plex.status === 'degraded') {
    return { state: 'reachable', ...(plex.version ? { version: plex.version } : {}) };
  }
  if (plex.reason === 'token_rejected' || plex.reason === 'bad_response') {
    return { state: plex.reason, message: quote(plex.error) };
  }
  return { state: 'unreachable', message: quote(plex.error) };
}

/** GET <baseUrl>/health/ready within `timeoutMs`. Never throws. */
export async function readPlexState(
  baseUrl: string,
  timeoutMs: number,
  onRequest?: () => void,
): Promise<PlexState> {
  try {
    onRequest?.();
    const response = await fetch(new URL('/health/ready', baseUrl), {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json' },
      redirect: 'error',
    });
    return plexStateFromReadiness(response.status, await boundedText(response, MAX_READINESS_BYTES));
  } catch (error) {
    return {
      state: 'unknown',
      message: `/health/ready did not answer: ${describeFetchError(error, timeoutMs)}`,
    };
  }
}

/** A fetch failure in words: undici hides the useful part (ECONNREFUSED, …) in `cause`. */
export function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return cause.code;
  if (cause?.message) return quote(cause.message);
  return quote(error instanceof Error ? error.message : String(error));
}
