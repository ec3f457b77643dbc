/**
 * The OAuth test set-up: a real OpenID Provider process (test/support/idp, panva's oidc-provider), the Plex
 * simulator, and our server in-process with AUTH_MODE=oauth (or bearer+oauth) pointing at that provider, its logs
 * captured at trace level. Clients are the MCP SDK's own, with the SDK's OAuth providers.
 */
import { Writable } from 'node:stream';
import {
  auth,
  Client,
  ClientCredentialsProvider,
  discoverAuthorizationServerMetadata,
  fetchToken,
  type OAuthClientProvider,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import { createServerDeps, secretsOf } from '../../../../server/app.ts';
import { type RunningHttpServer, startHttpServer } from '../../../../server/http-server.ts';
import { createLogger } from '../../../../server/observability/logger.ts';
import { freeLoopbackPorts } from '../../../cluster/ports.ts';
import type { PlexSimulator } from '../../../plex-sim/simulator.ts';
import { type IdpProcess, startIdp } from '../../../support/idp/idp-process.ts';
import { IDP_CLIENTS } from '../../../support/idp/provider.ts';
import { type Era, startSimulatorAndConfig } from './mcp-harness.ts';

/** A resource the provider also mints tokens for: tokens for it must not open our server. */
export const OTHER_RESOURCE = 'http://127.0.0.1:9/other-mcp';
export const REDIRECT_URI = 'http://127.0.0.1:9/oauth/callback';

export interface OAuthHarness {
  idp: IdpProcess;
  sim: PlexSimulator;
  server: RunningHttpServer;
  publicUrl: string;
  /** The static token (only meaningful with bearer+oauth). */
  authToken: string;
  /** Every log line the server wrote so far. */
  logs(): string;
  close(): Promise<void>;
}

export async function startOAuthHarness(
  options: { mode?: 'oauth' | 'bearer+oauth'; env?: Record<string, string> } = {},
): Promise<OAuthHarness> {
  const [port] = await freeLoopbackPorts(1);
  const publicUrl = `http://127.0.0.1:${port}/mcp`;
  const idp = await startIdp({ resources: [publicUrl, OTHER_RESOURCE], redirectUris: [REDIRECT_URI] });
  const { sim, config, authToken } = await startSimulatorAndConfig({
    CACHE_ENABLED: 'false',
    SERVER_PORT: String(port),
    AUTH_MODE: options.mode ?? 'oauth',
    MCP_PUBLIC_URL: publicUrl,
    OAUTH_ISSUER: idp.issuer,
    OAUTH_CLOCK_SKEW: '1',
    OAUTH_JWKS_REFRESH_COOLDOWN: '1',
    OAUTH_INTROSPECTION_URL: `${idp.issuer}/token/introspection`,
    OAUTH_INTROSPECTION_CLIENT_ID: IDP_CLIENTS.introspector.id,
    OAUTH_INTROSPECTION_CLIENT_SECRET: IDP_CLIENTS.introspector.secret,
    LOG_LEVEL: 'trace',
    ...options.env,
  });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ level: 'trace', secrets: secretsOf(config), destination: sink });
  const deps = await createServerDeps(config, { logger });
  const server = await startHttpServer(config, deps);
  return {
    idp,
    sim,
    server,
    publicUrl,
    authToken,
    logs: () => lines.join(''),
    async close() {
      await server.close({ graceMs: 1_000 });
      await deps.close();
      await sim.close();
      await idp.stop();
    },
  };
}

/** The SDK's client-credentials provider for one of the provider's registered machine clients. */
export function clientCredentials(
  idp: IdpProcess,
  client: { id: string; secret: string; scope?: string },
): ClientCredentialsProvider {
  return new ClientCredentialsProvider({
    clientId: client.id,
    clientSecret: client.secret,
    expectedIssuer: idp.issuer,
  });
}

/**
 * A client-credentials token straight from `idp` (no discovery through our server) for `resource`: tokens for
 * another resource, or from another issuer, that our server must refuse.
 */
export async function tokenFromIdp(
  idp: IdpProcess,
  client: { id: string; secret: string; scope?: string },
  resource: string,
): Promise<string> {
  const metadata = await discoverAuthorizationServerMetadata(idp.issuer);
  if (!metadata) throw new Error('no authorization server metadata');
  const tokens = await fetchToken(clientCredentials(idp, client), idp.issuer, { metadata, resource });
  return tokens.access_token;
}

/** Runs the SDK's OAuth flow (discovery from our 401 + token request) and returns the access token it got. */
export async function accessToken(
  serverUrl: string,
  provider: OAuthClientProvider,
  scope?: string,
): Promise<string> {
  const result = await auth(provider, { serverUrl, ...(scope !== undefined && { scope }) });
  if (result !== 'AUTHORIZED') throw new Error(`auth() returned ${result}`);
  const tokens = await provider.tokens();
  if (!tokens?.access_token) throw new Error('no access token');
  return tokens.access_token;
}

/** An SDK client that authenticates with `provider` (the transport runs the OAuth flow on the first 401). */
export async function connectWithOAuth(
  url: string,
  provider: OAuthClientProvider,
  era: Era = 'modern',
): Promise<Client> {
  const client = new Client(
    { name: 'plex-mcp-oauth-tests', version: '1.0.0' },
    { versionNegotiation: { mode: era === 'modern' ? 'auto' : 'legacy' } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
  return client;
}

/** POST one JSON-RPC request to /mcp with a raw Authorization header (for the refusal cases). */
export async function rawMcpCall(
  url: string,
  authorization: string | undefined,
  body: unknown = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} },
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'MCP-Protocol-Version': '2025-11-25',
      ...(authorization !== undefined && { Authorization: authorization }),
    },
    body: JSON.stringify(body),
  });
}
