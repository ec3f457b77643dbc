import { z } from 'zod';
import type { CacheLookup } from '../cache/tool-cache.ts';
import { type Library, LibrarySchema } from '../domain/library.ts';
import type { ToolDeps } from './tool-deps.ts';
import { ToolError } from './tool-error.ts';

/** What the cache holds: checked when read back (a bad shared-Redis entry is a miss). */
const CACHED_LIBRARIES = z.array(LibrarySchema);

/** Whether PLEX_LIBRARIES (names or ids, any case; empty = all) lets the tools use this library. */
function allowedBy(entries: readonly string[], library: Library): boolean {
  if (entries.length === 0) return true;
  return entries.some((e) => e === library.id || e.toLowerCase() === library.name.toLowerCase());
}

/** Every library Plex has (the cached list), before the allow-list. */
function loadAllLibraries(deps: ToolDeps): Promise<CacheLookup<Library[]>> {
  return deps.cache.getOrLoad('libraries', {}, () => deps.plex.listLibraries(), CACHED_LIBRARIES);
}

/** The libraries the tools may use: what Plex has, narrowed by PLEX_LIBRARIES. */
export async function loadLibraries(deps: ToolDeps): Promise<CacheLookup<Library[]>> {
  const lookup = await loadAllLibraries(deps);
  if (deps.access.libraries.length === 0) return lookup;
  return { ...lookup, value: lookup.value.filter((l) => allowedBy(deps.access.libraries, l)) };
}

/** Ids of the allowed libraries, or undefined when every library is allowed (no filtering needed). */
export async function allowedLibraryIds(deps: ToolDeps): Promise<Set<string> | undefined> {
  if (deps.access.libraries.length === 0) return undefined;
  return new Set((await loadLibraries(deps)).value.map((l) => l.id));
}

/** Items of allowed libraries only (items whose library is unknown stay: nothing says they are excluded). */
export async function withinAllowedLibraries<T>(
  items: T[],
  libraryOf: (item: T) => string | undefined,
  deps: ToolDeps,
): Promise<T[]> {
  const allowed = await allowedLibraryIds(deps);
  if (!allowed) return items;
  return items.filter((item) => {
    const id = libraryOf(item);
    return id === undefined || allowed.has(id);
  });
}

/** Refuses an item of an excluded library as if it did not exist (the assistant must not learn what is there). */
export async function assertLibraryAllowed(libraryId: string | undefined, deps: ToolDeps): Promise<void> {
  const allowed = await allowedLibraryIds(deps);
  if (allowed && libraryId !== undefined && !allowed.has(libraryId)) {
    throw new ToolError('not_found', 'Plex has no item with that id. Search again to get a current id.');
  }
}

/**
 * `library` arguments accept a section id ("1" or 1) or a name ("Movies", any case), because assistants know names
 * from conversation and ids from earlier results. Unknown or outside PLEX_LIBRARIES → not_found listing what exists.
 */
export async function resolveLibrary(
  reference: string,
  deps: ToolDeps,
): Promise<{ library: Library; lookup: CacheLookup<Library[]> }> {
  const lookup = await loadLibraries(deps);
  const wanted = reference.trim();
  const library =
    lookup.value.find((l) => l.id === wanted) ??
    lookup.value.find((l) => l.name.toLowerCase() === wanted.toLowerCase());
  if (!library) {
    const available = lookup.value.map((l) => `${l.name} (id ${l.id}, ${l.type})`).join(', ');
    throw new ToolError(
      'not_found',
      `library: no library named or numbered "${wanted}". Available: ${available || 'none'}.`,
      {
        field: 'library',
        libraries: lookup.value.map((l) => ({ id: l.id, name: l.name, type: l.type })),
      },
    );
  }
  return { library, lookup };
}
