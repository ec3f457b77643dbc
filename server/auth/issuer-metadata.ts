import { z } from 'zod';
import { ENV } from '../config/settings.ts';
import { fetchJson, IssuerFetchError } from './fetch-json.ts';

const metadataSchema = z.object({
  issuer: z.string(),
  jwks_uri: z.url({ protocol: /^https?$/ }),
});

/** Issuer identifiers compare exactly (RFC 8414 section 3.3); one trailing slash is tolerated, as IdPs differ. */
function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/$/, '') === b.replace(/\/$/, '');
}

/** The two discovery documents an issuer may publish: OpenID Connect's, then RFC 8414's (path inserted). */
function discoveryUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  return [
    `${url.origin}${path}/.well-known/openid-configuration`,
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
  ];
}

/**
 * The issuer's `jwks_uri`, from its metadata. The metadata must name the same issuer (a document served for
 * another issuer is refused, RFC 8414 section 3.3), so keys can only come from where the issuer says.
 */
export async function discoverJwksUrl(issuer: string, timeoutMs: number): Promise<string> {
  let lastError: Error | undefined;
  for (const url of discoveryUrls(issuer)) {
    try {
      const parsed = metadataSchema.safeParse(await fetchJson(url, { timeoutMs, maxBytes: 256 * 1024 }));
      if (!parsed.success)
        throw new IssuerFetchError(`${new URL(url).origin}: metadata without a valid jwks_uri`);
      if (!sameIssuer(parsed.data.issuer, issuer)) {
        throw new IssuerFetchError(`the issuer metadata names a different issuer than ${ENV.oauthIssuer}`);
      }
      return parsed.data.jwks_uri;
    } catch (error) {
      lastError = error as Error;
    }
  }
  throw lastError ?? new IssuerFetchError('no issuer metadata');
}
