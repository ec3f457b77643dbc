import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a confirmation token stays valid. */
export const CONFIRM_TTL_SECONDS = 300;

export interface ConfirmTokens {
  /** A token for exactly this tool and these arguments (without `confirm`), valid for CONFIRM_TTL_SECONDS. */
  mint(tool: string, args: Record<string, unknown>, nowMs?: number): string;
  /** Why the token does not authorise this call, or undefined when it does. */
  check(token: string, tool: string, args: Record<string, unknown>, nowMs?: number): string | undefined;
}

/** JSON with sorted keys, so the same arguments always sign the same way. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => k !== 'confirm' && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Stateless confirmation tokens: `<expiry>.<HMAC-SHA256(key, tool|expiry|args)>`, base64url. Any replica with the
 * same key accepts a token another minted; a token is useless for other arguments, another tool, or after expiry.
 * The key never leaves the process; the token carries no argument values.
 */
export function createConfirmTokens(
  key: string | undefined,
  ttlSeconds = CONFIRM_TTL_SECONDS,
): ConfirmTokens {
  const secret = key === undefined ? randomBytes(32) : Buffer.from(key, 'utf8');
  const sign = (tool: string, expiry: number, args: Record<string, unknown>) =>
    createHmac('sha256', secret)
      .update(`${tool}|${expiry}|${canonical(args)}`)
      .digest('base64url');
  return {
    mint(tool, args, nowMs = Date.now()) {
      const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
      return `${expiry.toString(36)}.${sign(tool, expiry, args)}`;
    },
    check(token, tool, args, nowMs = Date.now()) {
      const [expiryText, mac, ...rest] = token.split('.');
      const expiry = expiryText ? Number.parseInt(expiryText, 36) : Number.NaN;
      if (!mac || rest.length > 0 || !Number.isFinite(expiry)) return 'is not a confirmation token';
      const expected = Buffer.from(sign(tool, expiry, args));
      const given = Buffer.from(mac);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return 'does not match these arguments (a token confirms exactly the call it was issued for)';
      if (Math.floor(nowMs / 1000) > expiry) return 'has expired; call again without confirm for a new one';
      return undefined;
    },
  };
}
