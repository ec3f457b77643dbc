import { z } from 'zod';
import { freshnessFields } from '../domain/freshness.ts';
import { LibrarySchema } from '../domain/library.ts';
import { defineTool } from './define-tool.ts';
import { withWarning } from './format-text.ts';
import { freshnessOf } from './freshness.ts';
import { loadLibraries } from './library-resolver.ts';

export const listLibrariesTool = defineTool({
  name: 'list_libraries',
  title: 'Libraries',
  description:
    'The libraries with ids, names and types (movie, show, artist = music, photo). Other tools take a library by ' +
    'name or id.',
  input: z.strictObject({}),
  output: z.object({
    count: z.number().int().nonnegative(),
    libraries: z.array(LibrarySchema),
    ...freshnessFields,
  }),
  category: 'read',
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(_args, deps) {
    const lookup = await loadLibraries(deps);
    const { fields, warning } = freshnessOf(lookup);
    const libraries = lookup.value;
    const text =
      libraries.length === 0
        ? 'The Plex server has no libraries.'
        : [
            `${libraries.length} libraries:`,
            ...libraries.map((l) => `- ${l.name} (id ${l.id}, ${l.type})`),
          ].join('\n');
    return {
      structured: { count: libraries.length, libraries, ...fields },
      text: withWarning(text, warning),
      source: lookup.source,
    };
  },
});
