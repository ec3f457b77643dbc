/**
 * A closed-loop HTTP load generator: `concurrency` clients, each sending its next request as soon as the previous
 * answer has been read in full, over keep-alive connections (undici Pool, one connection per client). Used for the
 * MCP server and for the bare node:http baseline alike, so both are measured by the same yardstick.
 */
import { Pool } from 'undici';

export interface LoadOptions {
  /** Origin + path, e.g. http://127.0.0.1:8080/mcp */
  url: string;
  headers: Record<string, string>;
  /** The i-th request's body and extra headers (lets a run rotate over several tool calls). */
  request(i: number): { body: string; headers?: Record<string, string> };
  concurrency: number;
  durationMs: number;
  /** Requests before this much time has passed are not measured (JIT, connection set-up). */
  warmupMs: number;
  /** Groups requests for per-label statistics (e.g. the tool name). */
  label?(i: number): string;
  /** Judges an answer; a false makes the request count as an error. */
  ok?(status: number, body: string): boolean;
}

export interface LoadResult {
  /** Successful requests inside the measured window. */
  requests: number;
  /** Every request sent, warm-up included (for CPU per request). */
  totalRequests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Response body bytes of the last successful answer. */
  bodyBytes: number;
  byLabel: Record<string, { requests: number; rps: number; p50Ms: number; p99Ms: number }>;
  firstError?: string;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const pool = new Pool(target.origin, { connections: options.concurrency, pipelining: 1 });
  const path = target.pathname + target.search;
  const latencies: number[] = [];
  const labelled = new Map<string, number[]>();
  let errors = 0;
  let firstError: string | undefined;
  let bodyBytes = 0;
  let counter = 0;
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;

  async function client(): Promise<void> {
    while (performance.now() < stopAt) {
      const i = counter++;
      const t0 = performance.now();
      let good = false;
      try {
        const { body, headers } = options.request(i);
        const res = await pool.request({
          method: 'POST',
          path,
          headers: { ...options.headers, ...headers },
          body,
        });
        const text = await res.body.text();
        good = options.ok ? options.ok(res.statusCode, text) : res.statusCode === 200;
        if (good) bodyBytes = Buffer.byteLength(text);
        else firstError ??= `HTTP ${res.statusCode}: ${text.slice(0, 300)}`;
      } catch (error) {
        firstError ??= (error as Error).message;
      }
      const t1 = performance.now();
      if (t0 >= measureFrom && t1 <= stopAt) {
        if (good) {
          latencies.push(t1 - t0);
          if (options.label) {
            const label = options.label(i);
            const list = labelled.get(label) ?? [];
            if (list.length === 0) labelled.set(label, list);
            list.push(t1 - t0);
          }
        } else errors++;
      }
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, () => client()));
  await pool.close();
  const sorted = Float64Array.from(latencies).sort();
  const seconds = options.durationMs / 1000;
  return {
    requests: latencies.length,
    totalRequests: counter,
    errors,
    seconds,
    rps: latencies.length / seconds,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    bodyBytes,
    byLabel: Object.fromEntries(
      [...labelled].map(([label, list]) => {
        const s = Float64Array.from(list).sort();
        return [
          label,
          { requests: s.length, rps: s.length / seconds, p50Ms: percentile(s, 50), p99Ms: percentile(s, 99) },
        ];
      }),
    ),
    ...(firstError ? { firstError } : {}),
  };
}
