// The children spec.networkPolicy, gateway, ingress, autoscaling and monitoring ask for (issue #13), and every one
// a resource can have, so the operator can prune what a turned-off feature leaves behind.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import { renderHttpRoute, renderIngress } from './exposure.ts';
import { PLATFORM_KINDS, type PlatformChild, platformChildName } from './platform-names.ts';
import { renderHorizontalPodAutoscaler, renderPodDisruptionBudget } from './scaling.ts';
import { renderServerNetworkPolicy, type ServerNetworkPolicyInputs } from './server-network-policy.ts';
import { renderServiceMonitor } from './service-monitor.ts';

export interface PlatformInputs extends ServerNetworkPolicyInputs {
  /**
   * Whether the cluster serves monitoring.coreos.com/v1 ServiceMonitors (the operator checks at run time). False:
   * the ServiceMonitor is left out (the operator reports why). Unset (offline rendering): rendered when asked for.
   */
  serviceMonitorsServed?: boolean;
}

/** The platform children the spec wants, in apply order (the policy before anything that exposes the pods). */
export function buildPlatformChildren(resource: PlexMcpServer, inputs: PlatformInputs): KubernetesObject[] {
  const children: (KubernetesObject | undefined)[] = [
    resource.spec.networkPolicy.enabled ? renderServerNetworkPolicy(resource, inputs) : undefined,
    renderPodDisruptionBudget(resource),
    renderHorizontalPodAutoscaler(resource),
    renderHttpRoute(resource),
    renderIngress(resource),
    inputs.serviceMonitorsServed === false ? undefined : renderServiceMonitor(resource),
  ];
  return children.filter((child): child is KubernetesObject => child !== undefined);
}

export interface PlatformChildRef {
  child: PlatformChild;
  apiVersion: string;
  kind: string;
  plural: string;
  name: string;
}

/** Every platform child a resource can have, whatever its spec. */
export function allPlatformChildRefs(resource: Pick<PlexMcpServer, 'metadata'>): PlatformChildRef[] {
  return (Object.keys(PLATFORM_KINDS) as PlatformChild[]).map((child) => ({
    child,
    ...PLATFORM_KINDS[child],
    name: platformChildName(resource, child),
  }));
}
