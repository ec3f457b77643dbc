// Scale and disruption (spec.autoscaling, issue #13): a HorizontalPodAutoscaler on CPU, a PodDisruptionBudget and a
// spread of the server pods across nodes whenever more than one pod can run.
import type {
  V1HorizontalPodAutoscaler,
  V1PodDisruptionBudget,
  V1TopologySpreadConstraint,
} from '@kubernetes/client-node';
import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import { childMetadata, childNames, selectorLabels } from './names.ts';
import { PLATFORM_KINDS, platformChildName, severalReplicasPossible } from './platform-names.ts';

/** autoscaling/v2 as JSON (client-node's V1 model is autoscaling/v1, which has no `metrics`). */
export interface HorizontalPodAutoscalerManifest extends Omit<V1HorizontalPodAutoscaler, 'spec'> {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: {
      type: 'Resource';
      resource: { name: 'cpu'; target: { type: 'Utilization'; averageUtilization: number } };
    }[];
  };
}

export function renderHorizontalPodAutoscaler(
  resource: PlexMcpServer,
): HorizontalPodAutoscalerManifest | undefined {
  const autoscaling = resource.spec.autoscaling;
  if (!autoscaling) return undefined;
  return {
    apiVersion: PLATFORM_KINDS.HorizontalPodAutoscaler.apiVersion,
    kind: PLATFORM_KINDS.HorizontalPodAutoscaler.kind,
    metadata: childMetadata(resource, platformChildName(resource, 'HorizontalPodAutoscaler'), 'server'),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: childNames(resource).deployment },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: autoscaling.targetCPUUtilization },
          },
        },
      ],
    },
  };
}

/**
 * One pod at a time may be evicted (drains, node upgrades). maxUnavailable, not minAvailable: with an autoscaler at
 * one replica, minAvailable 1 would block every drain of that node.
 */
export function renderPodDisruptionBudget(resource: PlexMcpServer): V1PodDisruptionBudget | undefined {
  if (!severalReplicasPossible(resource)) return undefined;
  return {
    apiVersion: PLATFORM_KINDS.PodDisruptionBudget.apiVersion,
    kind: PLATFORM_KINDS.PodDisruptionBudget.kind,
    metadata: childMetadata(resource, platformChildName(resource, 'PodDisruptionBudget'), 'server'),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(resource, 'server') } },
  };
}

/**
 * Where the server pods go when several can run and spec.scheduling sets no spread of its own: across nodes, as a
 * preference (ScheduleAnyway), so a one-node home lab still schedules every replica.
 */
export function serverTopologySpread(resource: PlexMcpServer): V1TopologySpreadConstraint[] | undefined {
  if (resource.spec.scheduling?.topologySpreadConstraints) return undefined;
  if (!severalReplicasPossible(resource)) return undefined;
  return [
    {
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: selectorLabels(resource, 'server') },
    },
  ];
}
