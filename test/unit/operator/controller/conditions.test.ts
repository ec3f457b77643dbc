import { describe, expect, it } from 'vitest';
import {
  computeConditions,
  conditionTransitions,
  type DeploymentView,
  withTransitionTimes,
} from '../../../../operator/controller/conditions.ts';

function deployment(
  spec: number | undefined,
  status: NonNullable<DeploymentView['status']>,
  generation = 2,
): DeploymentView {
  return {
    metadata: { name: 'pms', generation },
    spec: spec === undefined ? {} : { replicas: spec },
    status: { observedGeneration: generation, ...status },
  };
}

const byType = (conditions: ReturnType<typeof computeConditions>) =>
  Object.fromEntries(conditions.map((c) => [c.type, `${c.status}/${c.reason}`]));

describe('computeConditions', () => {
  it('reports a blocking problem on all three conditions with the actionable message', () => {
    const message = 'Secret "plex-token" not found in namespace media; create it with kubectl ...';
    const conditions = computeConditions({
      problem: { reason: 'TokenSecretNotFound', message },
      deploymentName: 'pms',
    });
    expect(byType(conditions)).toEqual({
      Ready: 'False/TokenSecretNotFound',
      Progressing: 'False/TokenSecretNotFound',
      Degraded: 'True/TokenSecretNotFound',
    });
    expect(conditions.every((c) => c.message === message)).toBe(true);
  });

  it('is progressing while the Deployment does not exist yet', () => {
    expect(byType(computeConditions({ deploymentName: 'pms' }))).toEqual({
      Ready: 'False/RolloutInProgress',
      Progressing: 'True/RolloutInProgress',
      Degraded: 'False/Reconciled',
    });
  });

  it('is Ready once an up-to-date replica is available (replicas unset defaults to 1)', () => {
    const d = deployment(undefined, {
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
    });
    const conditions = computeConditions({ deployment: d, deploymentName: 'pms' });
    expect(byType(conditions)).toEqual({
      Ready: 'True/Reconciled',
      Progressing: 'False/Reconciled',
      Degraded: 'False/Reconciled',
    });
    expect(conditions[0]?.message).toContain('1/1 available');
  });

  it('is not Ready while the Deployment controller has not observed the newest generation', () => {
    const d = deployment(1, { replicas: 1, updatedReplicas: 1, availableReplicas: 1 });
    d.metadata = { generation: 3 };
    expect(byType(computeConditions({ deployment: d, deploymentName: 'pms' })).Ready).toBe(
      'False/RolloutInProgress',
    );
  });

  it('is progressing, not degraded, during a rolling update with old pods still around', () => {
    const d = deployment(1, {
      replicas: 2,
      updatedReplicas: 1,
      availableReplicas: 1,
      unavailableReplicas: 1,
    });
    expect(byType(computeConditions({ deployment: d, deploymentName: 'pms' }))).toEqual({
      Ready: 'False/RolloutInProgress',
      Progressing: 'True/RolloutInProgress',
      Degraded: 'False/Reconciled',
    });
  });

  it('does not call a first start degraded, but does once a Ready server loses all replicas', () => {
    const starting = deployment(1, { replicas: 1, updatedReplicas: 1, availableReplicas: 0 });
    expect(byType(computeConditions({ deployment: starting, deploymentName: 'pms' })).Degraded).toBe(
      'False/Reconciled',
    );
    expect(
      byType(computeConditions({ deployment: starting, deploymentName: 'pms', wasReady: true })),
    ).toEqual({
      Ready: 'False/ReplicasUnavailable',
      Progressing: 'True/RolloutInProgress',
      Degraded: 'True/ReplicasUnavailable',
    });
  });

  it('is Ready but Degraded when some of several replicas are unavailable', () => {
    const d = deployment(3, {
      replicas: 3,
      updatedReplicas: 3,
      availableReplicas: 2,
      unavailableReplicas: 1,
    });
    expect(byType(computeConditions({ deployment: d, deploymentName: 'pms' }))).toMatchObject({
      Ready: 'True/Reconciled',
      Degraded: 'True/ReplicasUnavailable',
    });
  });

  it('reports a stalled rollout (progress deadline exceeded) as unavailable, not progressing', () => {
    const d = deployment(1, {
      replicas: 2,
      updatedReplicas: 1,
      availableReplicas: 1,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    });
    expect(byType(computeConditions({ deployment: d, deploymentName: 'pms' }))).toEqual({
      Ready: 'False/ReplicasUnavailable',
      Progressing: 'False/ReplicasUnavailable',
      Degraded: 'True/ReplicasUnavailable',
    });
  });

  it('says so when scaled to zero', () => {
    const d = deployment(0, { replicas: 0 });
    expect(byType(computeConditions({ deployment: d, deploymentName: 'pms' }))).toMatchObject({
      Ready: 'False/ScaledToZero',
      Degraded: 'False/Reconciled',
    });
  });
});

describe('withTransitionTimes / conditionTransitions', () => {
  const ready = { type: 'Ready' as const, status: 'True' as const, reason: 'Reconciled', message: 'ok' };
  const notReady = {
    type: 'Ready' as const,
    status: 'False' as const,
    reason: 'RolloutInProgress',
    message: 'wait',
  };

  it('keeps lastTransitionTime while the status stays, moves it on a flip, sets observedGeneration', () => {
    const first = withTransitionTimes(undefined, [notReady], 't1', 1);
    expect(first[0]).toMatchObject({ lastTransitionTime: 't1', observedGeneration: 1 });
    const same = withTransitionTimes(first, [{ ...notReady, message: 'still waiting' }], 't2', 2);
    expect(same[0]).toMatchObject({
      lastTransitionTime: 't1',
      message: 'still waiting',
      observedGeneration: 2,
    });
    const flipped = withTransitionTimes(same, [ready], 't3', 2);
    expect(flipped[0]?.lastTransitionTime).toBe('t3');
  });

  it('lists only conditions whose status or reason changed', () => {
    const previous = withTransitionTimes(undefined, [notReady], 't1', 1);
    expect(conditionTransitions(previous, [{ ...notReady, message: 'other' }])).toEqual([]);
    expect(conditionTransitions(previous, [ready])).toEqual([ready]);
    expect(conditionTransitions(undefined, [ready])).toEqual([ready]);
  });
});

describe('computeConditions when pods cannot be created', () => {
  const failedCreate = {
    type: 'ReplicaFailure',
    status: 'True',
    reason: 'FailedCreate',
    message: 'pods "pms-7d4b9c-" is forbidden: no PriorityClass with name missing was found',
  };

  it('surfaces the ReplicaSet’s FailedCreate message instead of rolling out forever', () => {
    const d = deployment(1, { replicas: 0, updatedReplicas: 0, conditions: [failedCreate] });
    const conditions = computeConditions({ deployment: d, deploymentName: 'pms' });
    expect(byType(conditions)).toEqual({
      Ready: 'False/PodCreationFailed',
      Progressing: 'False/PodCreationFailed',
      Degraded: 'True/PodCreationFailed',
    });
    expect(conditions[0]?.message).toContain('no PriorityClass with name missing was found');
    expect(conditions[0]?.message).toContain('Deployment pms cannot create pods (FailedCreate)');
  });

  it('says so for the managed Redis Deployment too', () => {
    const server = deployment(1, { replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 });
    const redis: DeploymentView = {
      metadata: { name: 'pms-redis', generation: 1 },
      status: { observedGeneration: 1, conditions: [failedCreate] },
    };
    const conditions = computeConditions({
      deployment: server,
      redisDeployment: redis,
      deploymentName: 'pms',
    });
    expect(conditions[0]).toMatchObject({ status: 'False', reason: 'PodCreationFailed' });
    expect(conditions[0]?.message).toContain('Deployment pms-redis cannot create pods');
  });

  it('ignores a ReplicaFailure the controller has cleared', () => {
    const d = deployment(1, {
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      conditions: [{ ...failedCreate, status: 'False' }],
    });
    expect(computeConditions({ deployment: d, deploymentName: 'pms' })[0]?.reason).toBe('Reconciled');
  });
});
