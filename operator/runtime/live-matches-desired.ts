// Decides whether a server-side apply would change anything, so reconciling an unchanged resource makes no write.
//
// Two checks, both needed:
// 1. The live object carries the hash of the configuration we last applied (annotation). A changed desired object
//    (including a field we stopped setting, which a subset check cannot see) has a new hash.
// 2. Every field we set is present in the live object with the same value: catches drift (someone edited or
//    removed a field we own). Fields the API server or other controllers added (defaults, status, managedFields)
//    are ignored, as server-side apply ignores them.
import { createHash } from 'node:crypto';

export const APPLIED_HASH_ANNOTATION = 'plexmcp.dev/applied-hash';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** sha256 of the object with sorted keys (the annotation itself excluded). */
export function appliedHash(desired: object): string {
  return createHash('sha256').update(canonicalJson(desired)).digest('hex').slice(0, 32);
}

/** JSON with object keys sorted at every level: equal values give equal strings whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (key, inner) => {
    if (key === APPLIED_HASH_ANNOTATION) return undefined;
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(
        Object.keys(inner)
          .sort()
          .map((k) => [k, (inner as Record<string, unknown>)[k]]),
      );
    }
    return inner;
  });
}

/** A copy of `desired` with the applied-hash annotation set. */
export function withAppliedHash<T extends object>(desired: T): T {
  const copy = structuredClone(desired) as T & { metadata?: { annotations?: Record<string, string> } };
  copy.metadata = copy.metadata ?? {};
  copy.metadata.annotations = {
    ...copy.metadata.annotations,
    [APPLIED_HASH_ANNOTATION]: appliedHash(desired),
  };
  return copy;
}

/** True when applying `desired` (which must carry the hash annotation) to `live` would change nothing. */
export function liveMatchesDesired(live: unknown, desired: unknown): boolean {
  return differenceOf(live, desired) === undefined;
}

/** The first path where `live` differs from `desired`, for debug logs; undefined when it matches. */
export function differenceOf(live: unknown, desired: unknown): string | undefined {
  const liveAnnotations = (live as { metadata?: { annotations?: Record<string, string> } })?.metadata
    ?.annotations;
  const desiredAnnotations = (desired as { metadata?: { annotations?: Record<string, string> } })?.metadata
    ?.annotations;
  const wanted = desiredAnnotations?.[APPLIED_HASH_ANNOTATION];
  if (!wanted || liveAnnotations?.[APPLIED_HASH_ANNOTATION] !== wanted)
    return `metadata.annotations.${APPLIED_HASH_ANNOTATION}`;
  const path: string[] = [];
  // apiVersion and kind identify the object (it was found by them); items of a list response do not carry them.
  const { apiVersion: _apiVersion, kind: _kind, ...body } = desired as Record<string, Json>;
  return covers(live as Json, body, '', '', path) ? undefined : path.join('.');
}

const QUANTITY_PARENTS = new Set(['limits', 'requests']);
const QUANTITY_KEYS = new Set(['sizeLimit']);

/** `path` collects the location of the first difference (innermost last). */
function covers(
  live: Json | undefined,
  desired: Json,
  key: string,
  parentKey: string,
  path: string[],
): boolean {
  if (isEmpty(desired)) return live === undefined || isEmpty(live);
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return false;
    return desired.every((item, index) => {
      const ok = covers(live[index], item, key, parentKey, path);
      if (!ok) path.unshift(String(index));
      return ok;
    });
  }
  if (typeof desired === 'object' && desired !== null) {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
    return Object.entries(desired).every(([k, v]) => {
      const ok = covers(live[k], v as Json, k, key, path);
      if (!ok) path.unshift(k);
      return ok;
    });
  }
  if (live === desired) return true;
  // The API server stores resource quantities canonically ("1000m" comes back as "1", "0.5Gi" as "512Mi").
  if (QUANTITY_PARENTS.has(parentKey) || QUANTITY_KEYS.has(key)) {
    const a = parseQuantity(live);
    const b = parseQuantity(desired);
    return a !== undefined && a === b;
  }
  return false;
}

function isEmpty(value: Json | undefined): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a Kubernetes quantity ("500m", "1.5Gi", "1e3", 2); undefined when it is not one. */
export function parseQuantity(value: Json | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/.exec(
    value.trim(),
  );
  if (!match) return undefined;
  const base = Number(match[1]) * (match[2] ? 10 ** Number(match[2].slice(1)) : 1);
  // Round away float noise so "0.1" and "100m" compare equal.
  return Number((base * (SUFFIXES[match[3] ?? ''] ?? 1)).toPrecision(12));
}
