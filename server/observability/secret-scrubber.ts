/**
 * Removes secret values from text that is about to leave the process (log lines, error messages, tool errors).
 * Redacting known fields is not enough: a token can hide inside a URL (`?X-Plex-Token=...`), an upstream error
 * message or a stack trace, so every string is also searched for the literal secret values.
 */
const TOKEN_QUERY_PATTERN = /([?&](?:X-Plex-Token|token|access_token|password|pin)=)[^&#\s"']*/gi;
const BEARER_PATTERN = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;
const URL_PASSWORD_PATTERN = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)[^@/?#\s]+@/gi;
export const REDACTED = '[REDACTED]';

export interface SecretScrubber {
  scrub(text: string): string;
  scrubDeep<T>(value: T): T;
}

export function createSecretScrubber(secrets: ReadonlyArray<string | undefined>): SecretScrubber {
  // Longest first so a secret containing another is replaced whole. Very short values would shred ordinary text.
  const literals = [
    ...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4)),
  ].sort((a, b) => b.length - a.length);

  const scrub = (text: string): string => {
    let out = text;
    for (const secret of literals) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out
      .replace(TOKEN_QUERY_PATTERN, `$1${REDACTED}`)
      .replace(BEARER_PATTERN, `$1${REDACTED}`)
      .replace(URL_PASSWORD_PATTERN, `$1${REDACTED}@`);
  };

  const scrubDeep = <T>(value: T, depth = 0): T => {
    if (typeof value === 'string') return scrub(value) as T;
    if (value === null || typeof value !== 'object' || depth > 8) return value;
    if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1)) as T;
    if (value instanceof Error) {
      return { type: value.name, message: scrub(value.message), stack: scrub(value.stack ?? '') } as T;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, depth + 1);
    return out as T;
  };

  return { scrub, scrubDeep };
}
