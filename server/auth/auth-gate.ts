import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type AuthInfo,
  bearerAuthChallengeResponse,
  OAuthError,
  OAuthErrorCode,
  type OAuthTokenVerifier,
  verifyBearerToken,
} from '@modelcontextprotocol/server';
import { Counter, type Registry } from 'prom-client';
import type { ServerConfig } from '../config/config.ts';
import type { AuthMode } from '../config/env-schema.ts';
import { ENV } from '../config/settings.ts';
import { bearerAuth, staticTokenMatcher } from '../http/bearer-auth.ts';
import { sendJson } from '../http/respond.ts';
import type { Logger } from '../observability/logger.ts';
import type { ToolCategory } from '../tools/tool-category.ts';
import { SERVER_NAME } from '../version.ts';
import { type ProtectedResourceMetadata, protectedResourceMetadata } from './protected-resource-metadata.ts';
import { allowedCategories, type ScopeMap, supportedScopes } from './scopes.ts';

/** The result of authenticating one /mcp request: `undefined` means the gate has already answered (401/403). */
export type AuthOutcome = { authInfo: AuthInfo | undefined } | undefined;

export interface AuthGate {
  mode: AuthMode;
  /** The RFC 9728 document, when OAuth is on. */
  metadata: ProtectedResourceMetadata | undefined;
  authenticate(req: IncomingMessage, res: ServerResponse): AuthOutcome | Promise<AuthOutcome>;
  /**
   * For a `tools/call` of a tool the token's scopes do not cover: answers 403 `insufficient_scope` naming the
   * scope and returns true. (The tool is also absent from that token's tools/list.)
   */
  refuseOutOfScope(
    message: unknown,
    authInfo: AuthInfo | undefined,
    res: ServerResponse,
  ): Promise<boolean> | false;
  /** The tool categories a request may use (all of them for the static token). */
  categories(authInfo: AuthInfo | undefined): ReadonlySet<ToolCategory>;
  /** AUTH_MODE=plex: the authorization server's own routes (metadata, /oauth/*, the sign-in pages). */
  routes?: {
    handles(path: string): boolean;
    handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
  };
  close?(): Promise<void>;
}

export interface AuthGateOptions {
  logger: Logger;
  registry: Registry;
  /** The category of a tool by name, or undefined for names we do not serve. */
  categoryOfTool(name: string): ToolCategory | undefined;
  /** AUTH_MODE=plex: this Plex Media Server's machine identifier (from Plex, with the owner's token). */
  machineIdentifier?: () => Promise<string>;
  /** AUTH_MODE=plex: per-address limits of the token endpoints and PIN creation (tests lower them). */
  signInLimits?: { tokenPerMinute?: number; pinsPerMinute?: number };
}

/** RFC 6750 section 2.1 `b64token`: anything else is refused before it reaches a verifier or the provider. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Longer bearer values are refused before any parsing (a real JWT is 1-2 KiB). */
const MAX_TOKEN_LENGTH = 8192;

async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = { 'Content-Length': String(body.length) };
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * Builds the /mcp authentication for the configured AUTH_MODE. The default, `bearer`, is the static-token check
 * alone: the OAuth code (and jose) is imported only for the oauth modes, so the default start-up pays nothing.
 */
export async function createAuthGate(config: ServerConfig, options: AuthGateOptions): Promise<AuthGate> {
  const { auth } = config;
  const authToken = config.server.authToken;
  if (auth.mode === 'plex') return plexGate(config, options);
  if (auth.mode === 'bearer' || auth.oauth === undefined || auth.publicUrl === undefined) {
    if (!authToken) throw new Error(`${ENV.authToken} is required for the HTTP transport`);
    const check = bearerAuth(authToken);
    const all = allowedCategories(undefined, {} as ScopeMap);
    return {
      mode: 'bearer',
      metadata: undefined,
      authenticate: (req, res) => (check(req, res) ? { authInfo: undefined } : undefined),
      refuseOutOfScope: () => false,
      categories: () => all,
    };
  }

  const oauth = auth.oauth;
  const { createOAuthVerifier } = await import('./oauth-verifier.ts');
  return oauthGate({
    mode: auth.mode,
    verifier: createOAuthVerifier(oauth, auth.publicUrl, options.logger),
    issuer: oauth.issuer,
    publicUrl: auth.publicUrl,
    scopes: oauth.scopes,
    matchesStatic: auth.mode === 'bearer+oauth' && authToken ? staticTokenMatcher(authToken) : undefined,
    options,
  });
}

/**
 * AUTH_MODE=plex: this server issues the tokens itself (server/auth/sign-in/, oidc-provider imported only here)
 * and checks them as it checks any issuer's.
 */
async function plexGate(config: ServerConfig, options: AuthGateOptions): Promise<AuthGate> {
  const { auth } = config;
  if (!auth.plexSignIn || !auth.publicUrl || !options.machineIdentifier)
    throw new Error(
      `${ENV.authMode}=plex needs ${ENV.mcpPublicUrl}, ${ENV.plexSignInKey} and the Plex server`,
    );
  const { createPlexSignIn } = await import('./sign-in/plex-sign-in.ts');
  const scopes = auth.plexSignIn.scopes;
  const signIn = await createPlexSignIn(config, {
    logger: options.logger,
    scopes: supportedScopes(scopes),
    machineIdentifier: options.machineIdentifier,
    product: SERVER_NAME,
    ...(options.signInLimits && { limits: options.signInLimits }),
  });
  const gate = oauthGate({
    mode: 'plex',
    verifier: signIn.verifier,
    issuer: signIn.issuer,
    publicUrl: auth.publicUrl,
    scopes,
    matchesStatic: undefined,
    options,
  });
  return { ...gate, routes: signIn.server, close: signIn.close };
}

function oauthGate(p: {
  mode: AuthMode;
  verifier: OAuthTokenVerifier;
  issuer: string;
  publicUrl: string;
  scopes: ScopeMap;
  matchesStatic: ((token: string) => boolean) | undefined;
  options: AuthGateOptions;
}): AuthGate {
  const { verifier, scopes, matchesStatic, options } = p;
  const everyScope = supportedScopes(scopes);
  const metadata = protectedResourceMetadata({
    publicUrl: p.publicUrl,
    issuer: p.issuer,
    scopes: everyScope,
  });
  const resourceMetadataUrl = metadata.url;
  const counted = new Counter({
    name: 'plexmcp_auth_requests_total',
    help: 'Authenticated /mcp requests by credential kind and outcome (callers are never labels)',
    labelNames: ['method', 'outcome'] as const,
    registers: [options.registry],
  });

  const refuse = async (res: ServerResponse, error: OAuthError, method: string) => {
    counted.inc({ method, outcome: error.code });
    // The description is one of our fixed sentences; the token is never logged.
    options.logger.debug({ outcome: error.code, reason: error.message }, 'MCP request refused');
    await sendWebResponse(
      res,
      bearerAuthChallengeResponse(error, { requiredScopes: everyScope, resourceMetadataUrl }),
    );
  };

  return {
    mode: p.mode,
    metadata,
    async authenticate(req, res) {
      const header = req.headers.authorization;
      if (typeof header !== 'string' || header.trim() === '') {
        counted.inc({ method: 'none', outcome: 'missing' });
        // No credentials: a challenge without an error code (RFC 6750 section 3.1), pointing at the metadata.
        sendJson(
          res,
          401,
          {
            error: 'unauthorized',
            error_description: 'Send an OAuth access token: Authorization: Bearer <token>.',
          },
          {
            'WWW-Authenticate': `Bearer resource_metadata="${resourceMetadataUrl}", scope="${everyScope.join(' ')}"`,
          },
        );
        return undefined;
      }
      const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
      const token = match?.[1];
      if (token === undefined) {
        await refuse(
          res,
          new OAuthError(OAuthErrorCode.InvalidToken, 'The Authorization header must be "Bearer <token>".'),
          'none',
        );
        return undefined;
      }
      if (token.length > MAX_TOKEN_LENGTH) {
        await refuse(
          res,
          new OAuthError(OAuthErrorCode.InvalidToken, 'The bearer token is too long.'),
          'none',
        );
        return undefined;
      }
      if (!B64TOKEN.test(token)) {
        await refuse(
          res,
          new OAuthError(OAuthErrorCode.InvalidToken, 'The bearer token has characters no token can have.'),
          'none',
        );
        return undefined;
      }
      if (matchesStatic?.(token)) {
        counted.inc({ method: 'bearer', outcome: 'accepted' });
        return { authInfo: undefined };
      }
      let authInfo: AuthInfo;
      try {
        authInfo = await verifyBearerToken(`Bearer ${token}`, { verifier, resourceMetadataUrl });
      } catch (error) {
        if ((error as { name?: unknown }).name === 'SignInStoreUnavailable') {
          // Not the token's fault: a 401 would send every client through sign-in again. 503: try again soon.
          counted.inc({ method: 'oauth', outcome: 'unavailable' });
          options.logger.warn(
            { reason: (error as Error).message },
            'MCP request refused: sign-in store down',
          );
          sendJson(
            res,
            503,
            {
              error: 'temporarily_unavailable',
              error_description: 'Sign-ins cannot be checked right now; try again.',
            },
            { 'Retry-After': '2' },
          );
          return undefined;
        }
        const oauthError =
          error instanceof OAuthError
            ? error
            : new OAuthError(OAuthErrorCode.InvalidToken, 'The access token could not be checked.');
        if (!(error instanceof OAuthError))
          options.logger.warn({ err: error }, 'OAuth token check failed unexpectedly');
        await refuse(res, oauthError, 'oauth');
        return undefined;
      }
      if (allowedCategories(authInfo, scopes).size === 0) {
        await refuse(
          res,
          new OAuthError(
            OAuthErrorCode.InsufficientScope,
            `The access token carries none of the scopes ${everyScope.join(', ')}.`,
          ),
          'oauth',
        );
        return undefined;
      }
      counted.inc({ method: 'oauth', outcome: 'accepted' });
      return { authInfo };
    },
    refuseOutOfScope(message, authInfo, res) {
      if (authInfo === undefined) return false;
      const m = message as { method?: unknown; params?: { name?: unknown } } | null;
      if (m?.method !== 'tools/call' || typeof m.params?.name !== 'string') return false;
      const tool = m.params.name;
      const category = options.categoryOfTool(tool);
      if (category === undefined || allowedCategories(authInfo, scopes).has(category)) return false;
      const needed = scopes[category];
      counted.inc({ method: 'oauth', outcome: 'insufficient_scope' });
      options.logger.debug({ tool, scope: needed }, 'tool call refused: scope missing');
      return sendWebResponse(
        res,
        bearerAuthChallengeResponse(
          new OAuthError(OAuthErrorCode.InsufficientScope, `The ${needed} scope is required for ${tool}.`),
          { requiredScopes: [...new Set([...authInfo.scopes, needed])], resourceMetadataUrl },
        ),
      ).then(() => true);
    },
    categories: (authInfo) => allowedCategories(authInfo, scopes),
  };
}
