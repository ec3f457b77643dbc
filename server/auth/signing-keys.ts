import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Logger } from '../observability/logger.ts';
import { fetchJson, IssuerFetchError } from './fetch-json.ts';

/** The issuer's keys could not be fetched (and none cached matched): a 401 that says so, not a crash. */
export class SigningKeysUnavailable extends Error {
  override readonly name = 'SigningKeysUnavailable';
}

const jwksSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string() })).max(100) });

export interface SigningKeysOptions {
  /** Where the key set is (resolved lazily, e.g. from the issuer metadata). */
  jwksUrl: () => Promise<string>;
  /** Minimum time between two fetches, whatever triggers them: bounds unknown-`kid` floods. */
  cooldownMs: number;
  /** After this age the set is refreshed on the next use; if that fails the old set keeps working. */
  maxAgeMs: number;
  timeoutMs: number;
  logger: Logger;
  now?: () => number;
}

export interface SigningKeys {
  /** For jose's `jwtVerify`: the key for a token's header. */
  getKey: JWTVerifyGetKey;
  /** Key-set fetches attempted so far (tests and metrics). */
  fetches(): number;
}

/**
 * The issuer's JSON Web Key Set, cached in memory. A token whose `kid` is unknown triggers one refetch (key
 * rotation is followed without a restart), at most once per cooldown however many such tokens arrive. When the
 * issuer is down, the cached keys keep serving the tokens they signed; only tokens needing a key we never saw fail.
 *
 * jose's own createRemoteJWKSet drops to "no keys" once its cache is stale and the issuer unreachable; here a failed
 * refresh keeps the last good set. Key import and signature checks stay in jose (createLocalJWKSet).
 */
export function remoteSigningKeys(options: SigningKeysOptions): SigningKeys {
  const now = options.now ?? Date.now;
  let local: JWTVerifyGetKey | undefined;
  let fetchedAt = 0;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;
  let attempts = 0;

  const coolingDown = () => now() - lastAttemptAt < options.cooldownMs;

  async function load(): Promise<void> {
    attempts++;
    lastAttemptAt = now();
    try {
      const url = await options.jwksUrl();
      const parsed = jwksSchema.safeParse(
        await fetchJson(url, { timeoutMs: options.timeoutMs, maxBytes: 256 * 1024 }),
      );
      if (!parsed.success) throw new IssuerFetchError(`${new URL(url).origin}: not a JSON Web Key Set`);
      local = createLocalJWKSet(parsed.data as JSONWebKeySet);
      fetchedAt = now();
      options.logger.debug({ keys: parsed.data.keys.length }, 'OAuth signing keys fetched');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      options.logger.warn({ reason }, 'OAuth signing keys could not be fetched');
      throw new SigningKeysUnavailable(`the issuer's signing keys could not be fetched (${reason})`);
    }
  }

  /** One fetch at a time; callers arriving meanwhile share it. */
  function refresh(): Promise<void> {
    inFlight ??= load().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (local === undefined) {
      if (inFlight === undefined && coolingDown()) {
        throw new SigningKeysUnavailable(
          "the issuer's signing keys could not be fetched recently; try again shortly",
        );
      }
      await refresh();
    } else if (now() - fetchedAt > options.maxAgeMs && !coolingDown()) {
      await refresh().catch(() => undefined); // stale but working keys beat none
    }
    try {
      return await (local as JWTVerifyGetKey)(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || (inFlight === undefined && coolingDown()))
        throw error;
      await refresh();
      return (local as JWTVerifyGetKey)(header, token);
    }
  };

  return { getKey, fetches: () => attempts };
}
