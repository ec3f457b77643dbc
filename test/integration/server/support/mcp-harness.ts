/**
 * Test harness for the server suites: a Plex simulator, our HTTP server in-process on a free port, and real MCP
 * SDK clients talking to it (2025 "legacy" handshake or 2026-07-28 "modern" negotiation).
 */
import { randomBytes } from 'node:crypto';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { loadConfig, type ServerConfig } from '../../../../server/config/config.ts';
import { type RunningHttpServer, startHttpServer } from '../../../../server/http-server.ts';
import { type PlexSimulator, startPlexSimulator } from '../../../plex-sim/simulator.ts';

export type Era = 'legacy' | 'modern';
export const ERAS: readonly Era[] = ['legacy', 'modern'];

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export function buildConfig(env: Record<string, string>, transport: 'http' | 'stdio' = 'http'): ServerConfig {
  // plex.tv is not reachable from tests: a loopback port that refuses, unless a test points at the double.
  const result = loadConfig(
    { PLEX_TV_URL: 'http://127.0.0.1:9', PLEX_TV_RESOURCES_URL: 'http://127.0.0.1:9', ...env },
    transport,
  );
  if (!result.ok) throw new Error(`test config invalid: ${result.problems.join('; ')}`);
  return result.config;
}

export interface Harness {
  sim: PlexSimulator;
  server: RunningHttpServer;
  authToken: string;
  plexToken: string;
  connect(era?: Era, options?: { bearer?: string }): Promise<Client>;
  close(): Promise<void>;
}

/**
 * A Plex simulator with fresh random tokens, and the server configuration that points at it (free port, silent
 * logs). `env` overrides server variables.
 */
export async function startSimulatorAndConfig(env: Record<string, string> = {}): Promise<{
  sim: PlexSimulator;
  config: ServerConfig;
  plexToken: string;
  authToken: string;
}> {
  const plexToken = randomToken();
  const authToken = randomToken(32);
  const sim = await startPlexSimulator({ port: 0, token: plexToken });
  const config = buildConfig({
    PLEX_SERVER_URL: sim.url,
    PLEX_TOKEN: plexToken,
    AUTH_TOKEN: authToken,
    SERVER_PORT: '0',
    LOG_LEVEL: 'silent',
    // The suites written before the event stream test the cache-lifetime behaviour (which is also the fallback);
    // the live suites turn it on.
    PLEX_EVENTS: 'false',
    ...env,
  });
  return { sim, config, plexToken, authToken };
}

/** An SDK client connected to `url` with a bearer token, in the given era. */
export async function connectClient(
  url: string,
  bearer: string,
  era: Era,
  name = 'plex-mcp-tests',
): Promise<Client> {
  const client = new Client(
    { name, version: '1.0.0' },
    { versionNegotiation: { mode: era === 'modern' ? 'auto' : 'legacy' } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { Authorization: `Bearer ${bearer}` } },
    }),
  );
  return client;
}

/** Starts sim + server. `env` overrides server variables (e.g. PLEX_TOKEN to a wrong one, CACHE_ENABLED). */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const { sim, config, plexToken, authToken } = await startSimulatorAndConfig({
    CACHE_ENABLED: 'false',
    ...env,
  });
  const server = await startHttpServer(config);
  const clients: Client[] = [];
  return {
    sim,
    server,
    authToken,
    plexToken,
    async connect(era: Era = 'legacy', options = {}) {
      const client = await connectClient(server.url, options.bearer ?? authToken, era);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await server.close({ graceMs: 1_000 });
      await sim.close();
    },
  };
}

/** The error code our tools put under `_meta["plexmcp.dev/error"]`. */
export function errorCodeOf(result: {
  isError?: boolean;
  _meta?: Record<string, unknown>;
}): string | undefined {
  const meta = result._meta?.['plexmcp.dev/error'] as { code?: string } | undefined;
  return meta?.code;
}

export function errorMetaOf(result: { _meta?: Record<string, unknown> }): Record<string, unknown> {
  return (result._meta?.['plexmcp.dev/error'] as Record<string, unknown> | undefined) ?? {};
}

export function textOf(result: { content?: unknown }): string {
  const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
  return content
    .filter((c) => c.type === 'text')
    .map((c) => c.text ?? '')
    .join('\n');
}
