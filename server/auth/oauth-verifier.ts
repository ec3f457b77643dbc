import {
  type AuthInfo,
  OAuthError,
  OAuthErrorCode,
  type OAuthTokenVerifier,
} from '@modelcontextprotocol/server';
import type { OAuthConfig } from '../config/config.ts';
import { ENV } from '../config/settings.ts';
import type { Logger } from '../observability/logger.ts';
import { createIntrospectionVerifier } from './introspection-verifier.ts';
import { discoverJwksUrl } from './issuer-metadata.ts';
import { createJwtVerifier } from './jwt-verifier.ts';
import { remoteSigningKeys, type SigningKeys } from './signing-keys.ts';

/** Identity-provider requests give up after this long: a token check must not hang a request. */
const IDP_TIMEOUT_MS = 5_000;
/** Signing keys are refreshed after this age (rotation is also followed at once through unknown `kid`s). */
const KEYS_MAX_AGE_MS = 10 * 60_000;

export interface OAuthVerifier extends OAuthTokenVerifier {
  keys: SigningKeys;
}

/** A JWS compact serialisation: three base64url segments. Anything else is an opaque token. */
function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/**
 * The OAuth token check behind /mcp: JWTs verified locally (jose, the issuer's JWKS), opaque tokens through RFC 7662
 * introspection when configured. This module (and jose with it) is imported only when AUTH_MODE includes oauth.
 */
export function createOAuthVerifier(config: OAuthConfig, publicUrl: string, logger: Logger): OAuthVerifier {
  const resource = new URL(publicUrl);
  let jwksUrl: Promise<string> | undefined;
  const keys = remoteSigningKeys({
    jwksUrl: () => {
      if (config.jwksUrl) return Promise.resolve(config.jwksUrl);
      // Discovered once; a failed discovery is retried on the next fetch (which the cooldown spaces out).
      jwksUrl ??= discoverJwksUrl(config.issuer, IDP_TIMEOUT_MS).catch((error: unknown) => {
        jwksUrl = undefined;
        throw error;
      });
      return jwksUrl;
    },
    cooldownMs: config.jwksRefreshCooldownSeconds * 1000,
    maxAgeMs: KEYS_MAX_AGE_MS,
    timeoutMs: IDP_TIMEOUT_MS,
    logger,
  });
  const verifyJwt = createJwtVerifier({
    issuer: config.issuer,
    audiences: config.audiences,
    clockSkewSeconds: config.clockSkewSeconds,
    keys,
    resource,
  });
  const introspection = config.introspection;
  const verifyOpaque = introspection
    ? createIntrospectionVerifier({
        ...introspection,
        issuer: config.issuer,
        audiences: config.audiences,
        clockSkewSeconds: config.clockSkewSeconds,
        resource,
        timeoutMs: IDP_TIMEOUT_MS,
      })
    : undefined;

  return {
    keys,
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      if (looksLikeJwt(token)) return verifyJwt(token);
      if (verifyOpaque) return verifyOpaque(token);
      throw new OAuthError(
        OAuthErrorCode.InvalidToken,
        `The access token is not a JWT, and opaque tokens need ${ENV.oauthIntrospectionUrl}.`,
      );
    },
  };
}
