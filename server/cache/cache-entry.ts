/**
 * What a store keeps per key: the tool's value and when it was fetched from Plex. Stored as JSON text in both stores,
 * so a memory hit behaves exactly like a Redis hit (callers get their own copy, sizes are measurable in bytes).
 * Freshness is decided when reading (fetchedAt + TTL vs now); the store's own expiry is TTL + stale window.
 */
import { z } from 'zod';

export interface CacheEntry<T = unknown> {
  value: T;
  /** Epoch milliseconds. */
  fetchedAt: number;
}

// Short member names: this is stored once per key, possibly millions of times in a shared Redis.
const storedEntrySchema = z.object({ v: z.unknown(), t: z.number().int().nonnegative() });

export function serialiseEntry(entry: CacheEntry): string {
  return JSON.stringify({ v: entry.value, t: entry.fetchedAt });
}

/** Parses a stored entry; anything unreadable (old format, corruption, a foreign key) is treated as a miss. */
export function parseEntry(text: string): CacheEntry | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = storedEntrySchema.safeParse(raw);
  if (!parsed.success || parsed.data.v === undefined) return undefined;
  return { value: parsed.data.v, fetchedAt: parsed.data.t };
}
