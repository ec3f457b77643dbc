// AUTH_MODE=plex put together: the sealed store, the authorization server, and the resource-server check of its
// access tokens (signature against its own keys, issuer, audience = MCP_PUBLIC_URL, expiry: the same jose check as
// AUTH_MODE=oauth) followed by the signed-in person's Plex access, which every tool call of theirs then runs with.

import { OAuthError, OAuthErrorCode, type OAuthTokenVerifier } from '@modelcontextprotocol/server';
import type { ServerConfig } from '../../config/config.ts';
import { ENV } from '../../config/settings.ts';
import type { Logger } from '../../observability/logger.ts';
import { cacheScopeOf } from '../../plex/plex-identity.ts';
import { callerOf, withPlexAccess } from '../caller.ts';
import { createJwtVerifier } from '../jwt-verifier.ts';
import { type AuthorizationServer, createAuthorizationServer } from './authorization-server.ts';
import { createSealedStore } from './sealed-store.ts';

export interface PlexSignIn {
  issuer: string;
  server: AuthorizationServer;
  verifier: OAuthTokenVerifier;
  close(): Promise<void>;
}

/** The sign-in store (Redis) did not answer: the request should be retried, not signed in again. */
export class SignInStoreUnavailable extends Error {
  override readonly name = 'SignInStoreUnavailable';
}

export const SIGN_IN_AGAIN =
  'Your Plex sign-in has ended; sign in with Plex again (reconnect this server in your app).';

export async function createPlexSignIn(
  config: ServerConfig,
  options: {
    logger: Logger;
    scopes: readonly string[];
    machineIdentifier: () => Promise<string>;
    product: string;
    limits?: { tokenPerMinute?: number; pinsPerMinute?: number };
  },
): Promise<PlexSignIn> {
  const signIn = config.auth.plexSignIn;
  const publicUrl = config.auth.publicUrl;
  if (!signIn || !publicUrl)
    throw new Error(`${ENV.authMode}=plex needs ${ENV.mcpPublicUrl} and ${ENV.plexSignInKey}`);
  const store = await createSealedStore({
    secret: signIn.key,
    redis: config.redis.url
      ? { url: config.redis.url, password: config.redis.password, tls: config.redis.tls }
      : undefined,
    logger: options.logger,
  });
  const server = await createAuthorizationServer({
    publicUrl,
    signIn,
    plexTv: config.plex.plexTv,
    scopes: options.scopes,
    store,
    machineIdentifier: options.machineIdentifier,
    clientIdentifier: config.plex.clientIdentifier,
    product: options.product,
    logger: options.logger,
    ...(options.limits && { limits: options.limits }),
  });
  const verifyJwt = createJwtVerifier({
    issuer: server.issuer,
    audiences: [publicUrl],
    clockSkewSeconds: 5,
    keys: server.keys,
    resource: new URL(publicUrl),
  });
  const verifier: OAuthTokenVerifier = {
    async verifyAccessToken(token) {
      const authInfo = await verifyJwt(token);
      const subject = callerOf(authInfo)?.subject ?? '';
      const person = await server.people.get(subject).catch((error: unknown) => {
        throw new SignInStoreUnavailable(
          `the sign-in store did not answer (${error instanceof Error ? error.message : String(error)})`,
        );
      });
      if (!person) throw new OAuthError(OAuthErrorCode.InvalidToken, SIGN_IN_AGAIN);
      return withPlexAccess(authInfo, {
        token: person.serverToken,
        cacheScope: cacheScopeOf(person.subject),
        end: () => server.people.end(subject),
      });
    },
  };
  return { issuer: server.issuer, server, verifier, close: () => store.close() };
}
