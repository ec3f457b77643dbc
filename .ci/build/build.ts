// `npm run build`: the production build into dist/ (or --out-dir).
// 1. tsc -p tsconfig.build.json: type-checks server/, operator/ and cdk8s/ and emits them as modules (the operator
//    and the cdk8s constructs run as tsc's output, and import a few server/ modules from it), then drops the
//    emitted server modules nothing imports (pruneServerModules);
// 2. the server's bundle (server-bundle.ts) into dist/server: the server's bin, dist/server/main.js, is the bundle;
// 3. the MCP Apps views' sources next to the code that inlines them (server/apps/view-html.ts).
//   node .ci/with-node.mjs .ci/build/build.ts [--out-dir dist]
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_WORKING_DIR, buildServerBundle } from './server-bundle.ts';

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

/** The .js files under `dir`, recursively. */
function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * Removes every .js in dist/server (and its map) that the operator and the cdk8s constructs do not import: tsc's
 * emit of the server modules, which run as the bundle instead, and the chunks of an earlier bundle. The operator and
 * cdk8s import a few (settings, the logger, the version); which ones, esbuild's resolver says: a bundle of every
 * module in dist/operator and dist/cdk8s, not written, packages left out, whose metafile lists every module reached.
 */
export async function pruneServerModules(outDir: string): Promise<void> {
  const { metafile } = await build({
    absWorkingDir: BUNDLE_WORKING_DIR,
    entryPoints: [...jsFiles(path.join(outDir, 'operator')), ...jsFiles(path.join(outDir, 'cdk8s'))],
    outdir: path.join(outDir, 'reachability'),
    bundle: true,
    write: false,
    metafile: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  const reached = new Set(
    Object.keys(metafile.inputs).map((input) => path.resolve(BUNDLE_WORKING_DIR, input)),
  );
  const serverDir = path.join(outDir, 'server');
  for (const file of jsFiles(serverDir).filter((module) => !reached.has(module))) {
    rmSync(file);
    rmSync(`${file}.map`, { force: true });
  }
  // Directories left empty.
  const dirs = readdirSync(serverDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort((a, b) => b.length - a.length);
  for (const dir of dirs) if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
}

export async function buildAll(outDir: string): Promise<void> {
  compileTypeScript(outDir);
  await pruneServerModules(outDir);
  await buildServer(path.join(outDir, 'server'));
}

// The entry point whether run by node or in-process by .ci/with-node.mjs (where import.meta.main is false).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist' } } });
  await buildAll(path.resolve(repoRoot, values['out-dir'] as string));
}
