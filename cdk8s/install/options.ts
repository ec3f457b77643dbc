// What an install of the operator can vary. Defaults match the Helm chart (charts/plex-mcp-operator).
import { readFileSync } from 'node:fs';

export interface InstallOptions {
  /** Namespace of the operator itself (its Deployment, ServiceAccount and Lease). */
  namespace: string;
  /** Operator image; it also holds the server (see Dockerfile). */
  image: string;
  /** Server image for PlexMcpServers without spec.image. Default: the operator image. */
  serverImage?: string;
  /** 2 = one active, one standby (Lease leader election is always on). */
  replicas: number;
  /** Namespaces to watch; empty = all (cluster-wide RBAC), otherwise a Role per namespace. */
  watchNamespaces: string[];
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  metricsPort: number;
  healthPort: number;
}

/**
 * The package version: package.json is two directories up from the sources (cdk8s/install/) and three from
 * the build (dist/cdk8s/install/), hence both candidates.
 */
function packageVersion(): string {
  for (const relative of ['../../package.json', '../../../package.json']) {
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
  throw new Error('cannot find the plex-mcp package.json to name the default image');
}

export function defaultInstallOptions(): InstallOptions {
  return {
    namespace: 'plex-mcp-system',
    // No registry publishes the image yet: `docker build -t plex-mcp:<version> .` and load it (README).
    image: `plex-mcp:${packageVersion()}`,
    replicas: 1,
    watchNamespaces: [],
    logLevel: 'info',
    metricsPort: 8080,
    healthPort: 8081,
  };
}
