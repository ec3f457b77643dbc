// What one PlexMcpServer should become, behind one call: the operator's reconciler asks `desiredState(resource)`
// once per reconcile and applies the answer. Everything about the children lives here (their names, labels and
// kinds, which generated Secrets this spec has, the checksums that roll the pods); the reconciler only knows how to
// apply objects, check their ownership and report status.
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import { usesBearerToken } from './auth-mode.ts';
import { hashSecretData } from './checksum.ts';
import { SERVER_PORT_NAME } from './defaults.ts';
import {
  ALL_OPTIONAL_KINDS,
  type ChildNames,
  type ChildRef,
  childNames,
  childRefsOf,
  mcpEndpoint,
  OPTIONAL_CHILD_KINDS,
  type OptionalChildKind,
  wantedChildRefs,
} from './names.ts';
import { platformChildWanted } from './platform-names.ts';
import { renderPlexMcpServer } from './render.ts';
import {
  AUTH_TOKEN_KEY,
  generateSecretValue,
  REDIS_PASSWORD_KEY,
  renderAuthSecret,
  renderRedisSecret,
} from './secrets.ts';
import { publicUrl } from './server-config.ts';

/** One generated Secret: where its value lives, and how to make it (always with a fresh random value). */
export interface GeneratedSecretSpec {
  name: string;
  key: string;
  /** The whole Secret with a fresh value; `rotation` is recorded on the auth Secret (the request it answers). */
  create(rotation?: string): V1Secret;
  /** `data` holding a fresh value under `key` (rotation, repair). */
  freshData(): Record<string, string>;
}

/** The values the pods see through Secrets: only their digest reaches the rendered objects. */
export interface SecretValues {
  plexToken: string;
  externalRedisPassword?: string;
  /** In the bearer auth modes only. */
  authToken?: string;
  redisPassword?: string;
}

/** A child the spec asks for whose kind the cluster does not serve (its CRDs are not installed). */
export interface UnservedChild {
  kind: OptionalChildKind;
  /** The spec field that asks for it, e.g. spec.gateway. */
  field: string;
  /** The API it needs, e.g. gateway.networking.k8s.io/v1 HTTPRoute. */
  api: string;
  /** What installs it, for the condition message. */
  install: string;
}

const OPTIONAL_KIND_NEEDS: Record<OptionalChildKind, Omit<UnservedChild, 'kind'>> = {
  HTTPRoute: {
    field: 'spec.gateway',
    api: 'gateway.networking.k8s.io/v1 HTTPRoutes',
    install: 'install the Gateway API CRDs (and a Gateway controller), or remove spec.gateway',
  },
  ServiceMonitor: {
    field: 'spec.monitoring.serviceMonitor',
    api: 'monitoring.coreos.com/v1 ServiceMonitors',
    install:
      'install the Prometheus Operator (e.g. kube-prometheus-stack), or set spec.monitoring.serviceMonitor: false',
  },
};

export interface DesiredState {
  names: ChildNames;
  /** The in-cluster MCP URL (status.endpoint). */
  endpoint: string;
  /** Name of the Service port MCP is on (and of its EndpointSlice port, which the operator verifies by). */
  servicePortName: string;
  /** The URL clients outside the cluster use (status.publicEndpoint); undefined when none is known. */
  publicEndpoint?: string;
  /** The bearer token Secret clients read (status.authSecretName); undefined with auth.mode OAuth. */
  authSecretName?: string;
  /** The children this spec has, generated Secrets included: none may belong to anyone else. */
  wanted: ChildRef[];
  /** Children an earlier spec may have created that this one does not have (generated Secrets excluded). */
  unwanted: ChildRef[];
  /** Children the spec asks for that this cluster cannot have: their kind is not served. */
  unserved: UnservedChild[];
  /** The bearer token Secret in the bearer auth modes; the Redis password Secret with Managed Redis. */
  generatedSecrets: { auth?: GeneratedSecretSpec; redis?: GeneratedSecretSpec };
  /** Generated Secrets this spec does not have (deleted when an earlier spec made them and they are ours). */
  unwantedGeneratedSecrets: string[];
  /** The children to server-side apply, in order, for the given Secret values. */
  children(values: SecretValues): KubernetesObject[];
}

export interface DesiredStateOptions {
  /** The server image when spec.image is unset. */
  defaultServerImage: string;
  /** The optional kinds (HTTPRoute, ServiceMonitor) the cluster serves; unset: all (offline rendering). */
  servedKinds?: ReadonlySet<OptionalChildKind>;
  /** The operator's namespace: let in by the server's NetworkPolicy, since the operator verifies the server. */
  operatorNamespace?: string;
}

function generatedSecret(name: string, key: string, render: (value: string, rotation?: string) => V1Secret) {
  return {
    name,
    key,
    create: (rotation?: string) => render(generateSecretValue(), rotation),
    freshData: () => ({ [key]: Buffer.from(generateSecretValue(), 'utf8').toString('base64') }),
  };
}

export function desiredState(resource: PlexMcpServer, options: DesiredStateOptions): DesiredState {
  const names = childNames(resource);
  const managedRedis = resource.spec.redis.mode === 'Managed';
  const bearer = usesBearerToken(resource);
  const served = options.servedKinds ?? ALL_OPTIONAL_KINDS;
  const wanted = wantedChildRefs(resource, served);
  const keep = new Set(wanted.map((ref) => `${ref.kind}/${ref.name}`));
  const possible = childRefsOf(resource, served);
  const publicEndpoint = publicUrl(resource);
  return {
    names,
    endpoint: mcpEndpoint(resource),
    servicePortName: SERVER_PORT_NAME,
    ...(publicEndpoint !== undefined ? { publicEndpoint } : {}),
    ...(bearer ? { authSecretName: names.authSecret } : {}),
    wanted,
    unwanted: possible.filter((ref) => !ref.generated && !keep.has(`${ref.kind}/${ref.name}`)),
    unserved: OPTIONAL_CHILD_KINDS.filter(
      (kind) => !served.has(kind) && platformChildWanted(resource, kind),
    ).map((kind) => ({ kind, ...OPTIONAL_KIND_NEEDS[kind] })),
    generatedSecrets: {
      ...(bearer
        ? {
            auth: generatedSecret(names.authSecret, AUTH_TOKEN_KEY, (value, rotation) =>
              renderAuthSecret(resource, value, rotation),
            ),
          }
        : {}),
      ...(managedRedis
        ? {
            redis: generatedSecret(names.redisSecret, REDIS_PASSWORD_KEY, (value) =>
              renderRedisSecret(resource, value),
            ),
          }
        : {}),
    },
    unwantedGeneratedSecrets: possible
      .filter((ref) => ref.generated && !keep.has(`${ref.kind}/${ref.name}`))
      .map((ref) => ref.name),
    children: (values) =>
      renderPlexMcpServer(resource, {
        defaultServerImage: options.defaultServerImage,
        servedKinds: served,
        ...(options.operatorNamespace !== undefined ? { operatorNamespace: options.operatorNamespace } : {}),
        // All four names, present or not: an absent value is part of the digest too (see hashSecretData).
        secretsChecksum: hashSecretData({
          plexToken: values.plexToken,
          externalRedisPassword: values.externalRedisPassword,
          authToken: values.authToken,
          redisPassword: values.redisPassword,
        }),
      }),
  };
}
