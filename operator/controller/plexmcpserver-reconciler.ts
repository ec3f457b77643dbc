// The PlexMcpServer reconciler: level-triggered, so it recomputes everything from the resource and the informer
// caches on every call, whatever event caused it. One call:
//   read the resource from the cache → skip if gone or being deleted → parse the spec (invalid: InvalidSpec, stop)
//   → resolve the referenced Secrets (missing: TokenSecretNotFound/…KeyMissing/RedisSecretNotFound, stop; the
//   Secret informer re-enqueues the resource when the Secret appears; a Secret without the opt-in label:
//   SecretNotOptedIn) → check that no object the children are named after belongs to someone else (ChildConflict,
//   nothing written, checked again after a while) → the generated Secrets (generated-secrets.ts: create once,
//   repair, rotate on request, prune; no memory of their own) → render the children → apply each one that differs
//   from the cache → delete children of ours the spec no longer wants → compute conditions from the observed
//   Deployments → patch /status if changed.
// A second call with nothing changed makes no write at all.
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import {
  type ChildKind,
  type ChildRef,
  type DesiredState,
  desiredState,
} from '../../cdk8s/plex-mcp-server/index.ts';
import {
  API_VERSION,
  type Condition,
  FIELD_MANAGER,
  GROUP,
  KIND,
  PLURAL,
  type PlexMcpServer,
  parsePlexMcpServer,
  SECRET_OPT_IN_LABEL,
  VERSION,
} from '../api/v1alpha1/index.ts';
import type { OptionalKindsSource } from '../platform/optional-kinds.ts';
import { DISCOVERY_TTL_MS, recheckMinutes } from '../platform/served-kinds.ts';
import type { Clock } from '../runtime/clock.ts';
import type { EventRecorder, EventTarget } from '../runtime/event-recorder.ts';
import type { ObjectStore } from '../runtime/informer.ts';
import { isNotFound, KubeApiError, type KubeClient } from '../runtime/kube-client.ts';
import { canonicalJson } from '../runtime/live-matches-desired.ts';
import { kindInfo, resourcePath } from '../runtime/resource-paths.ts';
import type { ServerSideApplier } from '../runtime/server-side-apply.ts';
import type { ReconcileResult } from '../runtime/work-queue.ts';
import type { ServerIdentity } from '../verification/mcp-handshake.ts';
import { gateOnVerification, verificationDisabledConditions } from '../verification/ready-gate.ts';
import type { ServerVerifier, VerificationStatus } from '../verification/server-verifier.ts';
import { optedIn } from './cache-views.ts';
import { ChildOwnership, conflictMessage, controlledBy } from './child-ownership.ts';
import {
  type BlockingProblem,
  type ConditionCore,
  computeConditions,
  conditionTransitions,
  type DeploymentView,
  integrationsCondition,
  withTransitionTimes,
} from './conditions.ts';
import { GeneratedSecrets, secretValue } from './generated-secrets.ts';
import { splitKey } from './secret-reference-index.ts';

/** A PlexMcpServer as the API server sends it, before parsing. */
export interface RawPlexMcpServer extends KubernetesObject {
  spec?: unknown;
  status?: Record<string, unknown> & { conditions?: Condition[]; authTokenRotation?: string };
}

export type ChildCaches = Record<ChildKind, ObjectStore<KubernetesObject>>;

export interface ReconcilerDeps {
  client: KubeClient;
  plexMcpServers: ObjectStore<RawPlexMcpServer>;
  children: ChildCaches;
  applier: ServerSideApplier;
  events: EventRecorder;
  logger: Logger;
  clock: Clock;
  /** Image of the server when spec.image is unset. */
  defaultServerImage: string;
  /** How long a ChildConflict waits before the next look; default CHILD_CONFLICT_RECHECK_MS. */
  childConflictRecheckMs?: number;
  /**
   * Verification of each server (operator/verification): a ServerVerifier, or 'disabled' (--verify-servers=false,
   * said so in the status). Unset only in unit tests of the rest of the reconciler: no verification conditions.
   */
  verification?: ServerVerifier | 'disabled';
  /**
   * Which optional child kinds (HTTPRoute, ServiceMonitor) the cluster serves, their caches filled. Unset (unit tests
   * of the rest): all of them, from the caches given.
   */
  optionalKinds?: OptionalKindsSource;
  /** The operator's namespace, let in by each server's NetworkPolicy (the operator verifies the servers). */
  operatorNamespace?: string;
  /** How often the optional kinds are looked up again, for the IntegrationsReady message; default DISCOVERY_TTL_MS's. */
  discoveryRecheckMinutes?: number;
}

/** How long a resource blocked by a ChildConflict waits before the operator looks at the foreign object again. */
export const CHILD_CONFLICT_RECHECK_MS = 60_000;

interface ObservedDeployments {
  deployment?: DeploymentView;
  redisDeployment?: DeploymentView;
  verification?: VerificationStatus;
  /** IntegrationsReady; absent only when the spec could not be parsed. */
  integrations?: ConditionCore;
}

interface StatusFields {
  observedGeneration?: number;
  conditions: Condition[];
  endpoint?: string;
  /** null clears the field (merge patch): no public URL known / no bearer Secret with auth.mode OAuth. */
  publicEndpoint?: string | null;
  authSecretName?: string | null;
  authTokenRotation?: string;
  replicas?: number;
  readyReplicas?: number;
  /** null removes a server block a former verification wrote (merge patch). */
  server?: ServerIdentity | null;
}

export class PlexMcpServerReconciler {
  private readonly deps: ReconcilerDeps;
  private readonly generatedSecrets: GeneratedSecrets;
  private readonly ownership: ChildOwnership;

  constructor(deps: ReconcilerDeps) {
    this.deps = deps;
    this.generatedSecrets = new GeneratedSecrets(deps.client, FIELD_MANAGER, deps.children.Secret);
    this.ownership = new ChildOwnership(deps.client, deps.children);
  }

  async reconcile(key: string): Promise<ReconcileResult | undefined> {
    const { namespace, name } = splitKey(key);
    const raw = this.deps.plexMcpServers.get(name, namespace);
    // Gone: its children carry owner references, Kubernetes' garbage collector removes them.
    if (!raw) return undefined;
    // Being deleted: nothing to do (no finalizer of ours); writing now would only race the garbage collector.
    if (raw.metadata?.deletionTimestamp) return undefined;

    const parsed = parsePlexMcpServer(raw);
    if (!parsed.ok) {
      // The CRD schema refuses most invalid objects; what gets here (e.g. an object stored before a schema change)
      // waits for a spec edit, which re-enqueues it. No retry: retrying cannot fix a spec.
      await this.finish(
        raw,
        { reason: 'InvalidSpec', message: `Invalid spec: ${parsed.errors.join('; ')}` },
        {},
      );
      return undefined;
    }
    const resource = parsed.value;

    // The one question to the desired-state package; everything below applies its answer.
    const servedKinds = await this.deps.optionalKinds?.served();
    const desired = desiredState(resource, {
      defaultServerImage: this.deps.defaultServerImage,
      ...(servedKinds ? { servedKinds } : {}),
      ...(this.deps.operatorNamespace !== undefined
        ? { operatorNamespace: this.deps.operatorNamespace }
        : {}),
    });
    const integrations = integrationsCondition(
      desired.unserved,
      this.deps.discoveryRecheckMinutes ?? recheckMinutes(DISCOVERY_TTL_MS),
    );

    const secretsOrProblem = this.resolveReferencedSecrets(resource);
    if ('problem' in secretsOrProblem) {
      await this.finish(raw, secretsOrProblem.problem, {
        ...this.observedFields(resource, desired),
        integrations,
      });
      return undefined;
    }

    const conflict = await this.ownership.firstConflict(
      resource.metadata.namespace,
      resource.metadata.uid,
      desired.wanted,
    );
    if (conflict) {
      const message = conflictMessage(conflict, resource.metadata.namespace, resource.metadata.name);
      await this.finish(raw, { reason: 'ChildConflict', message }, { integrations });
      // The object in the way is not labelled as ours, so no watch event says when it is gone: look again later.
      return { requeueAfterMs: this.deps.childConflictRecheckMs ?? CHILD_CONFLICT_RECHECK_MS };
    }

    const target = this.eventTarget(raw);
    const generated = await this.generatedSecrets.reconcile(
      resource,
      desired,
      raw.status?.authTokenRotation,
      (note) =>
        this.deps.events.record(
          target,
          'Normal',
          note.reason,
          note.message,
          note.reason === 'Deleted' ? 'Delete' : undefined,
        ),
    );

    const children = desired.children({
      plexToken: secretsOrProblem.plexToken,
      externalRedisPassword: secretsOrProblem.externalRedisPassword,
      authToken: generated.authToken,
      confirmKey: generated.confirmKey,
      ...(generated.signInKey !== undefined ? { signInKey: generated.signInKey } : {}),
      redisPassword: generated.redisPassword,
    });
    const applyProblem = await this.applyChildren(resource, children);
    await this.deleteUnwantedChildren(resource, desired.unwanted);

    const observed = this.observedFields(resource, desired);
    const verification = this.verificationOf(resource, desired, observed.deployment);
    await this.finish(raw, applyProblem, {
      ...observed,
      integrations,
      ...(verification ? { verification } : {}),
      ...(generated.authTokenRotation !== undefined
        ? { authTokenRotation: generated.authTokenRotation }
        : {}),
    });
    return undefined;
  }

  /** The verification verdict to report; (re)tracks the server so a change of what runs verifies it again. */
  private verificationOf(
    resource: PlexMcpServer,
    desired: DesiredState,
    deployment: DeploymentView | undefined,
  ): VerificationStatus | undefined {
    const verification = this.deps.verification;
    if (verification === undefined) return undefined;
    if (verification === 'disabled') return { conditions: verificationDisabledConditions() };
    const auth = desired.generatedSecrets.auth;
    const bearerKey = auth?.keys.authToken;
    // OAuth or SignInWithPlex: the operator holds no credential the server accepts, so it cannot make the handshake.
    if (!auth || !bearerKey) {
      return {
        conditions: verificationDisabledConditions(
          `spec.auth.mode is ${resource.spec.auth.mode}: the operator holds no token the server accepts, so it does not verify it.`,
        ),
      };
    }
    const { namespace, name, generation } = resource.metadata;
    const fingerprint = [
      generation,
      deployment?.metadata?.generation,
      deployment?.status?.updatedReplicas,
      deployment?.status?.readyReplicas,
    ].join('|');
    return verification.observe(
      {
        namespace,
        name,
        serviceName: desired.names.service,
        portName: desired.servicePortName,
        authSecret: { name: auth.name, key: bearerKey },
        context: {
          plexUrl: resource.spec.plex.url,
          tokenSecret: resource.spec.plex.tokenSecretRef,
          authSecretName: auth.name,
        },
      },
      fingerprint,
    );
  }

  /**
   * Reads the Plex token (and an external Redis password) from the Secret cache, or says what is missing. A Secret
   * is used, and its keys named in a message, only when it carries the opt-in label: the resource decides where its
   * value is sent, and may have been written by someone who cannot read Secrets.
   */
  private resolveReferencedSecrets(
    resource: PlexMcpServer,
  ): { plexToken: string; externalRedisPassword?: string } | { problem: BlockingProblem } {
    const { namespace } = resource.metadata;
    const tokenRef = resource.spec.plex.tokenSecretRef;
    const tokenSecret = this.deps.children.Secret.get(tokenRef.name, namespace);
    if (!tokenSecret) {
      return {
        problem: {
          reason: 'TokenSecretNotFound',
          message:
            `Secret "${tokenRef.name}" (spec.plex.tokenSecretRef) was not found in namespace "${namespace}". ` +
            `Create it: kubectl -n ${namespace} create secret generic ${tokenRef.name} ` +
            `--from-literal=${tokenRef.key}=<your Plex token> && ${optInCommand(namespace, tokenRef.name)}`,
        },
      };
    }
    if (!optedIn(tokenSecret))
      return { problem: notOptedIn('spec.plex.tokenSecretRef', namespace, tokenRef.name) };
    const plexToken = secretValue(tokenSecret, tokenRef.key);
    if (!plexToken) {
      const keys = Object.keys((tokenSecret as V1Secret).data ?? {});
      return {
        problem: {
          reason: 'TokenSecretKeyMissing',
          message:
            `Secret "${tokenRef.name}" in namespace "${namespace}" has no (or an empty) key "${tokenRef.key}" ` +
            `(spec.plex.tokenSecretRef.key); its keys are: ${keys.length > 0 ? keys.join(', ') : 'none'}. ` +
            `Add the Plex token under "${tokenRef.key}" or point spec.plex.tokenSecretRef.key at the right key.`,
        },
      };
    }
    const passwordRef =
      resource.spec.redis.mode === 'External' ? resource.spec.redis.external?.passwordSecretRef : undefined;
    if (!passwordRef) return { plexToken };
    const passwordSecret = this.deps.children.Secret.get(passwordRef.name, namespace);
    if (passwordSecret && !optedIn(passwordSecret)) {
      return { problem: notOptedIn('spec.redis.external.passwordSecretRef', namespace, passwordRef.name) };
    }
    const externalRedisPassword = secretValue(passwordSecret, passwordRef.key);
    if (!externalRedisPassword) {
      return {
        problem: {
          reason: 'RedisSecretNotFound',
          message: passwordSecret
            ? `Secret "${passwordRef.name}" in namespace "${namespace}" has no (or an empty) key "${passwordRef.key}" ` +
              '(spec.redis.external.passwordSecretRef.key). Add the Redis password under that key.'
            : `Secret "${passwordRef.name}" (spec.redis.external.passwordSecretRef) was not found in namespace ` +
              `"${namespace}". Create it: kubectl -n ${namespace} create secret generic ${passwordRef.name} ` +
              `--from-literal=${passwordRef.key}=<the Redis password> && ${optInCommand(namespace, passwordRef.name)}`,
        },
      };
    }
    return { plexToken, externalRedisPassword };
  }

  /**
   * Applies each child that differs from its cached copy, then records ONE Event listing what changed (an Event per
   * child would cost more writes than the children themselves). A child Kubernetes refuses is a spec problem.
   */
  private async applyChildren(
    resource: PlexMcpServer,
    children: KubernetesObject[],
  ): Promise<BlockingProblem | undefined> {
    const { namespace } = resource.metadata;
    const created: string[] = [];
    const updated: string[] = [];
    let problem: BlockingProblem | undefined;
    for (const child of children) {
      const kind = child.kind as ChildKind;
      const childName = child.metadata?.name ?? '';
      const live = this.deps.children[kind].get(childName, namespace);
      try {
        if ((await this.deps.applier.apply(child, live)) === 'applied') {
          (live ? updated : created).push(`${kind} ${childName}`);
        }
      } catch (error) {
        // An optional kind whose CRD went away since discovery last said it was served: look again at once (the
        // retry then leaves the child out and reports it), instead of trusting the remembered answer for minutes.
        if (isNotFound(error)) this.deps.optionalKinds?.forget(kind);
        if (isPermanentRefusal(error)) {
          problem = {
            reason: 'InvalidSpec',
            message: `Kubernetes refused ${kind} ${childName}: ${error.message}`,
          };
          break;
        }
        throw error;
      }
    }
    if (created.length > 0 || updated.length > 0) {
      const parts = [
        ...(created.length > 0 ? [`created ${created.join(', ')}`] : []),
        ...(updated.length > 0 ? [`updated ${updated.join(', ')}`] : []),
      ];
      const note = `Applied children: ${parts.join('; ')}.`;
      this.deps.logger.info(
        { resource: `${namespace}/${resource.metadata.name}`, created, updated },
        'Applied children',
      );
      this.deps.events.record(this.eventTarget(resource), 'Normal', 'Applied', note, 'Apply');
    }
    return problem;
  }

  /**
   * Deletes children of ours that the current spec no longer wants (e.g. Redis after leaving Managed). Only what is
   * controlled by this resource, and only that very object: the uid precondition refuses the delete when the name
   * meanwhile belongs to another object.
   */
  private async deleteUnwantedChildren(
    resource: PlexMcpServer,
    unwanted: readonly ChildRef[],
  ): Promise<void> {
    const { namespace, uid } = resource.metadata;
    for (const ref of unwanted) {
      const live = this.deps.children[ref.kind].get(ref.name, namespace);
      if (!controlledBy(live, uid)) continue;
      try {
        await this.deps.client.request('DELETE', resourcePath(kindInfo(ref.kind), namespace, ref.name), {
          body: { preconditions: { uid: live?.metadata?.uid } },
        });
        this.deps.events.record(
          this.eventTarget(resource),
          'Normal',
          'Deleted',
          `Deleted ${ref.kind} ${ref.name} (no longer needed by the spec).`,
          'Delete',
        );
      } catch (error) {
        // Gone already, or replaced by another object (uid precondition): either way not ours to delete.
        if (!(error instanceof KubeApiError && (error.status === 404 || error.status === 409))) throw error;
      }
    }
  }

  /** Status fields observed from the children: endpoint, auth Secret name, replica counts. */
  private observedFields(
    resource: PlexMcpServer,
    desired: DesiredState,
  ): Partial<StatusFields> & ObservedDeployments {
    const { names } = desired;
    const deployment = this.deps.children.Deployment.get(names.deployment, resource.metadata.namespace) as
      | DeploymentView
      | undefined;
    const redisDeployment =
      resource.spec.redis.mode === 'Managed'
        ? (this.deps.children.Deployment.get(names.redisDeployment, resource.metadata.namespace) as
            | DeploymentView
            | undefined)
        : undefined;
    return {
      endpoint: desired.endpoint,
      publicEndpoint: desired.publicEndpoint ?? null,
      authSecretName: desired.authSecretName ?? null,
      ...(redisDeployment ? { redisDeployment } : {}),
      ...(deployment
        ? {
            replicas: deployment.status?.replicas ?? 0,
            readyReplicas: deployment.status?.readyReplicas ?? 0,
            deployment,
          }
        : {}),
    };
  }

  /** Computes conditions, emits Events for transitions, and patches /status when anything changed. */
  private async finish(
    raw: RawPlexMcpServer,
    problem: BlockingProblem | undefined,
    observed: Partial<StatusFields> & ObservedDeployments,
  ): Promise<void> {
    const { deployment, redisDeployment, verification, integrations, ...fields } = observed;
    const previous = raw.status?.conditions;
    const wasReady = previous?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    const rollout = computeConditions({
      problem,
      deployment,
      redisDeployment,
      deploymentName: raw.metadata?.name ?? '',
      wasReady,
    });
    const gated = verification ? gateOnVerification(rollout, verification.conditions) : rollout;
    const cores = integrations ? [...gated, integrations] : gated;
    const generation = raw.metadata?.generation;
    const server = verification?.server ?? (raw.status?.server !== undefined ? null : undefined);
    const status: StatusFields = {
      ...fields,
      ...(server !== undefined ? { server } : {}),
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
      conditions: withTransitionTimes(
        previous,
        cores,
        new Date(this.deps.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        generation,
      ),
    };
    this.recordTransitions(raw, previous, cores);
    const changed = changedStatusFields(raw.status, status);
    if (changed.length === 0) return;
    const { namespace = '', name = '' } = raw.metadata ?? {};
    this.deps.logger.debug(
      {
        resource: `${namespace}/${name}`,
        changed,
        conditions: cores.map((c) => `${c.type}=${c.status}/${c.reason}`).join(' '),
      },
      'Status changed',
    );
    const path = `${resourcePath({ apiVersion: `${GROUP}/${VERSION}`, plural: PLURAL }, namespace, name)}/status`;
    try {
      await this.deps.client.request('PATCH', path, {
        query: { fieldManager: FIELD_MANAGER },
        body: { status },
        contentType: 'application/merge-patch+json',
      });
    } catch (error) {
      // Deleted while we worked: nothing left to report on.
      if (error instanceof KubeApiError && error.status === 404) return;
      throw error;
    }
  }

  private recordTransitions(
    raw: RawPlexMcpServer,
    previous: Condition[] | undefined,
    cores: ConditionCore[],
  ): void {
    const target = this.eventTarget(raw);
    for (const changed of conditionTransitions(previous, cores)) {
      if (changed.type === 'Ready' && changed.status === 'True') {
        this.deps.events.record(target, 'Normal', 'Ready', changed.message);
      } else if (
        (changed.type === 'Degraded' && changed.status === 'True') ||
        (changed.type === 'IntegrationsReady' && changed.status === 'False')
      ) {
        this.deps.events.record(target, 'Warning', changed.reason, changed.message);
      }
    }
  }

  private eventTarget(resource: {
    metadata?: { name?: string; namespace?: string; uid?: string };
  }): EventTarget {
    return {
      apiVersion: API_VERSION,
      kind: KIND,
      name: resource.metadata?.name ?? '',
      namespace: resource.metadata?.namespace ?? '',
      uid: resource.metadata?.uid,
    };
  }
}

/**
 * The status fields `next` would change (all of them when there is no status yet; other status fields are left
 * alone): what decides whether to patch, and what the debug log names. Canonical JSON: the API server returns
 * object keys in its own order. A field we clear (null) is unchanged when it is already absent.
 */
function changedStatusFields(current: Record<string, unknown> | undefined, next: StatusFields): string[] {
  return Object.entries(next)
    .filter(
      ([key, value]) => !current || canonicalJson(current[key] ?? null) !== canonicalJson(value ?? null),
    )
    .map(([key]) => key);
}

function optInCommand(namespace: string, name: string): string {
  return `kubectl -n ${namespace} label secret ${name} ${SECRET_OPT_IN_LABEL}=true`;
}

/** Names the Secret only (never its keys): whoever wrote the reference may not be allowed to read it. */
function notOptedIn(field: string, namespace: string, name: string): BlockingProblem {
  return {
    reason: 'SecretNotOptedIn',
    message:
      `Secret "${name}" (${field}) in namespace "${namespace}" does not carry the label ` +
      `${SECRET_OPT_IN_LABEL}="true", so the operator does not use it: a PlexMcpServer sends the value to the ` +
      'address in its spec, so the Secret must say it is meant for that. If it is, its owner labels it: ' +
      `${optInCommand(namespace, name)}`,
  };
}

/**
 * A refusal of an apply that retrying cannot fix: 400/422 (the object is invalid, e.g. an affinity Kubernetes does
 * not accept), or the 500 the API server answers when it cannot even convert the applied object to its type (e.g.
 * a quantity that does not parse, a string where an object belongs in an opaque field).
 */
export function isPermanentRefusal(error: unknown): error is KubeApiError {
  if (!(error instanceof KubeApiError)) return false;
  if (error.status === 400 || error.status === 422) return true;
  return error.status === 500 && TYPED_PATCH_FAILURE.test(error.message);
}

const TYPED_PATCH_FAILURE = /failed to create typed (patch|live) object|unable to convert|cannot convert/i;
