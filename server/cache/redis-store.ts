/**
 * Redis store (ioredis). The point of Redis here is a cache that survives server restarts and is shared by replicas;
 * it must never make the server worse than no cache at all. Hence:
 * - no offline queue and a short command timeout: while Redis is down every call fails fast and the cache goes
 *   straight to Plex instead of queueing behind a dead connection;
 * - reconnect forever with a capped exponential backoff, so the server recovers without intervention;
 * - a Redis that keeps connections open but stops answering (hung, partitioned) trips a small circuit breaker, so it
 *   costs one command timeout every couple of seconds rather than one per call;
 * - one warning per outage and one info line on recovery, not one line per failed command or reconnect attempt;
 * - RESP2 and plain GET/SET PX/SCAN/UNLINK only, so any Redis >= 4 (or a compatible server) works.
 * The password is passed as an option, never logged, and stripped from any error text we log.
 */
import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
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
  /** Reconnect delay cap, ms (tests lower it so recovery is quick). */
  maxReconnectDelayMs?: number;
  /**
   * After 3 consecutive failed commands (a Redis that accepts connections but does not answer, e.g. hung or
   * partitioned without a TCP reset) the store stops sending commands for this long, then tries one. Default 2 000 ms.
   */
  unresponsiveRetryMs?: number;
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

/** Thrown without touching the network while the connection is down: the caller goes to Plex at once. */
class RedisNotConnectedError extends Error {
  override readonly name = 'RedisNotConnectedError';
  constructor() {
    super('redis not connected');
  }
}

/** Replaces each given secret in `text` by [REDACTED] (Redis errors can quote the password). */
export function redactor(secrets: ReadonlyArray<string | undefined>): (text: string) => string {
  const present = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
  return (text) => present.reduce((out, secret) => out.split(secret).join('[REDACTED]'), text);
}

/** The URL without its password (the password goes in the options, so REDIS_PASSWORD can override it). */
export function splitPassword(
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

  /** The connection is up (ioredis 'ready'), as opposed to 'commands are being answered' (the breaker). */
  let ready = false;
  let closing = false;
  let outageSince: number | undefined;
  const readyWaiters = new Set<() => void>();

  // Commands that fail (timeouts above all) open this breaker, so a Redis that holds connections open without
  // answering costs one command timeout every `unresponsiveRetryMs`, not one per tool call.
  const commands = circuitBreaker(
    handleWhen((error) => !(error instanceof RedisNotConnectedError)),
    { breaker: new ConsecutiveBreaker(3), halfOpenAfter: options.unresponsiveRetryMs ?? 2_000 },
  );
  const answering = () => commands.state !== CircuitState.Open && commands.state !== CircuitState.Isolated;

  /** Starts an outage (at most one warning per outage), whether the connection dropped or commands stopped. */
  function noteOutage(reason: string): void {
    if (closing || outageSince !== undefined) return;
    outageSince = Date.now();
    log.warn(
      { reason: redact(reason) },
      'redis unavailable: answering without the shared cache until it returns (reconnecting in the background)',
    );
  }

  /** Ends the outage once the connection is up and commands are answered again. */
  function noteRecovery(): void {
    if (!ready || !answering() || outageSince === undefined) return;
    log.info({ outage_ms: Date.now() - outageSince }, 'redis connection restored: cache back in use');
    outageSince = undefined;
  }

  const retryMs = options.unresponsiveRetryMs ?? 2_000;
  let probeTimer: NodeJS.Timeout | undefined;
  /**
   * While the breaker is open, a PING every `retryMs` is its trial request, so the store recovers (and /health and
   * the gauge say so) even when no tool call arrives to try.
   */
  function scheduleProbe(): void {
    if (closing || probeTimer) return;
    probeTimer = setTimeout(() => {
      probeTimer = undefined;
      if (closing || answering()) return;
      command(() => client.ping()).catch(() => scheduleProbe());
    }, retryMs + 10);
    probeTimer.unref();
  }

  commands.onBreak((reason) => {
    const error = 'error' in reason ? reason.error : undefined;
    noteOutage(`redis not answering: ${error instanceof Error ? error.message : 'commands failing'}`);
    scheduleProbe();
  });
  commands.onReset(() => noteRecovery());

  client.on('ready', () => {
    ready = true;
    if (outageSince === undefined) log.debug('redis connected');
    noteRecovery();
    for (const wake of readyWaiters) wake();
    readyWaiters.clear();
  });
  // Without an 'error' listener ioredis would print every failed reconnect; one warning per outage instead.
  client.on('error', (error: Error) => {
    if (!ready) noteOutage(error.message);
    else log.debug({ err: redact(error.message) }, 'redis error');
  });
  client.on('close', () => {
    ready = false;
    noteOutage('connection closed');
  });

  // Connect in the background: the server starts and answers (from Plex) even if Redis is not there yet.
  client.connect().catch((error: Error) => noteOutage(error.message));

  /** Runs one command: fails fast while disconnected or while the breaker is open (the caller goes to Plex). */
  async function command<T>(run: () => Promise<T>): Promise<T> {
    if (!ready) throw new RedisNotConnectedError();
    return commands.execute(run);
  }

  return {
    mode: 'redis',
    async get(key) {
      const text = await command(() => client.get(key));
      return text ?? undefined;
    },
    async set(key, text, lifetimeMs) {
      await command(() => client.set(key, text, 'PX', Math.max(1, Math.round(lifetimeMs))));
    },
    async delete(key) {
      await command(() => client.unlink(key));
    },
    async deleteByPrefix(prefix) {
      // SCAN, not KEYS: never block a Redis that other servers share. Keys are hex hashes, so the prefix is glob-safe.
      let cursor = '0';
      do {
        const [next, keys] = await command(() =>
          client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', SCAN_BATCH),
        );
        cursor = next;
        if (keys.length > 0) await command(() => client.unlink(...keys));
      } while (cursor !== '0');
    },
    connected: () => ready && answering(),
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
      clearTimeout(probeTimer);
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}
