import type { ServerResponse } from 'node:http';

/**
 * Headers for an API that never serves HTML: nothing may be framed, sniffed, referred or scripted. Set on every
 * answer before routing. (/mcp's Cache-Control: no-store is set by no-store.ts, because the SDK writes its own
 * Cache-Control.)
 */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
}
