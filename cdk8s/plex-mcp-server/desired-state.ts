// What one PlexMcpServer should become, behind one call: the operator's reconciler asks `desiredState(resource)`
// once per reconcile and applies the answer. Everything about the children lives here (their names, labels and
// kinds, which generated Secrets this spec has, the checksums that roll the pods); the reconciler only knows how to
// apply objects, check their ownership and report status.
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import { usesBearerToken, usesConfirmTokenKey, usesSignInKey } from './auth-mode.ts';
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
  CONFIRM_TOKEN_KEY_KEY,
  generateSecretValue,
  REDIS_PASSWORD_KEY,
  renderAuthSecret,
  renderRedisSecret,
  SIGN_IN_KEY_KEY,
} from './secrets.ts';
import { publicUrl } from './server-config.ts';

/** What the generated Secrets hold, by meaning (`GeneratedSecretSpec.keys` says under which Secret key). */
export type GeneratedValueName = 'authToken' | 'confirmKey' | 'signInKey' | 'redisPassword';

/** One generated Secret: where its values live, and how to make them (always fresh random values). */
export interface GeneratedSecretSpec {
  name: string;
  /** The values it holds, each under its key: random, made once (and again when its key was emptied). */
  keys: Partial<Record<GeneratedValueName, string>>;
  /** Keys an earlier spec put there that this one does not use: removed, so no unused credential stays behind. */
  retiredKeys: string[];
  /** The value a rotation request renews (the bearer token); undefined: nothing here rotates. */
  rotates?: GeneratedValueName;
  /** The whole Secret with fresh values; `rotation` is recorded on the auth Secret (the request it answers). */
  create(rotation?: string): V1Secret;
  /** `data` holding fresh values under `keys` (rotation, repair). */
  freshData(keys: readonly string[]): Record<string, string>;
}

/** The values the pods see through Secrets: only their digest reaches the rendered objects. */
export interface SecretValues {
  plexToken: string;
  externalRedisPassword?: string;
  /** In the bearer auth modes only. */
  authToken?: string;
  /** With tools.writeAccess Library (the default) only. */
  confirmKey?: string;
  /** With auth.mode SignInWithPlex only. */
  signInKey?: string;
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
  /**
   * `<name>-auth` when it holds something (the bearer token in the bearer auth modes, the confirm-token key with
   * tools.writeAccess Library); the Redis password Secret with Managed Redis.
   */
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

function freshData(keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    keys.map((key) => [key, Buffer.from(generateSecretValue(), 'utf8').toString('base64')]),
  );
}

/** `<name>-auth`: the bearer token in the bearer auth modes, the confirm-token key when tools ask before acting. */
function authSecretSpec(resource: PlexMcpServer): GeneratedSecretSpec | undefined {
  const bearer = usesBearerToken(resource);
  const confirm = usesConfirmTokenKey(resource);
  const signIn = usesSignInKey(resource);
  if (!bearer && !confirm && !signIn) return undefined;
  return {
    name: childNames(resource).authSecret,
    keys: {
      ...(bearer ? { authToken: AUTH_TOKEN_KEY } : {}),
      ...(confirm ? { confirmKey: CONFIRM_TOKEN_KEY_KEY } : {}),
      ...(signIn ? { signInKey: SIGN_IN_KEY_KEY } : {}),
    },
    // The sign-in key is never retired: switching back to SignInWithPlex then finds everyone still signed in.
    retiredKeys: [...(bearer ? [] : [AUTH_TOKEN_KEY]), ...(confirm ? [] : [CONFIRM_TOKEN_KEY_KEY])],
    ...(bearer ? { rotates: 'authToken' as const } : {}),
    create: (rotation) =>
      renderAuthSecret(
        resource,
        {
          authToken: bearer ? generateSecretValue() : undefined,
          confirmKey: confirm ? generateSecretValue() : undefined,
          signInKey: signIn ? generateSecretValue() : undefined,
        },
        rotation,
      ),
    freshData,
  };
}

function redisSecretSpec(resource: PlexMcpServer): GeneratedSecretSpec {
  return {
    name: childNames(resource).redisSecret,
    keys: { redisPassword: REDIS_PASSWORD_KEY },
    retiredKeys: [],
    create: () => renderRedisSecret(resource, generateSecretValue()),
    freshData,
  };
}

export function desiredState(resource: PlexMcpServer, options: DesiredStateOptions): DesiredState {
  const names = childNames(resource);
  const managedRedis = resource.spec.redis.mode === 'Managed';
  const bearer = usesBearerToken(resource);
  const auth = authSecretSpec(resource);
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
      ...(auth ? { auth } : {}),
      ...(managedRedis ? { redis: redisSecretSpec(resource) } : {}),
    },
    unwantedGeneratedSecrets: possible
      .filter((ref) => ref.generated && !keep.has(`${ref.kind}/${ref.name}`))
      .map((ref) => ref.name),
    children: (values) =>
      renderPlexMcpServer(resource, {
        defaultServerImage: options.defaultServerImage,
        servedKinds: served,
        ...(options.operatorNamespace !== undefined ? { operatorNamespace: options.operatorNamespace } : {}),
        // All four names, present or not: an absent value is part of the digest too (see hashSecretData). The
        // confirm-token key only when present, so resources without it keep the digest (and pods) they had.
        secretsChecksum: hashSecretData({
          plexToken: values.plexToken,
          externalRedisPassword: values.externalRedisPassword,
          authToken: values.authToken,
          redisPassword: values.redisPassword,
          ...(values.confirmKey !== undefined ? { confirmKey: values.confirmKey } : {}),
          ...(values.signInKey !== undefined ? { signInKey: values.signInKey } : {}),
        }),
      }),
  };
}
