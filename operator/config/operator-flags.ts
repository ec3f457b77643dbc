// The operator's command line and environment, validated with zod. Flags win over environment variables;
// OPERATOR_USAGE below lists them.
import { parseArgs } from 'node:util';
import { VERIFY_DEFAULTS } from '../verification/verify-defaults.ts';

const VERIFY_INTERVAL_SECONDS = VERIFY_DEFAULTS.intervalMs / 1000;
const VERIFY_TIMEOUT_SECONDS = VERIFY_DEFAULTS.timeoutMs / 1000;

export const OPERATOR_USAGE = `Usage: plex-mcp-operator [flags]

Reconciles PlexMcpServer resources (plexmcp.dev/v1alpha1) into MCP server Deployments, Services, Secrets and Redis.
Uses the in-cluster service account, or KUBECONFIG / ~/.kube/config outside a cluster.

  --namespaces a,b               watch only these namespaces (default: all)        env WATCH_NAMESPACES
  --leader-elect[=true|false]    Lease leader election (default: true in a cluster)
  --leader-election-namespace N  namespace of the Lease (default: POD_NAMESPACE, else the kubeconfig's)
  --metrics-port 8080            /metrics
  --health-port 8081             /healthz, /readyz
  --server-image IMAGE           server image for resources without spec.image    env PLEX_MCP_SERVER_IMAGE
                                 (default: plex-mcp:<this version>, the image the release builds)
  --log-level info               trace|debug|info|warn|error                       env LOG_LEVEL
  --workers 4                    concurrent reconciles
  --verify-servers[=true|false]  verify each server through its Service: MCP handshake + readiness
                                 (Verified, PlexReachable; Ready needs them). Default: true in a cluster
                                 (outside one the pod network is out of reach; the status then says so)
  --verify-interval-seconds ${String(VERIFY_INTERVAL_SECONDS).padEnd(5)}period between re-verifications of one server (jittered)
  --verify-concurrency ${String(VERIFY_DEFAULTS.concurrency).padEnd(10)}verifications at once across all servers; a server's first
                                 verification (new, or what runs changed) waits only for a free
                                 slot, re-verifications start at most ${VERIFY_DEFAULTS.maxPerSecond} per second
  --verify-timeout-seconds ${String(VERIFY_TIMEOUT_SECONDS).padEnd(6)}budget of one verification
  -h, --help                     print this and exit
`;

/** Whether the command line asks for the usage text (checked before any other parsing). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

import { z } from 'zod';
import { SERVER_VERSION } from '../../server/version.ts';
import { IMAGE_PATTERN, releaseImage } from '../api/v1alpha1/index.ts';

/** The image the release builds, for this very version (never a registry name nobody publishes). */
export const DEFAULT_SERVER_IMAGE = releaseImage(SERVER_VERSION);

const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

export const OperatorFlagsSchema = z.object({
  namespaces: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((ns) => ns.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be namespace names separated by commas'),
      ),
    ),
  leaderElect: booleanText.optional(),
  leaderElectionNamespace: z.string().min(1).optional(),
  metricsPort: port.default(8080),
  healthPort: port.default(8081),
  serverImage: z
    .string()
    .regex(new RegExp(IMAGE_PATTERN), 'must be an image reference (letters, digits and . _ - / : @ only)')
    .default(DEFAULT_SERVER_IMAGE),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
  workers: z.coerce.number().int().min(1).max(64).default(4),
  verifyServers: booleanText.optional(),
  verifyIntervalSeconds: z.coerce.number().int().min(5).max(86_400).default(VERIFY_INTERVAL_SECONDS),
  verifyConcurrency: z.coerce.number().int().min(1).max(64).default(VERIFY_DEFAULTS.concurrency),
  verifyTimeoutSeconds: z.coerce.number().int().min(1).max(60).default(VERIFY_TIMEOUT_SECONDS),
});

export type OperatorFlags = z.output<typeof OperatorFlagsSchema>;

export type FlagsResult = { ok: true; flags: OperatorFlags } | { ok: false; errors: string[] };

export function parseOperatorFlags(argv: readonly string[], env: NodeJS.ProcessEnv): FlagsResult {
  let values: Record<string, string | undefined>;
  try {
    // `--leader-elect` alone means true; parseArgs wants a value for string options, so give it one.
    const normalized = argv.map((arg) =>
      arg === '--leader-elect' || arg === '--verify-servers' ? `${arg}=true` : arg,
    );
    ({ values } = parseArgs({
      args: normalized,
      options: {
        namespaces: { type: 'string' },
        'leader-elect': { type: 'string' },
        'leader-election-namespace': { type: 'string' },
        'metrics-port': { type: 'string' },
        'health-port': { type: 'string' },
        'server-image': { type: 'string' },
        'log-level': { type: 'string' },
        workers: { type: 'string' },
        'verify-servers': { type: 'string' },
        'verify-interval-seconds': { type: 'string' },
        'verify-concurrency': { type: 'string' },
        'verify-timeout-seconds': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    return { ok: false, errors: [(error as Error).message] };
  }
  const result = OperatorFlagsSchema.safeParse({
    namespaces: values.namespaces ?? env.WATCH_NAMESPACES,
    leaderElect: values['leader-elect'],
    leaderElectionNamespace: values['leader-election-namespace'] ?? (env.POD_NAMESPACE || undefined),
    metricsPort: values['metrics-port'],
    healthPort: values['health-port'],
    serverImage: values['server-image'] ?? (env.PLEX_MCP_SERVER_IMAGE || undefined),
    logLevel: values['log-level'] ?? (env.LOG_LEVEL || undefined),
    workers: values.workers,
    verifyServers: values['verify-servers'],
    verifyIntervalSeconds: values['verify-interval-seconds'],
    verifyConcurrency: values['verify-concurrency'],
    verifyTimeoutSeconds: values['verify-timeout-seconds'],
  });
  if (result.success) return { ok: true, flags: result.data };
  const flagName = (path: PropertyKey[]) =>
    `--${String(path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return {
    ok: false,
    errors: result.error.issues.map((issue) => `${flagName(issue.path)}: ${issue.message}`),
  };
}
