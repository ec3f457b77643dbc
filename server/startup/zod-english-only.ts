// Loads zod without its 62 other locales (issue #18: start-up). zod's entry modules re-export every locale as the
// `locales` namespace (`export * as locales from "../locales/index.js"`), so importing zod (ours, and the MCP SDK's
// `zod/v4`) evaluates 63 locale modules, about a fifth of the modules a stdio start loads, for the English one zod
// configures by default. A module resolution hook hands that one import, and only from zod's own entry modules, a
// stand-in that exports English alone (zod-locales-en.ts); everything else resolves as usual. zod's upstream fix,
// named exports per locale, was proposed and not merged (colinhacks/zod#5465).
//
// What it changes: `z.locales` holds only `en`, so `z.config(z.locales.de())` would fail loudly (not a function);
// the server never configures another locale. Must run before anything imports zod (main.ts registers it, then
// imports the rest dynamically): hooks apply to modules resolved after registration.
// The default import, not `{ registerHooks }`: the bin also runs on Nodes without it (Node 20, which an `npx plex-mcp`
// user may have; test/integration/package/npm-package.test.ts), where a named import fails to link and the server
// never starts. The production bundle makes the same substitution at build time (.ci/build/server-bundle.ts), from
// zodLocalesImportToReplace and ZOD_LOCALES_STAND_IN below; there zod is inlined and this hook sees no zod import.
import module from 'node:module';

const LOCALES_INDEX = '../locales/index.js';
/** zod's modules that import the locales index, as their URLs end. */
const IMPORTERS = ['/zod/v4/classic/external.js', '/zod/v4/core/index.js', '/zod/v4/mini/external.js'];
// Same extension as this module: .ts when run from source, .js when built.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
export const ZOD_LOCALES_STAND_IN = new URL(`./zod-locales-en${extension}`, import.meta.url).href;

/** Whether `specifier`, imported by `importer` (a URL or a path), is zod's locales index to stand in for. */
export function zodLocalesImportToReplace(specifier: string, importer: string | undefined): boolean {
  return specifier === LOCALES_INDEX && IMPORTERS.some((end) => importer?.endsWith(end) === true);
}

let registered = false;

/** Registers the hook once; returns false where Node lacks module.registerHooks (then zod loads whole). */
export function registerZodEnglishOnly(): boolean {
  if (registered) return true;
  if (typeof module.registerHooks !== 'function') return false;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (zodLocalesImportToReplace(specifier, context.parentURL)) {
        return { url: ZOD_LOCALES_STAND_IN, shortCircuit: true };
      }
      return nextResolve(specifier, context);
    },
  });
  registered = true;
  return true;
}
