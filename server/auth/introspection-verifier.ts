import { createHash } from 'node:crypto';
import { type AuthInfo, OAuthError, OAuthErrorCode } from '@modelcontextprotocol/server';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { withCaller } from './caller.ts';
import { fetchJson } from './fetch-json.ts';
import { callerFromClaims, scopesOf } from './jwt-verifier.ts';

export interface IntrospectionOptions {
  url: string;
  clientId: string;
  clientSecret: string;
  issuer: string;
  audiences: string[];
  clockSkewSeconds: number;
  resource: URL;
  timeoutMs: number;
  now?: () => number;
}

const responseSchema = z.looseObject({
  active: z.boolean(),
  exp: z.number().optional(),
  nbf: z.number().optional(),
  iss: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
  scope: z.string().optional(),
  client_id: z.string().optional(),
  sub: z.string().optional(),
  username: z.string().optional(),
});

const invalid = (description: string) => new OAuthError(OAuthErrorCode.InvalidToken, description);

/** How long an introspection answer is reused: a revoked token stops working within this time. */
const CACHE_TTL_MS = 60_000;

/**
 * RFC 7662 introspection for opaque access tokens (providers that do not issue JWTs). The answer must be active,
 * unexpired, from our issuer when it names one, and for this resource (RFC 8707; an answer without `aud` is
 * refused, as nothing then ties the token to us). Answers are cached briefly under the token's SHA-256 (never
 * the token itself), bounded in entries.
 */
export function createIntrospectionVerifier(
  options: IntrospectionOptions,
): (token: string) => Promise<AuthInfo> {
  const now = options.now ?? Date.now;
  const cache = new LRUCache<string, AuthInfo>({ max: 10_000, ttl: CACHE_TTL_MS });
  const basic = Buffer.from(
    `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
  ).toString('base64');

  return async (token) => {
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = cache.get(key);
    if (cached && (cached.expiresAt ?? 0) > now() / 1000) return { ...cached, token };

    let raw: unknown;
    try {
      raw = await fetchJson(options.url, {
        timeoutMs: options.timeoutMs,
        maxBytes: 64 * 1024,
        init: {
          method: 'POST',
          headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        },
      });
    } catch (error) {
      throw invalid(`The token could not be checked: introspection failed (${(error as Error).message}).`);
    }
    const parsed = responseSchema.safeParse(raw);
    if (!parsed.success)
      throw invalid('The token could not be checked: the introspection answer is malformed.');
    const answer = parsed.data;
    const nowSeconds = now() / 1000;
    if (!answer.active) throw invalid('The access token is not active (revoked, expired or unknown).');
    if (answer.exp === undefined) throw invalid('The access token has no expiry (exp).');
    if (answer.exp + options.clockSkewSeconds < nowSeconds) throw invalid('The access token has expired.');
    if (answer.nbf !== undefined && answer.nbf - options.clockSkewSeconds > nowSeconds) {
      throw invalid('The access token is not valid yet (nbf).');
    }
    if (answer.iss !== undefined && answer.iss !== options.issuer) {
      throw invalid('The access token was issued by another issuer.');
    }
    const audiences = answer.aud === undefined ? [] : Array.isArray(answer.aud) ? answer.aud : [answer.aud];
    if (!audiences.some((aud) => options.audiences.includes(aud))) {
      throw invalid('The access token was issued for another resource (audience mismatch).');
    }
    const caller = callerFromClaims({ ...answer, name: answer.username ?? answer.name });
    const authInfo = withCaller(
      {
        token,
        clientId: caller.clientId ?? '',
        scopes: scopesOf(answer),
        expiresAt: answer.exp + options.clockSkewSeconds,
        resource: options.resource,
      },
      caller,
    );
    const remainingMs = Math.floor((answer.exp - nowSeconds) * 1000);
    // lru-cache treats ttl 0 as "forever": only cache tokens with real time left.
    if (remainingMs > 1000)
      cache.set(key, { ...authInfo, token: '' }, { ttl: Math.min(CACHE_TTL_MS, remainingMs) });
    return authInfo;
  };
}
