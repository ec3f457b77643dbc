import { readFileSync } from 'node:fs';

/** The name and version MCP clients see (serverInfo) and Plex sees (X-Plex-Product/Version). */
export const SERVER_NAME = 'plex-mcp';
export const SERVER_VERSION = readPackageVersion();

/**
 * The package version, read from package.json at start. It is one directory up from the sources
 * (server/version.ts) and two from the build (dist/server/version.js, or the bundle's chunk in dist/server/),
 * hence both candidates.
 */
function readPackageVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'plex-mcp' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}
