// The verification component as the controller uses it: on every reconcile the controller calls observe(), which
// (re)tracks the server in the scheduler and returns the conditions and status.server of the latest verdict; when a
// verdict changes, the scheduler's onChange enqueues the resource so its status is rewritten. Everything it reads
// comes from the controller's informer caches (the Service's EndpointSlices, the auth Secret): verifying costs no
// API request, only the HTTP requests to the server itself.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Clock } from '../runtime/clock.ts';
import type { ObjectStore } from '../runtime/informer.ts';
import { chooseEndpoint, type EndpointChoice, type EndpointSliceView } from './endpoint-target.ts';
import type { ServerIdentity } from './mcp-handshake.ts';
import {
  serverStatus,
  type VerificationCondition,
  type VerificationContext,
  verificationConditions,
} from './verification-conditions.ts';
import { VerificationScheduler, type VerificationSchedulerOptions } from './verification-scheduler.ts';
import { VERIFY_DEFAULTS } from './verify-defaults.ts';
import { type VerificationResult, verifyServer } from './verify-server.ts';

/** The EndpointSlices the verifier reads (they carry the Service's labels, so the operator's label selects them). */
export const ENDPOINT_SLICE_KIND = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
} as const;

/** How the operator verifies servers; `false` in OperatorOptions turns it off (said so in the status). */
export type VerificationOptions = Pick<
  ServerVerifierOptions,
  'intervalMs' | 'concurrency' | 'maxPerSecond' | 'timeoutMs' | 'endpointOverride'
>;

/** The label the EndpointSlice controller puts on every slice of a Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** What the verifier needs to know about one PlexMcpServer (the controller derives it from the parsed resource). */
export interface VerifiedServer {
  namespace: string;
  name: string;
  serviceName: string;
  /** Name of the Service port (and so of the EndpointSlice port) MCP is on. */
  portName: string;
  authSecret: { name: string; key: string };
  context: VerificationContext;
}

export interface ServerVerifierOptions
  extends Pick<
    VerificationSchedulerOptions,
    'intervalMs' | 'jitter' | 'concurrency' | 'maxPerSecond' | 'onVerify'
  > {
  clock: Clock;
  endpointSlices: ObjectStore<KubernetesObject>;
  secrets: ObjectStore<KubernetesObject>;
  /** Asks for a reconcile of `namespace/name` (a verdict changed). */
  enqueue: (key: string) => void;
  timeoutMs?: number;
  clientVersion: string;
  /** Hears each HTTP request a verification sends to a server (server_verification_requests_total). */
  onRequest?: () => void;
  /**
   * Where to reach a chosen endpoint instead of its own address. Unset in a cluster. Tests on the local control
   * plane set it: kwok's pods run no process and have no network, so the test maps them to a real server process.
   */
  endpointOverride?: (key: string, endpoint: EndpointChoice) => string | undefined;
}

export interface VerificationStatus {
  conditions: VerificationCondition[];
  server?: ServerIdentity;
}

function decodeSecret(secret: KubernetesObject | undefined, key: string): string | undefined {
  const data = (secret as { data?: Record<string, string> } | undefined)?.data?.[key];
  if (!data) return undefined;
  const value = Buffer.from(data, 'base64').toString('utf8');
  return value.length > 0 ? value : undefined;
}

export class ServerVerifier {
  private readonly options: ServerVerifierOptions;
  private readonly scheduler: VerificationScheduler;
  private readonly servers = new Map<string, VerifiedServer>();

  constructor(options: ServerVerifierOptions) {
    this.options = options;
    this.scheduler = new VerificationScheduler({
      clock: options.clock,
      ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
      ...(options.jitter !== undefined ? { jitter: options.jitter } : {}),
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.maxPerSecond !== undefined ? { maxPerSecond: options.maxPerSecond } : {}),
      ...(options.onVerify ? { onVerify: options.onVerify } : {}),
      verify: (key) => this.verify(key),
      onChange: (key) => options.enqueue(key),
    });
  }

  /**
   * Keeps the server verified and returns what its latest verdict says. `fingerprint` should change whenever what
   * runs changed (spec generation, the server Deployment's template); the endpoints are added here.
   */
  observe(server: VerifiedServer, fingerprint: string): VerificationStatus {
    const key = `${server.namespace}/${server.name}`;
    this.servers.set(key, server);
    const endpoint = this.endpointOf(server);
    this.scheduler.track(key, `${fingerprint}|${endpoint?.candidates.join(',') ?? 'no-endpoints'}`);
    const result = this.scheduler.latest(key);
    const whyNoResult = endpoint
      ? 'Verification of the server is pending.'
      : `Service ${server.serviceName} has no endpoints yet (no server pod has an IP): nothing to verify.`;
    const status: VerificationStatus = {
      conditions: verificationConditions(endpoint ? result : undefined, server.context, whyNoResult),
    };
    const identity = endpoint ? serverStatus(result) : undefined;
    if (identity) status.server = identity;
    return status;
  }

  /** The resource is gone: stop verifying it. */
  forget(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    this.servers.delete(key);
    this.scheduler.forget(key);
  }

  stop(): void {
    this.scheduler.stop();
  }

  private endpointOf(server: VerifiedServer): EndpointChoice | undefined {
    const slices = this.options.endpointSlices
      .list(server.namespace)
      .filter((slice) => slice.metadata?.labels?.[SERVICE_NAME_LABEL] === server.serviceName);
    return chooseEndpoint(slices as EndpointSliceView[], server.portName);
  }

  private async verify(key: string): Promise<VerificationResult | undefined> {
    const server = this.servers.get(key);
    if (!server) return undefined;
    const endpoint = this.endpointOf(server);
    if (!endpoint) return undefined;
    const secret = this.options.secrets.get(server.authSecret.name, server.namespace);
    const bearer = decodeSecret(secret, server.authSecret.key);
    if (!bearer) return undefined;
    const baseUrl = this.options.endpointOverride?.(key, endpoint) ?? endpoint.baseUrl;
    return verifyServer(
      { baseUrl, bearer },
      {
        timeoutMs: this.options.timeoutMs ?? VERIFY_DEFAULTS.timeoutMs,
        clientVersion: this.options.clientVersion,
        now: () => this.options.clock.now(),
        ...(this.options.onRequest ? { onRequest: this.options.onRequest } : {}),
      },
    );
  }
}
