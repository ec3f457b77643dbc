/**
 * Argument schemas more than one tool takes, defined once so they read and validate the same everywhere:
 * `library` (name or id, string or number), `limit`, `user`, `media_id`, `since`.
 */
import { z } from 'zod';

/** A library by name ("Movies", any case) or section id, as a string or a number (assistants send both). */
export function libraryArg(description = 'Library name or id') {
  return z
    .union([z.string().trim().min(1).max(200), z.number().int().nonnegative()])
    .transform(String)
    .describe(description);
}

/** How many to return; the schema's bounds and default say it all, so no description is spent on it. */
export function limitArg(max: number, defaultValue: number) {
  return z
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max}`)
    .default(defaultValue);
}

/** A person: account user name, display title or email, matched without regard to case. */
export function userArg(description = 'User name, title or email') {
  return z.string().trim().min(1).max(200).describe(description);
}

const MEDIA_ID = /^\d{1,12}$/;

/**
 * A Plex item id (ratingKey), as digits in a string or as a number. Undescribed by default: `media_id`,
 * `playlist_id` and `media_ids` say what they are, and tools/list is paid for in every conversation.
 */
export function mediaIdArg(description?: string) {
  const id = z
    .union([
      z.string().trim().regex(MEDIA_ID, 'must be a Plex item id (digits), e.g. "1234"'),
      z.number().int().nonnegative().max(999_999_999_999),
    ])
    .transform(String);
  return description === undefined ? id : id.describe(description);
}

const DURATION = /^(\d{1,5})\s*(m|min|h|d|w)$/i;
const UNIT_SECONDS: Record<string, number> = { m: 60, min: 60, h: 3600, d: 86_400, w: 604_800 };

/** `since`: an ISO date/time or a duration back from now (`30m`, `12h`, `7d`, `2w`). */
export function sinceArg() {
  return z
    .string()
    .trim()
    .refine((v) => DURATION.test(v) || !Number.isNaN(Date.parse(v)), {
      message: 'must be an ISO date (2026-01-31) or a duration such as 7d, 12h, 2w',
    })
    .describe('ISO date, or a duration back from now: 7d, 12h, 2w');
}

/** The Unix-seconds instant a valid `since` value names. */
export function sinceToUnixSeconds(since: string, nowMs: number): number {
  const match = DURATION.exec(since.trim());
  if (match) {
    const unit = UNIT_SECONDS[(match[2] ?? 'd').toLowerCase()] ?? 86_400;
    return Math.floor(nowMs / 1000) - Number(match[1]) * unit;
  }
  return Math.floor(Date.parse(since) / 1000);
}

/** Lower case, separators (space, hyphen, underscore, apostrophes, dots) removed: "Living-Room" ~ "living room". */
export function looseName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[\s\-_'’.]+/g, '');
}

/**
 * How well `wanted` names `candidate`: 3 exact (loosely), 2 prefix, 1 every word of `wanted` starts a word of
 * `candidate` ("living room" ~ "Living Room SHIELD", "shield" ~ it too), 0 no match.
 */
export function nameMatchScore(candidate: string, wanted: string): number {
  const c = looseName(candidate);
  const w = looseName(wanted);
  if (w === '') return 0;
  if (c === w) return 3;
  if (c.startsWith(w)) return 2;
  const words = candidate
    .toLowerCase()
    .split(/[\s\-_'’.]+/)
    .filter(Boolean);
  const wantedWords = wanted
    .toLowerCase()
    .split(/[\s\-_'’.]+/)
    .filter(Boolean);
  if (wantedWords.length > 0 && wantedWords.every((ww) => words.some((cw) => cw.startsWith(ww)))) return 1;
  return c.includes(w) ? 1 : 0;
}
