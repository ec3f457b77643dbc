import type { RequestHandler } from 'express';

/**
 * Headers for an API that never serves HTML: nothing may be framed, sniffed, referred or scripted. /mcp answers
 * are per-user data, so they are never cached by intermediaries.
 */
export function securityHeaders(): RequestHandler {
  return (req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    if (req.path === '/mcp') res.setHeader('Cache-Control', 'no-store');
    next();
  };
}
