// Where "Sign in with Plex" keeps what it must remember: oidc-provider's records (grants, codes, refresh tokens,
// registered clients, interactions), each person's Plex access, and the token-signing keys. Every value is sealed
// (JWE, `dir` + A256GCM, by jose) with a key derived from PLEX_SIGN_IN_KEY before it leaves the process, so Redis
// (or a dump of it) holds no usable token. With REDIS_URL every replica shares the records and a restart signs
// nobody out; without it they live in this process's memory.

import { hkdfSync } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CompactEncrypt, compactDecrypt } from 'jose';
import type { Logger } from '../../observability/logger.ts';

export interface SealedStore {
  /** The value, or undefined when absent, expired, or not sealed with our key (tampered, other key). */
  get(key: string): Promise<unknown>;
  /** Stores `value` for `ttlSeconds` (at least 1). */
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /** Stores `value` only if nothing is there yet; returns what is stored afterwards (ours or the earlier one). */
  setIfAbsent(key: string, value: unknown, ttlSeconds: number): Promise<unknown>;
  delete(...keys: string[]): Promise<void>;
  /** Members of a set (e.g. the records of one grant), for revoking them together. */
  addToSet(key: string, member: string, ttlSeconds: number): Promise<void>;
  members(key: string): Promise<string[]>;
  mode: 'redis' | 'memory';
  close(): Promise<void>;
}

/** A purpose-bound 256-bit key from PLEX_SIGN_IN_KEY (HKDF-SHA256), so one secret yields independent keys. */
export function deriveKey(secret: string, purpose: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'plex-mcp sign-in', purpose, 32));
}

interface RawStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number, onlyIfAbsent: boolean): Promise<boolean>;
  delete(keys: string[]): Promise<void>;
  addToSet(key: string, member: string, ttlSeconds: number): Promise<void>;
  members(key: string): Promise<string[]>;
  close(): Promise<void>;
}

function memoryRaw(now: () => number = Date.now): RawStore {
  const values = new Map<string, { value: string; expires: number }>();
  const sets = new Map<string, { members: Set<string>; expires: number }>();
  const live = <T extends { expires: number }>(map: Map<string, T>, key: string): T | undefined => {
    const entry = map.get(key);
    if (entry && entry.expires <= now()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  };
  // Expired entries are dropped as they are met and swept now and then, so memory stays bounded by live grants.
  const sweep = setInterval(() => {
    for (const map of [values, sets] as Map<string, { expires: number }>[])
      for (const [key, entry] of map) if (entry.expires <= now()) map.delete(key);
  }, 60_000);
  sweep.unref();
  return {
    get: async (key) => live(values, key)?.value,
    async set(key, value, ttl, onlyIfAbsent) {
      if (onlyIfAbsent && live(values, key)) return false;
      values.set(key, { value, expires: now() + ttl * 1000 });
      return true;
    },
    async delete(keys) {
      for (const key of keys) {
        values.delete(key);
        sets.delete(key);
      }
    },
    async addToSet(key, member, ttl) {
      const entry = live(sets, key) ?? { members: new Set<string>(), expires: 0 };
      entry.members.add(member);
      entry.expires = Math.max(entry.expires, now() + ttl * 1000);
      sets.set(key, entry);
    },
    members: async (key) => [...(live(sets, key)?.members ?? [])],
    async close() {
      clearInterval(sweep);
    },
  };
}

function redisRaw(redis: Redis, prefix: string): RawStore {
  return {
    get: async (key) => (await redis.get(prefix + key)) ?? undefined,
    async set(key, value, ttl, onlyIfAbsent) {
      const answer = onlyIfAbsent
        ? await redis.set(prefix + key, value, 'EX', ttl, 'NX')
        : await redis.set(prefix + key, value, 'EX', ttl);
      return answer === 'OK';
    },
    async delete(keys) {
      if (keys.length > 0) await redis.del(...keys.map((k) => prefix + k));
    },
    async addToSet(key, member, ttl) {
      await redis
        .multi()
        .sadd(prefix + key, member)
        .expire(prefix + key, ttl, 'GT')
        .exec();
      // EXPIRE … GT leaves a key without a TTL alone; give a new set its first one.
      if ((await redis.ttl(prefix + key)) < 0) await redis.expire(prefix + key, ttl);
    },
    members: (key) => redis.smembers(prefix + key),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function sealed(raw: RawStore, secret: string, mode: SealedStore['mode'], logger: Logger): SealedStore {
  const key = deriveKey(secret, 'sealed-store');
  const seal = (value: unknown) =>
    new CompactEncrypt(new TextEncoder().encode(JSON.stringify(value)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(key);
  const open = async (text: string | undefined, name: string): Promise<unknown> => {
    if (text === undefined) return undefined;
    try {
      const { plaintext } = await compactDecrypt(text, key);
      return JSON.parse(new TextDecoder().decode(plaintext));
    } catch {
      // Another key (PLEX_SIGN_IN_KEY changed) or a tampered value: treated as absent, never trusted.
      logger.warn(
        { record: name.split(':')[0] },
        'sign-in record could not be opened (other key or tampered)',
      );
      return undefined;
    }
  };
  const ttlOf = (s: number) => Math.max(1, Math.ceil(s));
  return {
    mode,
    get: async (k) => open(await raw.get(k), k),
    async set(k, value, ttl) {
      await raw.set(k, await seal(value), ttlOf(ttl), false);
    },
    async setIfAbsent(k, value, ttl) {
      if (await raw.set(k, await seal(value), ttlOf(ttl), true)) return value;
      return open(await raw.get(k), k);
    },
    delete: (...keys) => raw.delete(keys),
    addToSet: (k, member, ttl) => raw.addToSet(k, member, ttlOf(ttl)),
    members: (k) => raw.members(k),
    close: () => raw.close(),
  };
}

export interface SealedStoreOptions {
  secret: string;
  redis: { url: string; password: string | undefined; tls: boolean } | undefined;
  logger: Logger;
  now?: () => number;
}

/** Redis when configured (ioredis is imported only then), memory otherwise. */
export async function createSealedStore(options: SealedStoreOptions): Promise<SealedStore> {
  if (options.redis === undefined)
    return sealed(memoryRaw(options.now), options.secret, 'memory', options.logger);
  const { Redis } = await import('ioredis');
  const redis = new Redis(options.redis.url, {
    ...(options.redis.password !== undefined && { password: options.redis.password }),
    ...(options.redis.tls && { tls: {} }),
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    // A hung Redis must fail a request quickly (503, try again), not hold it open.
    commandTimeout: 2_000,
  });
  // ioredis reports connection trouble as events; the message names no password (the URL is a logged secret).
  redis.on('error', (error: Error) =>
    options.logger.warn({ reason: error.message }, 'sign-in store: Redis error'),
  );
  return sealed(redisRaw(redis, 'plexmcp:signin:'), options.secret, 'redis', options.logger);
}
