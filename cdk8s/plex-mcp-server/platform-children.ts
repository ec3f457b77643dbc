// The children spec.networkPolicy, gateway, ingress, autoscaling and monitoring ask for (issue #13). Which ones a
// resource can have, for pruning what a turned-off feature leaves behind, is names.ts' allChildRefs.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import { renderHttpRoute, renderIngress } from './exposure.ts';
import { ALL_OPTIONAL_KINDS, type OptionalChildKind } from './names.ts';
import { renderHorizontalPodAutoscaler, renderPodDisruptionBudget } from './scaling.ts';
import { renderServerNetworkPolicy, type ServerNetworkPolicyInputs } from './server-network-policy.ts';
import { renderServiceMonitor } from './service-monitor.ts';

export interface PlatformInputs extends ServerNetworkPolicyInputs {
  /**
   * The optional kinds (HTTPRoute, ServiceMonitor) the cluster serves; the operator asks API discovery at run time.
   * A kind left out is not rendered (the operator reports why). Unset (offline rendering): all of them.
   */
  servedKinds?: ReadonlySet<OptionalChildKind>;
}

/** The server pods' NetworkPolicy when the spec has one: applied before anything that exposes the pods. */
export function buildServerNetworkPolicy(
  resource: PlexMcpServer,
  inputs: PlatformInputs,
): KubernetesObject[] {
  return resource.spec.networkPolicy.enabled ? [renderServerNetworkPolicy(resource, inputs)] : [];
}

/** The other platform children the spec wants (and the cluster serves), in apply order. */
export function buildPlatformChildren(resource: PlexMcpServer, inputs: PlatformInputs): KubernetesObject[] {
  const served = inputs.servedKinds ?? ALL_OPTIONAL_KINDS;
  const children: (KubernetesObject | undefined)[] = [
    renderPodDisruptionBudget(resource),
    renderHorizontalPodAutoscaler(resource),
    served.has('HTTPRoute') ? renderHttpRoute(resource) : undefined,
    renderIngress(resource),
    served.has('ServiceMonitor') ? renderServiceMonitor(resource) : undefined,
  ];
  return children.filter((child): child is KubernetesObject => child !== undefined);
}
