/**
 * Prompts a user picks from the client's menu: each turns into one user message that tells the assistant which
 * tools to use and how, with the arguments filled in. Arguments are strings (MCP prompt arguments are); the
 * names offered by completion (completions.ts) come from the cache.
 */
import { completable, type McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { ToolDeps } from '../tools/tool-deps.ts';
import { completeMovieGenre, completeUser } from './completions.ts';

const wholeNumber = (what: string, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,4}$/, `${what} must be a whole number`)
    .refine((v) => Number(v) >= 1 && Number(v) <= max, `${what} must be between 1 and ${max}`);

const message = (text: string) => ({
  messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }],
});

/**
 * `completions: false` where callers are different people (AUTH_MODE=plex): a completion request carries no
 * caller, so it could only offer the owner's names; the prompts themselves work the same.
 */
export function registerPlexPrompts(
  server: McpServer,
  deps: ToolDeps,
  options: { completions: boolean },
): void {
  const complete = (fn: (typed: string) => Promise<string[]>) => (typed: string | undefined) =>
    options.completions ? fn(typed ?? '') : Promise.resolve([]);
  server.registerPrompt(
    'movie_night',
    {
      title: 'Movie night',
      description: 'Pick a film for tonight from the Plex library, optionally by genre and length',
      argsSchema: z.object({
        // completable() marks the inner string (the SDK unwraps .optional() to find it; .describe() would copy it away).
        genre: completable(
          z.string().trim().min(1).max(100).describe('A genre of your movie library, e.g. Comedy'),
          complete((typed) => completeMovieGenre(deps, typed)),
        ).optional(),
        max_minutes: wholeNumber('max_minutes', 600).optional().describe('Longest running time, in minutes'),
      }),
    },
    ({ genre, max_minutes }) =>
      message(
        [
          `Help me pick a movie for tonight from my Plex server${genre ? ` in the genre "${genre}"` : ''}${
            max_minutes ? `, no longer than ${max_minutes} minutes` : ''
          }.`,
          `Use browse_library on the movie library${genre ? ` with genre "${genre}"` : ''}, unwatched first, sorted by rating;` +
            (max_minutes
              ? ` leave out anything with duration_ms above ${Number(max_minutes) * 60_000};`
              : '') +
            ' check get_on_deck for a film already started.',
          'Suggest three, each with year, length and one line on why, then ask which one to play (play_media).',
        ].join('\n'),
      ),
  );

  server.registerPrompt(
    'whats_new',
    {
      title: "What's new",
      description: 'What was added to the Plex libraries lately',
      argsSchema: z.object({
        days: wholeNumber('days', 365).optional().describe('How far back, in days (default 7)'),
      }),
    },
    ({ days }) =>
      message(
        [
          `What was added to my Plex server in the last ${days ?? '7'} days?`,
          `Use get_recently_added (limit 50) and keep items whose added_at is within the last ${days ?? '7'} days.`,
          'Group them by library; for shows, group episodes by show. Say how many there are and highlight a few.',
        ].join('\n'),
      ),
  );

  server.registerPrompt(
    'continue_watching',
    {
      title: 'Continue watching',
      description: 'What someone was in the middle of, and where they left off',
      argsSchema: z.object({
        user: completable(
          z.string().trim().min(1).max(100).describe('A person on this Plex server (default: the owner)'),
          complete((typed) => completeUser(deps, typed)),
        ).optional(),
      }),
    },
    ({ user }) =>
      message(
        [
          `What ${user ? `was ${user}` : 'was I'} watching that is not finished?`,
          user
            ? `Use get_watch_history with user "${user}" and since "30d" and get_on_deck; keep what ${user} started and did not finish.`
            : 'Use get_on_deck, and get_playback_status for anything playing right now.',
          'For each item say where it stopped (position and percent) and offer to resume it on a player (play_media).',
        ].join('\n'),
      ),
  );
}
