/**
 * Argument completions for the prompts, from what the cache already knows (the movie libraries' genres, people), so a
 * client's autocomplete costs Plex at most one request per list per cache lifetime. A failure (Plex down, nothing
 * cached) completes nothing rather than failing the client's keystroke.
 */
import { loadGenres } from '../tools/browse-library.ts';
import { loadLibraries } from '../tools/library-resolver.ts';
import { loadPeople } from '../tools/people.ts';
import type { ToolDeps } from '../tools/tool-deps.ts';

/** MCP caps a completion at 100 values. */
const MAX_VALUES = 100;

function matching(values: Iterable<string>, typed: string): string[] {
  const prefix = typed.trim().toLowerCase();
  const unique = [...new Set(values)].sort((a, b) => a.localeCompare(b));
  const starts = unique.filter((v) => v.toLowerCase().startsWith(prefix));
  const contains = unique.filter((v) => !starts.includes(v) && v.toLowerCase().includes(prefix));
  return [...starts, ...contains].slice(0, MAX_VALUES);
}

async function quietly(load: () => Promise<string[]>): Promise<string[]> {
  try {
    return await load();
  } catch {
    return [];
  }
}

/** Genres of the movie libraries (movie_night is about films). */
export function completeMovieGenre(deps: ToolDeps, typed: string): Promise<string[]> {
  return quietly(async () => {
    const movies = (await loadLibraries(deps)).value.filter((l) => l.type === 'movie');
    const lists = await Promise.all(movies.map((l) => loadGenres(l.id, deps)));
    return matching(
      lists.flat().map((g) => g.name),
      typed,
    );
  });
}

export function completeUser(deps: ToolDeps, typed: string): Promise<string[]> {
  return quietly(async () =>
    matching(
      (await loadPeople(deps)).value.map((p) => p.name),
      typed,
    ),
  );
}
