/**
 * Redis store (ioredis). The point of Redis here is a cache that survives server restarts and is shared by replicas;
 * it must never make the server worse than no cache at all. Hence:
 * - no offline queue and a short command timeout: while Redis is down every call fails fast and the cache goes
 *   straight to Plex instead of queueing behind a dead connection;
 * - reconnect forever with a capped exponential backoff, so the server recovers without intervention;
 * - one warning per outage and one info line on recovery, not one line per failed command or reconnect attempt;
 * - RESP2 and plain GET/SET PX/SCAN/UNLINK only, so any Redis >= 4 (or a compatible server) works.
 * The password is passed as an option, never logged, and stripped from any error text we log.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisConnectionConfig } from './cache-config.ts';
import type { CacheStore } from './cache-store.ts';

export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 500;
const CONNECT_TIMEOUT_MS = 2_000;
const RECONNECT_BASE_DELAY_MS = 100;
const RECONNECT_MAX_DELAY_MS = 5_000;
const SCAN_BATCH = 500;

export interface RedisStoreOptions extends RedisConnectionConfig {
  logger: Logger;
  /** Told whenever the connection goes up or down (drives the redis-connected gauge). */
  onConnectionChange?: (connected: boolean) => void;
  /** Reconnect delay cap, ms (tests lower it so recovery is quick). */
  maxReconnectDelayMs?: number;
}

export interface RedisStore extends CacheStore {
  /** Resolves when the first connection is ready, or rejects after `timeoutMs` (for tests and startup probes). */
  waitUntilConnected(timeoutMs: number): Promise<void>;
}

/** Exponential backoff with full jitter, capped: quick first retries, then at most one attempt per cap. */
export function reconnectDelay(attempt: number, capMs: number): number {
  const ceiling = Math.min(capMs, RECONNECT_BASE_DELAY_MS * 2 ** Math.min(attempt - 1, 16));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function redactor(secrets: ReadonlyArray<string | undefined>): (text: string) => string {
  const present = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
  return (text) => present.reduce((out, secret) => out.split(secret).join('[REDACTED]'), text);
}

/** The URL without its password (the password goes in the options, so REDIS_PASSWORD can override it). */
function splitPassword(
  rawUrl: string,
  override: string | undefined,
): { url: string; password: string | undefined } {
  const url = new URL(rawUrl);
  const fromUrl = url.password ? decodeURIComponent(url.password) : undefined;
  url.password = '';
  return { url: url.toString(), password: override || fromUrl };
}

export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const { logger } = options;
  const { url, password } = splitPassword(options.url, options.password);
  const redact = redactor([password, options.password]);
  const log = logger.child({ component: 'redis-cache' });
  const capMs = options.maxReconnectDelayMs ?? RECONNECT_MAX_DELAY_MS;

  const redisOptions: RedisOptions = {
    password,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (attempt) => reconnectDelay(attempt, capMs),
    protocol: 2,
    connectionName: 'plex-mcp-cache',
    ...(options.tls ? { tls: {} } : {}),
  };
  const client = new Redis(url, redisOptions);

  let ready = false;
  let closing = false;
  let outageSince: number | undefined;
  const readyWaiters = new Set<() => void>();

  function markDown(reason: string): void {
    if (closing) return;
    if (ready) options.onConnectionChange?.(false);
    ready = false;
    if (outageSince === undefined) {
      outageSince = Date.now();
      log.warn(
        { reason: redact(reason) },
        'redis unavailable: answering without the shared cache until it returns (reconnecting in the background)',
      );
    }
  }

  client.on('ready', () => {
    ready = true;
    options.onConnectionChange?.(true);
    if (outageSince !== undefined) {
      log.info({ outage_ms: Date.now() - outageSince }, 'redis connection restored: cache back in use');
      outageSince = undefined;
    } else {
      log.debug('redis connected');
    }
    for (const wake of readyWaiters) wake();
    readyWaiters.clear();
  });
  // Without an 'error' listener ioredis would print every failed reconnect; markDown logs once per outage instead.
  client.on('error', (error: Error) => markDown(error.message));
  client.on('close', () => markDown('connection closed'));

  // Connect in the background: the server starts and answers (from Plex) even if Redis is not there yet.
  client.connect().catch((error: Error) => markDown(error.message));

  function requireReady(): void {
    // Fail fast rather than queue: the caller falls through to Plex.
    if (!ready) throw new Error('redis not connected');
  }

  return {
    mode: 'redis',
    async get(key) {
      requireReady();
      try {
        const text = await client.get(key);
        return text ?? undefined;
      } catch (error) {
        markDown((error as Error).message);
        throw error;
      }
    },
    async set(key, text, lifetimeMs) {
      requireReady();
      try {
        await client.set(key, text, 'PX', Math.max(1, Math.round(lifetimeMs)));
      } catch (error) {
        markDown((error as Error).message);
        throw error;
      }
    },
    async deleteByPrefix(prefix) {
      requireReady();
      // SCAN, not KEYS: never block a Redis that other servers share. Keys are hex hashes, so the prefix is glob-safe.
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', SCAN_BATCH);
        cursor = next;
        if (keys.length > 0) await client.unlink(...keys);
      } while (cursor !== '0');
    },
    connected: () => ready,
    waitUntilConnected(timeoutMs) {
      if (ready) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          readyWaiters.delete(wake);
          reject(new Error(`redis not connected after ${timeoutMs} ms`));
        }, timeoutMs);
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        readyWaiters.add(wake);
      });
    },
    async close() {
      closing = true;
      ready = false;
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}
