/**
 * Reads a Server-Sent Events response in tests (eventsource-parser, the parser the server's own client uses):
 * collects messages, and lets a test wait for the n-th one or for the stream to end.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseReader {
  status: number;
  messages: EventSourceMessage[];
  /** Raw bytes received (to see a message cut in half). */
  raw(): string;
  /** Resolves once `count` messages matching `filter` have arrived. */
  waitFor(
    count: number,
    filter?: (m: EventSourceMessage) => boolean,
    timeoutMs?: number,
  ): Promise<EventSourceMessage[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseReader> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { Accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  const messages: EventSourceMessage[] = [];
  let raw = '';
  const waiters = new Set<() => void>();
  const parser = createParser({
    onEvent(message) {
      messages.push(message);
      for (const w of waiters) w();
    },
  });
  const ended = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) {
        const text = decoder.decode(chunk, { stream: true });
        raw += text;
        parser.feed(text);
      }
    } catch {
      // aborted or reset: the stream has ended either way
    }
  })();
  return {
    status: response.status,
    messages,
    raw: () => raw,
    ended,
    waitFor(count, filter = () => true, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const matching = messages.filter(filter);
          if (matching.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(matching);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `only ${messages.filter(filter).length} of ${count} SSE messages within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
}
