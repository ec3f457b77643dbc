// `npm run build`: the production build into dist/ (or --out-dir).
// 1. tsc -p tsconfig.build.json: type-checks server/, operator/ and cdk8s/ and emits them as modules (the operator
//    and the cdk8s constructs run as tsc's output, and import a few server/ modules from it);
// 2. the server's bundle (server-bundle.ts) over tsc's dist/server/main.js: the server's bin runs the bundle;
// 3. the MCP Apps views' sources next to the code that inlines them (server/apps/view-html.ts).
//   node .ci/with-node.mjs .ci/build/build.ts [--out-dir dist]
import { execFileSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Metafile } from 'esbuild';
import { buildServerBundle } from './server-bundle.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
/** The bundle's metafile, a sibling of dist/server. */
export const SERVER_BUNDLE_META = 'server-bundle.meta.json';

/**
 * The server as it ships, into `serverDir` (dist/server): its bundle and the Apps views. esbuild's metafile (which
 * sources went into which chunk; esbuild's bundle analyzer reads it) goes next to that directory, outside the package:
 * SERVER_BUNDLE_META.
 */
export async function buildServer(serverDir: string): Promise<Metafile> {
  const metafile = await buildServerBundle(serverDir);
  writeFileSync(path.join(serverDir, '..', SERVER_BUNDLE_META), JSON.stringify(metafile));
  cpSync(path.join(repoRoot, 'server/apps/views'), path.join(serverDir, 'apps/views'), { recursive: true });
  return metafile;
}

/** tsc's emit of server/, operator/ and cdk8s/ into `outDir`; throws (with tsc's report) on a type error. */
export function compileTypeScript(outDir: string): void {
  execFileSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir],
    { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] },
  );
}

export async function buildAll(outDir: string): Promise<void> {
  compileTypeScript(outDir);
  await buildServer(path.join(outDir, 'server'));
}

// The entry point whether run by node or in-process by .ci/with-node.mjs (where import.meta.main is false).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist' } } });
  await buildAll(path.resolve(repoRoot, values['out-dir'] as string));
}
