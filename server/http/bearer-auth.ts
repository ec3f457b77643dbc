import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

const CHALLENGE = 'Bearer realm="plex-mcp"';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Static bearer-token check for /mcp. Both sides are hashed to SHA-256 first so `timingSafeEqual` compares equal
 * lengths and the comparison time reveals neither the token nor its length.
 */
export function bearerAuth(expectedToken: string): RequestHandler {
  const expected = digest(expectedToken);
  return (req, res, next) => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
    const presented = match?.[1];
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) {
      next();
      return;
    }
    const challenge = presented === undefined ? CHALLENGE : `${CHALLENGE}, error="invalid_token"`;
    res
      .status(401)
      .setHeader('WWW-Authenticate', challenge)
      .json({
        error: presented === undefined ? 'unauthorized' : 'invalid_token',
        error_description:
          presented === undefined
            ? 'Send Authorization: Bearer <AUTH_TOKEN>.'
            : 'The bearer token is not valid.',
      });
  };
}
