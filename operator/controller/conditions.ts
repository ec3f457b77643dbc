// The conditions calculator: from what the reconcile found (a spec or Secret problem, or the observed server
// Deployment) to the Ready / Progressing / Degraded conditions a person reads with `kubectl describe` and tools
// wait on with `kubectl wait --for=condition=Ready`. Pure functions, unit tested.
import type { OptionalChildKind, UnservedChild } from '../../cdk8s/plex-mcp-server/index.ts';
import type { CONDITION_REASONS, Condition } from '../api/v1alpha1/index.ts';

export type ConditionType =
  | 'Ready'
  | 'Progressing'
  | 'Degraded'
  | 'Verified'
  | 'PlexReachable'
  | 'IntegrationsReady';
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** A condition without its timestamp: what the calculator decides. */
export interface ConditionCore {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/** Something that stops the reconcile before the children can be applied; none of them fixes itself. */
export interface BlockingProblem {
  reason:
    | 'InvalidSpec'
    | 'TokenSecretNotFound'
    | 'TokenSecretKeyMissing'
    | 'RedisSecretNotFound'
    | 'SecretNotOptedIn'
    | 'ChildConflict';
  message: string;
}

/** The parts of an apps/v1 Deployment the calculator reads. */
export interface DeploymentView {
  metadata?: { name?: string; generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
  };
}

export interface ConditionInput {
  problem?: BlockingProblem;
  /** The server Deployment as the informer sees it; undefined when it does not exist (yet). */
  deployment?: DeploymentView;
  deploymentName: string;
  /** The managed Redis Deployment, when the spec has one: its pods failing to be created is worth saying too. */
  redisDeployment?: DeploymentView;
  /** Ready was True before: all replicas going unavailable then is a degradation, not a slow start. */
  wasReady?: boolean;
}

export interface RolloutSummary {
  desired: number;
  updated: number;
  total: number;
  ready: number;
  available: number;
  /** The Deployment controller has seen the newest spec and every pod runs it (available or not). */
  allUpdated: boolean;
  /** allUpdated, and every desired replica is available. */
  rolloutComplete: boolean;
  /** The Deployment controller gave up on the rollout (progressDeadlineSeconds passed). */
  stalled: boolean;
}

export function summarizeDeployment(deployment: DeploymentView): RolloutSummary {
  const status = deployment.status ?? {};
  const desired = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const observedCurrent = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  return {
    desired,
    updated,
    total,
    ready: status.readyReplicas ?? 0,
    available,
    allUpdated: observedCurrent && updated === desired && total === updated,
    rolloutComplete: observedCurrent && updated === desired && total === updated && available >= desired,
    stalled: progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded',
  };
}

export function computeConditions(input: ConditionInput): ConditionCore[] {
  const { problem, deployment, deploymentName } = input;
  if (problem) {
    // Blocked on something only a person can fix: not Ready, not making progress, degraded, with the fix in the
    // message. The same message on all three so whichever one a tool shows, it explains.
    return [
      { type: 'Ready', status: 'False', reason: problem.reason, message: problem.message },
      { type: 'Progressing', status: 'False', reason: problem.reason, message: problem.message },
      { type: 'Degraded', status: 'True', reason: problem.reason, message: problem.message },
    ];
  }
  if (!deployment) {
    const message = `Waiting for Deployment ${deploymentName} to be created.`;
    return [
      { type: 'Ready', status: 'False', reason: 'RolloutInProgress', message },
      { type: 'Progressing', status: 'True', reason: 'RolloutInProgress', message },
      { type: 'Degraded', status: 'False', reason: 'Reconciled', message: 'No problems found.' },
    ];
  }
  const podCreation =
    podCreationFailure(deployment, deploymentName) ??
    podCreationFailure(input.redisDeployment, deploymentName);
  if (podCreation) {
    // The ReplicaSet cannot create pods (a missing PriorityClass, a quota, an admission webhook): no rollout will
    // finish until a person acts, so say why instead of "rolling out" forever.
    return [
      { type: 'Ready', status: 'False', reason: 'PodCreationFailed', message: podCreation },
      { type: 'Progressing', status: 'False', reason: 'PodCreationFailed', message: podCreation },
      { type: 'Degraded', status: 'True', reason: 'PodCreationFailed', message: podCreation },
    ];
  }
  const r = summarizeDeployment(deployment);
  const counts = `${r.available}/${r.desired} available, ${r.updated}/${r.desired} updated`;
  const conditions: ConditionCore[] = [];

  if (r.desired === 0) {
    conditions.push({
      type: 'Ready',
      status: 'False',
      reason: 'ScaledToZero',
      message: `Deployment ${deploymentName} is scaled to 0 replicas; scale it up (spec.replicas or its HPA) to serve.`,
    });
  } else if (r.available >= 1 && r.allUpdated) {
    conditions.push({
      type: 'Ready',
      status: 'True',
      reason: 'Reconciled',
      message: `MCP server is available (${counts}).`,
    });
  } else if (r.stalled || (r.allUpdated && input.wasReady === true)) {
    conditions.push({
      type: 'Ready',
      status: 'False',
      reason: 'ReplicasUnavailable',
      message: unavailableMessage(deploymentName, counts),
    });
  } else {
    conditions.push({
      type: 'Ready',
      status: 'False',
      reason: 'RolloutInProgress',
      message: `Deployment ${deploymentName} is rolling out (${counts}).`,
    });
  }

  conditions.push(
    !r.rolloutComplete && !r.stalled
      ? {
          type: 'Progressing',
          status: 'True',
          reason: 'RolloutInProgress',
          message: `Deployment ${deploymentName} is rolling out (${counts}).`,
        }
      : {
          type: 'Progressing',
          status: 'False',
          reason: r.stalled ? 'ReplicasUnavailable' : 'Reconciled',
          message: r.stalled ? unavailableMessage(deploymentName, counts) : 'Rollout complete.',
        },
  );

  // Degraded only when pods that should serve do not: during a rollout or a first start, unavailable pods are
  // expected. So: the rollout stalled, or every pod runs the newest template and some (or, after having been
  // Ready, all) of them are unavailable.
  const unavailableSettled =
    r.allUpdated && r.available < r.desired && (r.available >= 1 || input.wasReady === true);
  const degraded = r.desired > 0 && (r.stalled || unavailableSettled);
  conditions.push(
    degraded
      ? {
          type: 'Degraded',
          status: 'True',
          reason: 'ReplicasUnavailable',
          message: unavailableMessage(deploymentName, counts),
        }
      : { type: 'Degraded', status: 'False', reason: 'Reconciled', message: 'No problems found.' },
  );
  return conditions;
}

/**
 * The Deployment controller copies a ReplicaSet's FailedCreate into the Deployment's ReplicaFailure condition,
 * with the API server's refusal as the message (e.g. `pods "x-5d9" is forbidden: no PriorityClass with name y`).
 * `instance` is the resource's name (the server Deployment's name), which labels the pods of both Deployments.
 */
function podCreationFailure(deployment: DeploymentView | undefined, instance: string): string | undefined {
  const failure = deployment?.status?.conditions?.find(
    (c) => c.type === 'ReplicaFailure' && c.status === 'True',
  );
  if (!failure) return undefined;
  return (
    `Deployment ${deployment?.metadata?.name ?? instance} cannot create pods ` +
    `(${failure.reason ?? 'FailedCreate'}): ${failure.message ?? 'no message'}. Fix the cause (for example ` +
    'create the PriorityClass, or change spec.scheduling or the image) and the ReplicaSet retries by itself; ' +
    `\`kubectl describe replicaset -l app.kubernetes.io/instance=${instance}\` shows its events.`
  );
}

function unavailableMessage(deploymentName: string, counts: string): string {
  return (
    `Deployment ${deploymentName} has unavailable replicas (${counts}); ` +
    `see \`kubectl describe deployment ${deploymentName}\` and the server pods' events and logs.`
  );
}

const UNSERVED_REASON: Record<OptionalChildKind, (typeof CONDITION_REASONS)[number]> = {
  HTTPRoute: 'GatewayAPINotInstalled',
  ServiceMonitor: 'PrometheusOperatorNotInstalled',
};

/**
 * IntegrationsReady: can the cluster hold every child the spec asks for? An HTTPRoute without the Gateway API, or a
 * ServiceMonitor without the Prometheus Operator, cannot be created: the operator leaves it out, says so here and
 * looks again after `recheckMinutes`. It does not hold Ready back: the server itself still serves in the cluster.
 */
export function integrationsCondition(
  unserved: readonly UnservedChild[],
  recheckMinutes: number,
): ConditionCore {
  const [first] = unserved;
  if (!first) {
    return {
      type: 'IntegrationsReady',
      status: 'True',
      reason: 'Reconciled',
      message: 'The cluster serves every kind of child the spec asks for.',
    };
  }
  const problems = unserved.map(
    (u) => `${u.field} asks for a ${u.kind}, but this cluster does not serve ${u.api}: ${u.install}.`,
  );
  return {
    type: 'IntegrationsReady',
    status: 'False',
    reason: UNSERVED_REASON[first.kind],
    message: `${problems.join(' ')} The operator creates it by itself once the CRDs are installed (it looks again every ${recheckMinutes} minutes).`,
  };
}

/**
 * Adds timestamps: a condition keeps its lastTransitionTime unless its status flipped, so the time says when the
 * state began, not when the operator last looked.
 */
export function withTransitionTimes(
  previous: readonly Condition[] | undefined,
  next: readonly ConditionCore[],
  now: string,
  generation: number | undefined,
): Condition[] {
  return next.map((condition) => {
    const before = previous?.find((p) => p.type === condition.type);
    const lastTransitionTime = before && before.status === condition.status ? before.lastTransitionTime : now;
    return {
      ...condition,
      lastTransitionTime,
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
    };
  });
}

/** Conditions whose status or reason changed from `previous`: the transitions worth an Event. */
export function conditionTransitions(
  previous: readonly Condition[] | undefined,
  next: readonly ConditionCore[],
): ConditionCore[] {
  return next.filter((condition) => {
    const before = previous?.find((p) => p.type === condition.type);
    return !before || before.status !== condition.status || before.reason !== condition.reason;
  });
}
