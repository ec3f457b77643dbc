/**
 * Shared set-up of the cache and resilience end-to-end tests: the Plex simulator, the real server (in-process, with
 * deps built by createServerDeps so a test can choose resilience timings, a logger and a Redis URL) and SDK clients
 * in the 2026-07-28 era. `restartServer` stops the server and starts a new one on the same simulator and config,
 * as a pod restart would.
 */
import type { Client } from '@modelcontextprotocol/client';
import type { Logger } from 'pino';
import { createServerDeps, type ServerDeps } from '../../../server/app.ts';
import type { ServerConfig } from '../../../server/config/config.ts';
import { type RunningHttpServer, startHttpServer } from '../../../server/http-server.ts';
import { createMetrics } from '../../../server/observability/metrics.ts';
import { createPlexResilience, type PlexResilience } from '../../../server/resilience/plex-resilience.ts';
import { createResilienceMetrics } from '../../../server/resilience/resilience-metrics.ts';
import type { PlexSimulator } from '../../plex-sim/simulator.ts';
import { silentLogger } from '../../unit/server/cache/fakes.ts';
import { connectClient, startSimulatorAndConfig } from './support/mcp-harness.ts';

export interface E2eOptions {
  /** Server environment on top of the simulator's URL and token (e.g. CACHE_TTL_*, REDIS_URL, PLEX_TIMEOUT). */
  env?: Record<string, string>;
  timeoutMs?: number;
  halfOpenAfterMs?: number;
  failureThreshold?: number;
  logger?: Logger;
}

export interface E2e {
  sim: PlexSimulator;
  server: RunningHttpServer;
  deps: ServerDeps;
  resilience: PlexResilience;
  config: ServerConfig;
  client(): Promise<Client>;
  /** GET a path of the server (health, metrics) without auth. */
  get(path: string): Promise<{ status: number; text: string }>;
  /** Stops the server (closing its cache and Plex pool) and starts a fresh one with the same configuration. */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

export async function startE2e(options: E2eOptions = {}): Promise<E2e> {
  const { sim, config, authToken } = await startSimulatorAndConfig(options.env);
  const clients: Client[] = [];

  async function boot(): Promise<{
    server: RunningHttpServer;
    deps: ServerDeps;
    resilience: PlexResilience;
  }> {
    const metrics = createMetrics({ processMetrics: false });
    const resilienceMetrics = createResilienceMetrics(metrics.registry);
    const resilience = createPlexResilience({
      deadlineMs: options.timeoutMs ?? config.plex.timeoutMs,
      // A test that names an open period gets exactly that period (no growth from a shorter first one).
      ...(options.halfOpenAfterMs !== undefined
        ? { halfOpenAfterMs: options.halfOpenAfterMs, halfOpenInitialMs: options.halfOpenAfterMs }
        : {}),
      failureThreshold: options.failureThreshold ?? 5,
      retryInitialDelayMs: 10,
      retryMaxDelayMs: 50,
      events: resilienceMetrics,
      logger: options.logger,
    });
    resilienceMetrics.observeCircuit(() => resilience.circuitState());
    const deps = await createServerDeps(config, {
      logger: options.logger ?? silentLogger,
      policy: resilience,
      metrics,
    });
    const server = await startHttpServer(config, deps);
    return { server, deps, resilience };
  }

  let current = await boot();
  const e2e: E2e = {
    sim,
    config,
    get server() {
      return current.server;
    },
    get deps() {
      return current.deps;
    },
    get resilience() {
      return current.resilience;
    },
    async client() {
      // The URL is read at connect time, so clients made after restartServer() reach the new server.
      const client = await connectClient(current.server.url, authToken, 'modern', 'plex-mcp-e2e');
      clients.push(client);
      return client;
    },
    async get(path) {
      const res = await fetch(new URL(path, current.server.url));
      return { status: res.status, text: await res.text() };
    },
    async restartServer() {
      await current.server.close({ graceMs: 1_000 });
      await current.deps.close();
      current = await boot();
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await current.server.close({ graceMs: 1_000 });
      await current.deps.close();
      await sim.close();
    },
  };
  return e2e;
}

export const simCount = (sim: PlexSimulator, path: string): number => sim.requestCounts()[path] ?? 0;
