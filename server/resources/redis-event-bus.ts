/**
 * The SDK's `ServerEventBus` (the seam `subscriptions/listen` streams hang off) over Redis pub/sub, so a resource
 * change seen by one replica reaches the listen streams held by every replica: `publish` delivers to this
 * process's listeners at once and PUBLISHes to one channel per Plex server; the other replicas deliver what they
 * receive to theirs (a replica ignores its own messages, which it already delivered). Deliveries are throttled per
 * URI (resource-notifier.ts), because every replica following Plex's stream announces the same change.
 *
 * Redis down: local delivery goes on; other replicas miss the notice (their own stream, if any, still tells them).
 * Loaded only when REDIS_URL is set (ioredis costs memory a single-process server does not need).
 */
import { randomUUID } from 'node:crypto';
import type { ServerEvent, ServerEventBus } from '@modelcontextprotocol/server';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisConnectionConfig } from '../cache/cache-config.ts';
import { KEY_NAMESPACE, plexServerId } from '../cache/cache-key.ts';
import { reconnectDelay, redactor, splitPassword } from '../cache/redis-store.ts';
import { throttledPerUri } from './resource-notifier.ts';

export interface RedisEventBus extends ServerEventBus {
  /** Resolves once the subscriber connection listens (tests, start-up). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

const MESSAGE_LIMIT_BYTES = 8 * 1024;

export function createRedisEventBus(
  options: RedisConnectionConfig & { plexServerUrl: string; logger: Logger; throttleMs?: number },
): RedisEventBus {
  const log = options.logger.child({ component: 'redis-event-bus' });
  const origin = randomUUID();
  const channel = `${KEY_NAMESPACE}:${plexServerId(options.plexServerUrl)}:resource-events`;
  const { url, password } = splitPassword(options.url, options.password);
  const redisOptions: RedisOptions = {
    password,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => reconnectDelay(attempt, 5_000),
    protocol: 2,
    ...(options.tls ? { tls: {} } : {}),
  };
  const publisher = new Redis(url, { ...redisOptions, connectionName: 'plex-mcp-events-pub' });
  // A subscribing connection may send nothing but (P)SUBSCRIBE; it re-subscribes by itself after a reconnect.
  const subscriber = new Redis(url, {
    ...redisOptions,
    enableOfflineQueue: true,
    connectionName: 'plex-mcp-events-sub',
  });
  const redact = redactor([password]);
  for (const client of [publisher, subscriber])
    client.on('error', (error: Error) => log.debug({ err: redact(error.message) }, 'redis event bus'));

  const listeners = new Set<(event: ServerEvent) => void>();
  const deliverNow = (event: ServerEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        log.debug({ err: (error as Error).message }, 'a listen stream failed to take an event');
      }
    }
  };
  const updates = throttledPerUri(
    (uri) => deliverNow({ kind: 'resource_updated', uri }),
    options.throttleMs ?? 150,
  );
  const deliver = (event: ServerEvent) => {
    if (event.kind === 'resource_updated') updates.push(event.uri);
    else deliverNow(event);
  };

  subscriber.on('message', (_channel: string, text: string) => {
    if (text.length > MESSAGE_LIMIT_BYTES) return;
    try {
      const message = JSON.parse(text) as { origin?: string; event?: ServerEvent };
      if (message.origin === origin || !message.event || typeof message.event.kind !== 'string') return;
      if (message.event.kind === 'resource_updated' && typeof message.event.uri !== 'string') return;
      deliver(message.event);
    } catch {
      // Not ours, or garbled: ignored.
    }
  });
  const subscribed = Promise.all([publisher.connect(), subscriber.connect()])
    .then(() => subscriber.subscribe(channel))
    .then(() => undefined)
    .catch((error: unknown) => {
      log.warn(
        { err: (error as Error).message },
        'redis event bus not connected yet: notifications stay on this replica',
      );
    });

  return {
    publish(event) {
      deliver(event);
      if (publisher.status !== 'ready') return;
      publisher.publish(channel, JSON.stringify({ origin, event })).catch((error: unknown) => {
        log.debug({ err: (error as Error).message }, 'could not publish a resource event');
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready: () => subscribed,
    async close() {
      updates.close();
      listeners.clear();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
