// The server's production build (issue #18, start-up): server/main.ts and everything it imports, bundled by esbuild
// into dist/server/main.js plus chunks. Loading ~240 modules one by one (resolve, read, compile, link each) was most of
// a start-up; a bundle loads a handful of files. What the server imports lazily (`await import()`: the HTTP transport,
// OAuth, the Plex sign-in, Redis, Prometheus metrics, plex.tv) stays in chunks of its own (`splitting`), loaded only
// when the configuration asks for it, as from source.
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { ZOD_LOCALES_STAND_IN, zodLocalesImportToReplace } from '../../server/startup/zod-english-only.ts';

/** esbuild's absWorkingDir, the repository: the metafile's paths are relative to it. */
export const BUNDLE_WORKING_DIR = path.resolve(import.meta.dirname, '../..');

/**
 * Packages left to Node to load from node_modules, each only in a lazy chunk (so never at a default start) and
 * each with nothing to gain from bundling: oidc-provider (AUTH_MODE=plex) pulls in koa and its CommonJS graph with
 * dynamic requires; ioredis (REDIS_URL) is CommonJS with optional requires. Everything else is bundled.
 * They must stay production dependencies in package.json (.ci/bundle/build-bundle.ts checks what the build imports).
 */
export const EXTERNAL_PACKAGES = ['oidc-provider', 'ioredis'];

/** zod without its other locales, as server/startup/zod-english-only.ts's hook does when running from source. */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      zodLocalesImportToReplace(args.path, args.importer)
        ? { path: fileURLToPath(ZOD_LOCALES_STAND_IN) }
        : undefined,
    );
  },
};

/**
 * Node's built-ins by `require`, not ESM `import`. Importing a built-in as ESM builds its ESM facade, which reads
 * every export once, lazy getters too: node:http's WebSocket, CloseEvent and MessageEvent getters load Node's
 * bundled undici (fetch, web streams), which a stdio server does not use (stdio start 536 -> 446 ms on a 2-core
 * machine). `require` returns the module object and runs no getter; esbuild's CommonJS interop gives the importing
 * module the same bindings (names are read from the object when used).
 */
const builtinsByRequire: Plugin = {
  name: 'builtins-by-require',
  setup(build) {
    build.onResolve({ filter: /^[a-z0-9:_/]+$/ }, (args) =>
      args.kind === 'import-statement' && isBuiltin(args.path)
        ? { path: args.path, namespace: 'builtin-by-require' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin-by-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/** The module whose contents the build replaces with the tools' precomputed JSON Schemas. */
const BUILT_JSON_SCHEMAS_MODULE = path.join(BUNDLE_WORKING_DIR, 'server/tools/built-json-schemas.ts');

/**
 * The tools' JSON Schemas, converted here once instead of on each start's first tools/list (issue #18): from the
 * sources being bundled, through define-tool.ts's own conversion (builtToolJsonSchemas), as a JSON.parse of a string
 * literal (V8 parses that faster than the same object as a literal).
 */
async function builtJsonSchemas(): Promise<Plugin> {
  const { TOOLS } = await import('../../server/tools/registry.ts');
  const { builtToolJsonSchemas } = await import('../../server/tools/define-tool.ts');
  const table = builtToolJsonSchemas(TOOLS);
  return {
    name: 'built-json-schemas',
    setup(build) {
      build.onLoad({ filter: /built-json-schemas\.ts$/ }, (args) =>
        args.path === BUILT_JSON_SCHEMAS_MODULE
          ? {
              contents: `export const BUILT_TOOL_JSON_SCHEMAS = JSON.parse(${JSON.stringify(JSON.stringify(table))});\n`,
              loader: 'js',
            }
          : undefined,
      );
    },
  };
}

export function serverBundleOptions(outdir: string, extraPlugins: Plugin[] = []): BuildOptions {
  return {
    absWorkingDir: BUNDLE_WORKING_DIR,
    entryPoints: { main: 'server/main.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // The npm package also runs on Node 20 (an `npx plex-mcp` user's Node; test/integration/package/npm-package.test.ts).
    target: 'node20',
    external: EXTERNAL_PACKAGES,
    plugins: [zodEnglishOnly, builtinsByRequire, ...extraPlugins],
    // CommonJS packages in the bundle (pino, prom-client) require Node's built-ins; ESM has no `require`, so each
    // file gets one. esbuild's require shim uses it.
    banner: {
      js: "import { createRequire as __plexMcpCreateRequire } from 'node:module';\nconst require = __plexMcpCreateRequire(import.meta.url);",
    },
    // Maps as files, for debugging (node --enable-source-maps dist/server/main.js); not turned on by default, since
    // reading them costs start-up. Without sources, as tsc's maps: the package does not ship server/.
    sourcemap: 'linked',
    sourcesContent: false,
    // Chunks next to main.js: modules find package.json and the Apps views relative to import.meta.url.
    chunkNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  };
}

/** Bundles the server into `outdir` (its main.js and chunks); returns esbuild's metafile (which input went where). */
export async function buildServerBundle(outdir: string): Promise<Metafile> {
  const result = await build(serverBundleOptions(outdir, [await builtJsonSchemas()]));
  return result.metafile as Metafile;
}
