// Loads less of @kubernetes/client-node (issue #18). The operator uses KubeConfig (authentication and TLS for its
// own JSON client), Watch and ListWatch; but dist/config.js imports the generated index (every typed API client and
// all 2,700 model classes, ~24 MB of JavaScript) for two names, and dist/cache.js imports the model serializer for
// selector strings. Importing them costs ~27 MiB of the operator's resident memory (operator/README.md). A module
// resolution hook hands those two imports, and only from the package's own modules outside dist/gen, the small
// stand-ins next to this file; everything else resolves as usual.
//
// Must run before anything imports client-node (main.ts registers it, then imports the rest dynamically): hooks
// apply to modules resolved after registration. Should the package's modules change what they import, linking fails
// at start with "does not provide an export named …" (a loud failure, never a silent one), and the unit test
// lean-client-node.test.ts fails first.
// The default import, not `{ registerHooks }`: a named import fails to link where node:module lacks it, so the check
// below could never answer false (as in server/startup/zod-english-only.ts).
import module from 'node:module';

const PACKAGE_DIST = '/node_modules/@kubernetes/client-node/dist/';
// Same extension as this module: .ts when run from source, .js when built.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const STAND_INS: Record<string, { importer: string; url: string }> = {
  './gen/index.js': {
    importer: `${PACKAGE_DIST}config.js`,
    url: new URL(`./gen-configuration${extension}`, import.meta.url).href,
  },
  './serializer.js': {
    importer: `${PACKAGE_DIST}cache.js`,
    url: new URL(`./serializer${extension}`, import.meta.url).href,
  },
};

let registered = false;

/** Registers the hook once; returns false where Node lacks module.registerHooks (then the package loads whole). */
export function registerLeanClientNode(): boolean {
  if (registered) return true;
  if (typeof module.registerHooks !== 'function') return false;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const standIn = STAND_INS[specifier];
      if (standIn && context.parentURL?.endsWith(standIn.importer)) {
        return { url: standIn.url, shortCircuit: true };
      }
      return nextResolve(specifier, context);
    },
  });
  registered = true;
  return true;
}
