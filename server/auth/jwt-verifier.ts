import { type AuthInfo, OAuthError, OAuthErrorCode } from '@modelcontextprotocol/server';
import { errors, type JWTPayload, jwtVerify } from 'jose';
import { withCaller } from './caller.ts';
import { type SigningKeys, SigningKeysUnavailable } from './signing-keys.ts';

/**
 * Asymmetric JWS algorithms only: `none` is never accepted by jose, and leaving out HS* means a token "signed"
 * with the issuer's public key as an HMAC secret (the classic key-confusion attack) is refused before any key
 * lookup.
 */
export const ACCEPTED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

export interface JwtVerifierOptions {
  issuer: string;
  audiences: string[];
  clockSkewSeconds: number;
  keys: SigningKeys;
  /** The resource identifier reported in AuthInfo.resource (this server's public URL). */
  resource: URL;
}

const invalid = (description: string) => new OAuthError(OAuthErrorCode.InvalidToken, description);

/** Scopes as a space-separated `scope` (RFC 9068) or an `scp` array/string (Okta, Entra ID). */
export function scopesOf(payload: Record<string, unknown>): string[] {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw.split(' ').filter((s) => s.length > 0);
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return [];
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** What a token's claims say about the caller; never the token. */
export function callerFromClaims(payload: JWTPayload): { subject: string; name?: string; clientId?: string } {
  const clientId = stringClaim(payload, 'client_id') ?? stringClaim(payload, 'azp');
  const name =
    stringClaim(payload, 'name') ??
    stringClaim(payload, 'preferred_username') ??
    stringClaim(payload, 'email');
  return {
    subject: stringClaim(payload, 'sub') ?? clientId ?? 'unknown',
    ...(name !== undefined && { name }),
    ...(clientId !== undefined && { clientId }),
  };
}

/**
 * Why jose refused a token, as a fixed sentence for `error_description` (never echoing token content).
 */
function describe(error: unknown): string {
  if (error instanceof SigningKeysUnavailable) return `The token could not be checked: ${error.message}.`;
  if (error instanceof errors.JWTExpired) return 'The access token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return 'The access token was issued by another issuer.';
      case 'aud':
        return 'The access token was issued for another resource (audience mismatch).';
      case 'nbf':
        return 'The access token is not valid yet (nbf).';
      case 'exp':
        return 'The access token has no expiry (exp).';
      default:
        return `The access token's ${error.claim} claim is not valid.`;
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return "The access token's signing algorithm is not accepted.";
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return "The access token's signature is not valid.";
  if (error instanceof errors.JWKSNoMatchingKey)
    return "The access token's signing key is not one of the issuer's keys.";
  if (error instanceof errors.JWKSMultipleMatchingKeys)
    return "The access token's signing key is ambiguous (no kid).";
  return 'The access token is malformed.';
}

/** Verifies a JWT access token locally: signature (issuer's JWKS), iss, aud, exp/nbf with skew. */
export function createJwtVerifier(options: JwtVerifierOptions): (token: string) => Promise<AuthInfo> {
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, options.keys.getKey, {
        issuer: options.issuer,
        audience: options.audiences,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: options.clockSkewSeconds,
        requiredClaims: ['exp', 'iss', 'aud'],
      }));
    } catch (error) {
      throw invalid(describe(error));
    }
    const caller = callerFromClaims(payload);
    return withCaller(
      {
        token,
        clientId: caller.clientId ?? '',
        scopes: scopesOf(payload),
        // The SDK's gate refuses tokens past expiresAt with no tolerance; jose already applied the skew.
        expiresAt: (payload.exp as number) + options.clockSkewSeconds,
        resource: options.resource,
      },
      caller,
    );
  };
}
