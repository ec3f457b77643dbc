/**
 * What a start of the server's bundle (.ci/build/server-bundle.ts) loaded, in source modules: a bundle's process
 * loads a few chunk files, so test/support/loaded-modules-hook.ts's record names chunks; esbuild's metafile says
 * which source modules (server/*.ts, node_modules/**) each chunk holds. Lets the lazy-loading tests assert on the
 * bundle what they assert on a start from source.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';

/**
 * `loaded` with every URL of a bundle output replaced by the file URLs of the inputs in it (those the chunk holds
 * code of); URLs of anything else (packages left external, Node's built-ins) stay as they are.
 * `workingDir` is the build's absWorkingDir, against which the metafile's paths are relative.
 */
export function sourceModulesOf(loaded: string[], metafile: Metafile, workingDir: string): string[] {
  const url = (file: string) => pathToFileURL(path.resolve(workingDir, file)).href;
  const inputsByOutput = new Map(
    Object.entries(metafile.outputs).map(([output, { inputs }]) => [
      url(output),
      Object.keys(inputs).map(url),
    ]),
  );
  return loaded.flatMap((module) => inputsByOutput.get(module) ?? [module]);
}
