/**
 * Redis behind the whole server (real redis-server, real MCP clients, the simulator): the cache survives a server
 * restart, Redis can be killed and restarted while tool calls keep arriving without a single failed call, the
 * server stays ready (in rotation) during a Redis outage, and it logs one warning per outage.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisBinary } from '../../support/redis-binary.ts';
import { type RunningRedis, startRedisServer } from '../../support/redis-server.ts';
import { capturingLogger } from '../../unit/server/cache/fakes.ts';
import { type E2e, simCount, startE2e } from './cache-e2e-setup.ts';

const PASSWORD = 'e2e-redis-password-5b1f0e';

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(25);
  }
}

describe.skipIf(!redisBinary)('Redis cache end to end', () => {
  let redis: RunningRedis;
  let s: E2e;
  const { logger, lines } = capturingLogger();

  beforeAll(async () => {
    redis = await startRedisServer({ binary: redisBinary as string, password: PASSWORD });
    s = await startE2e({
      env: { REDIS_URL: redis.url, REDIS_PASSWORD: PASSWORD, LOG_LEVEL: 'debug' },
      failureThreshold: 1_000,
      logger,
    });
    await until(() => s.deps.cache.status().connected);
  });
  afterAll(async () => {
    await s?.close();
    await redis?.stop();
  });

  it('answers from Redis after a server restart, without asking Plex', async () => {
    const movie = s.sim.catalog.movies[5];
    if (!movie) throw new Error('catalog has no movies');
    const path = `/library/metadata/${movie.ratingKey}`;
    const before = await (await s.client()).callTool({
      name: 'get_media_details',
      arguments: { media_id: movie.ratingKey },
    });
    expect(before.isError).toBeFalsy();
    const plexCalls = simCount(s.sim, path);
    await sleep(100); // the write-back to Redis

    await s.restartServer();
    await until(() => s.deps.cache.status().connected);
    // Even with Plex down the restarted server answers fresh (not stale) from the shared cache.
    s.sim.setFault({ mode: 'down' });
    try {
      const after = await (await s.client()).callTool({
        name: 'get_media_details',
        arguments: { media_id: movie.ratingKey },
      });
      expect(after.isError).toBeFalsy();
      expect(after.structuredContent).toEqual(before.structuredContent);
      expect(simCount(s.sim, path)).toBe(plexCalls);
    } finally {
      s.sim.setFault({ mode: 'none' });
    }
  });

  it('keeps answering while Redis is killed and restarted, stays ready, and recovers by itself', async () => {
    const client: Client = await s.client();
    const warningsBefore = lines.filter((l) => l.level === 40).length;
    const queries = ['Silent', 'Crimson', 'Hidden', 'Golden', 'Frozen'];
    let calls = 0;
    const failures: string[] = [];
    let running = true;
    const workers = Array.from({ length: 4 }, (_, w) =>
      (async () => {
        while (running) {
          const query = queries[(calls + w) % queries.length] as string;
          const r = await client
            .callTool({ name: 'search_media', arguments: { query } })
            .catch((e: Error) => ({
              isError: true,
              content: [{ type: 'text', text: e.message }],
            }));
          calls++;
          if (r.isError) failures.push(JSON.stringify(r.content));
          await sleep(10);
        }
      })(),
    );

    await sleep(300);
    await redis.kill();
    await until(() => !s.deps.cache.status().connected);
    const ready = await s.get('/health/ready');
    expect(ready.status).toBe(200); // a Redis outage alone never takes the server out of rotation
    expect(JSON.parse(ready.text)).toMatchObject({ checks: { cache: { mode: 'redis', connected: false } } });
    await sleep(700);
    await redis.restart();
    await until(() => s.deps.cache.status().connected);
    await sleep(300);
    running = false;
    await Promise.all(workers);

    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(20);
    const warnings = lines.filter((l) => l.level === 40).slice(warningsBefore);
    expect(warnings.map((l) => l.msg)).toEqual([expect.stringMatching(/^redis unavailable/)]);
    expect(lines.some((l) => String(l.msg).startsWith('redis connection restored'))).toBe(true);

    // The cache is in use again: the same call twice reaches Plex at most once.
    const searches = simCount(s.sim, '/hubs/search');
    await client.callTool({ name: 'search_media', arguments: { query: 'after recovery' } });
    await sleep(100);
    await client.callTool({ name: 'search_media', arguments: { query: 'after recovery' } });
    expect(simCount(s.sim, '/hubs/search')).toBe(searches + 1);
    expect(JSON.stringify(lines)).not.toContain(PASSWORD);
  });
});
