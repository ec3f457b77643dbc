import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ENV } from '../config/settings.ts';
import { sendJson } from './respond.ts';

const CHALLENGE = 'Bearer realm="plex-mcp"';

/** SHA-256 in one call: no Hash object per request (createHash + update + digest cost ~2% of a cached call). */
function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/** Constant-time comparison of a presented token with the static AUTH_TOKEN (both hashed, so lengths match). */
export function staticTokenMatcher(expectedToken: string): (presented: string) => boolean {
  const expected = digest(expectedToken);
  return (presented) => timingSafeEqual(digest(presented), expected);
}

/**
 * Static bearer-token check for /mcp: true when the request carries the token, otherwise answers 401 with a
 * `WWW-Authenticate` challenge and returns false. Both sides are hashed to SHA-256 first so `timingSafeEqual`
 * compares equal lengths and the comparison time reveals neither the token nor its length.
 */
export function bearerAuth(expectedToken: string): (req: IncomingMessage, res: ServerResponse) => boolean {
  const matches = staticTokenMatcher(expectedToken);
  return (req, res) => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
    const presented = match?.[1];
    if (presented !== undefined && matches(presented)) return true;
    const challenge = presented === undefined ? CHALLENGE : `${CHALLENGE}, error="invalid_token"`;
    sendJson(
      res,
      401,
      {
        error: presented === undefined ? 'unauthorized' : 'invalid_token',
        error_description:
          presented === undefined
            ? `Send Authorization: Bearer <${ENV.authToken}>.`
            : 'The bearer token is not valid.',
      },
      { 'WWW-Authenticate': challenge },
    );
    return false;
  };
}
