/**
 * Cache keys: `plexmcp:v1:<server-id>:<kind>:[<entry scope>:][<person scope>:]<sha256 of canonical JSON of the
 * normalised args>`.
 *
 * - The entry scope says what the entry is about (`item:<ratingKey>`, `section:<id>`), so an event about one item
 *   or library drops exactly its entries (a prefix), for every person at once.
 * - The person scope is there when the call runs as a signed-in person (server/plex/plex-identity.ts): their
 *   answers differ (watch state, shared libraries), so they never share entries with anyone else.
 *
 * - server-id is a hash of the normalised Plex URL, so several Plex servers can share one Redis without collisions,
 *   and the key never contains the URL's credentials or the Plex token.
 * - `v1` is the entry format version: bump it when the stored shape changes, old entries are then simply ignored.
 * - Normalisation makes semantically equal calls share an entry: key order, `undefined`/`null` arguments (= omitted)
 *   and surrounding whitespace / Unicode composition of strings do not matter. Case is kept because only the tool
 *   knows whether it matters; tools should apply their defaults before calling the cache.
 */
import { hash } from 'node:crypto';
import type { CacheableKind } from './tool-cache.ts';

export const KEY_NAMESPACE = 'plexmcp:v1';

function sha256Hex(text: string): string {
  // One-shot hash: no Hash object per cache lookup.
  return hash('sha256', text, 'hex');
}

/** A short stable id for one Plex server: scheme, host, port and path, without credentials, query or trailing slash. */
export function plexServerId(plexServerUrl: string): string {
  let normalised = plexServerUrl.trim();
  try {
    const url = new URL(normalised);
    const path = url.pathname.replace(/\/+$/, '');
    normalised = `${url.protocol}//${url.host.toLowerCase()}${path}`;
  } catch {
    // Not a URL: the config validation rejects this long before; hash the text as given.
  }
  return sha256Hex(normalised).slice(0, 16);
}

function normaliseValue(value: unknown): unknown {
  if (typeof value === 'string') return value.normalize('NFC').trim();
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : normaliseValue(item)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined || item === null) continue;
      out[key] = normaliseValue(item);
    }
    return out;
  }
  return value;
}

/** Canonical JSON of the normalised arguments: sorted keys, no null/undefined members, trimmed NFC strings. */
export function canonicalArgs(args: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(normaliseValue(args));
}

/** The prefix shared by every key of one kind for one Plex server (used to invalidate a kind). */
export function kindPrefix(serverId: string, kind: CacheableKind): string {
  return `${KEY_NAMESPACE}:${serverId}:${kind}:`;
}

/** The prefix of one kind's entries about one thing (`item:123`): ends with `:`, so `item:12` is not `item:123`. */
export function entryScopePrefix(serverId: string, kind: CacheableKind, entryScope: string): string {
  return `${kindPrefix(serverId, kind)}${entryScope}:`;
}

/** Entry scopes are `<word>:<id>`: never mistaken for a person scope (`u-…`) or an argument hash (hex). */
const ENTRY_SCOPE = /^[a-z]+:[A-Za-z0-9._-]{1,128}$/;

export function isEntryScope(value: string): boolean {
  return ENTRY_SCOPE.test(value);
}

/** What a cached entry is about, as an entry scope; the one helper both readers and invalidators use. */
export function entryScope(what: 'item' | 'section', id: string): string {
  const safe = /^[A-Za-z0-9._-]{1,128}$/.test(id) ? id : `x${sha256Hex(id).slice(0, 16)}`;
  return `${what}:${safe}`;
}

export function cacheKey(
  serverId: string,
  kind: CacheableKind,
  args: Readonly<Record<string, unknown>>,
  scope?: string,
  entryScope?: string,
): string {
  // A person's entries sit under the kind's (and the entry scope's) prefix too, so invalidating drops everyone's.
  const base =
    entryScope === undefined ? kindPrefix(serverId, kind) : entryScopePrefix(serverId, kind, entryScope);
  return base + (scope === undefined ? '' : `${scope}:`) + sha256Hex(canonicalArgs(args));
}
