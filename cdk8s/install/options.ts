// What an install of the operator can vary. Defaults match the Helm chart (charts/plex-mcp-operator).
import { releaseImage } from '../../operator/api/v1alpha1/index.ts';
import { SERVER_VERSION } from '../../server/version.ts';

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

export function defaultInstallOptions(): InstallOptions {
  return {
    namespace: 'plex-mcp-system',
    // No registry publishes the image yet: `docker build -t plex-mcp:<version> .` and load it (README).
    image: releaseImage(SERVER_VERSION),
    replicas: 1,
    watchNamespaces: [],
    logLevel: 'info',
    metricsPort: 8080,
    healthPort: 8081,
  };
}
