/**
 * The live suites' set-up: one Plex simulator (fast heartbeats and scans), and N server replicas in this process
 * that follow its event stream, optionally sharing a real Redis (cache and resource notifications), as several
 * pods behind one Service would. Clients are real SDK clients in either protocol era.
 */
import type { Client } from '@modelcontextprotocol/client';
import { createServerDeps } from '../../../../server/app.ts';
import type { ServerConfig } from '../../../../server/config/config.ts';
import { type RunningHttpServer, startHttpServer } from '../../../../server/http-server.ts';
import { createMetrics } from '../../../../server/observability/metrics.ts';
import { type PlexSimulator, startPlexSimulator } from '../../../plex-sim/simulator.ts';
import { silentLogger } from '../../../unit/server/cache/fakes.ts';
import { buildConfig, connectClient, type Era, randomToken } from './mcp-harness.ts';

export interface LiveOptions {
  replicas?: number;
  /** Server environment on top of the simulator's URL and token. */
  env?: Record<string, string>;
  /** Per replica, on top of `env` (e.g. one replica without the event stream). */
  replicaEnv?: Record<string, string>[];
  heartbeatMs?: number;
  scanStepMs?: number;
}

export interface LiveHarness {
  sim: PlexSimulator;
  servers: RunningHttpServer[];
  config: ServerConfig;
  connect(replica: number, era?: Era): Promise<Client>;
  /** Resolves once every replica's event stream is connected (sessions reconciled). */
  allConnected(timeoutMs?: number): Promise<void>;
  get(replica: number, path: string): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startLive(options: LiveOptions = {}): Promise<LiveHarness> {
  const plexToken = randomToken();
  const authToken = randomToken(32);
  const sim = await startPlexSimulator({
    port: 0,
    token: plexToken,
    heartbeatMs: options.heartbeatMs ?? 200,
    scanStepMs: options.scanStepMs ?? 60,
  });
  const env = {
    PLEX_SERVER_URL: sim.url,
    PLEX_TOKEN: plexToken,
    AUTH_TOKEN: authToken,
    SERVER_PORT: '0',
    LOG_LEVEL: 'silent',
    PLEX_EVENTS: 'true',
    PLEX_EVENTS_IDLE_TIMEOUT: '1.5',
    ...options.env,
  };
  const config = buildConfig(env);
  const servers: RunningHttpServer[] = [];
  for (let i = 0; i < (options.replicas ?? 1); i++) {
    const replicaConfig = buildConfig({ ...env, ...options.replicaEnv?.[i] });
    const deps = await createServerDeps(replicaConfig, {
      logger: silentLogger,
      metrics: createMetrics({ processMetrics: false }),
    });
    servers.push(await startHttpServer(replicaConfig, deps));
  }
  const clients: Client[] = [];
  return {
    sim,
    servers,
    config,
    async connect(replica, era = 'modern') {
      const server = servers[replica];
      if (!server) throw new Error(`no replica ${replica}`);
      const client = await connectClient(server.url, authToken, era, `plex-mcp-live-${replica}`);
      clients.push(client);
      return client;
    },
    async allConnected(timeoutMs = 10_000) {
      const following = servers.filter((s) => s.deps.config.plex.events.enabled);
      const results = await Promise.all(following.map((s) => s.deps.live?.whenConnected(timeoutMs)));
      if (!results.every(Boolean)) throw new Error('not every replica connected to the event stream');
    },
    async get(replica, path) {
      const server = servers[replica];
      if (!server) throw new Error(`no replica ${replica}`);
      const res = await fetch(new URL(path, server.url));
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      for (const server of servers) {
        await server.close({ graceMs: 500 });
        await server.deps.close();
      }
      await sim.close();
    },
  };
}

/** Polls `check` until it is true; returns the milliseconds it took, or throws after timeoutMs. */
export async function timeUntil(
  check: () => Promise<boolean>,
  timeoutMs = 5_000,
  everyMs = 20,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
