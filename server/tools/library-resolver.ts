import { z } from 'zod';
import type { CacheLookup } from '../cache/tool-cache.ts';
import { type Library, LibrarySchema } from '../domain/library.ts';
import type { ToolDeps } from './tool-deps.ts';
import { ToolError } from './tool-error.ts';

/** What the cache holds: checked when read back (a bad shared-Redis entry is a miss). */
const CACHED_LIBRARIES = z.array(LibrarySchema);

export function loadLibraries(deps: ToolDeps): Promise<CacheLookup<Library[]>> {
  return deps.cache.getOrLoad('libraries', {}, () => deps.plex.listLibraries(), CACHED_LIBRARIES);
}

/**
 * `library` arguments accept a section id ("1") or a name ("Movies", any case), because assistants know names
 * from conversation and ids from earlier results. Unknown → not_found listing what exists.
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
