// The operator's platform children (issue #13) on a real control plane with the Gateway API and Prometheus Operator
// CRDs installed: the NetworkPolicy, HTTPRoute, Ingress, HPA, PDB and ServiceMonitor a spec asks for are applied by
// the running operator, accepted by the API server and owned by the resource; turning a feature off prunes its
// object; a ServiceMonitor asked for while its CRD is not served is reported (IntegrationsReady) and created once
// the CRD is back, without restarting the operator.
import { randomBytes } from 'node:crypto';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../../cdk8s/plex-mcp-server/index.ts';
import { FIELD_MANAGER } from '../../../operator/api/v1alpha1/index.ts';
import type { RunningOperator } from '../../../operator/manager.ts';
import type { KubeClient } from '../../../operator/runtime/kube-client.ts';
import { KINDS } from '../../../operator/runtime/resource-paths.ts';
import { kubeConfigForTests } from '../../cluster/test-kube.ts';
import { readThirdPartyCrds } from '../../cluster/third-party-crds.ts';
import { installCrd } from './crd-support.ts';
import {
  applyObject,
  applyPlexMcpServer,
  applyTokenSecret,
  condition,
  deleteObject,
  ensureNamespace,
  getObject,
  type PlexMcpServerObject,
  PMS_KIND,
  startTestOperator,
  testClient,
  waitFor,
  waitForReady,
} from './operator-helpers.ts';

const namespace = `op-platform-${randomBytes(3).toString('hex')}`;
const OPERATOR_NAMESPACE = 'plex-mcp-system';
const SERVICE_MONITOR_CRD = 'servicemonitors.monitoring.coreos.com';
const CRD_KIND = { apiVersion: 'apiextensions.k8s.io/v1', plural: 'customresourcedefinitions' };

type PlatformKind =
  | 'NetworkPolicy'
  | 'HTTPRoute'
  | 'Ingress'
  | 'HorizontalPodAutoscaler'
  | 'PodDisruptionBudget';
type ChildKind = PlatformKind | 'ServiceMonitor' | 'Deployment';

interface Child extends KubernetesObject {
  // biome-ignore lint/suspicious/noExplicitAny: the tests read deep into each kind's spec; the shapes are asserted.
  spec: any;
}

const plex = { url: 'http://192.168.1.10:32400', tokenSecretRef: { name: 'plex-token' } };
const gatewaySpec = {
  plex,
  redis: { mode: 'Disabled' },
  gateway: { parentRef: { name: 'public', namespace: 'gateway-system' }, hostname: 'mcp.example.com' },
  autoscaling: { minReplicas: 2, maxReplicas: 4 },
  monitoring: { serviceMonitor: true, labels: { release: 'kube-prometheus-stack' } },
};

describe.skipIf(!inject('kubeconfig'))('operator: platform children on a real control plane', () => {
  let kc: KubeConfig;
  let client: KubeClient;
  let operator: RunningOperator;

  const get = (kind: ChildKind, name: string) => getObject<Child>(client, KINDS[kind], namespace, name);
  const getPms = () => getObject<PlexMcpServerObject>(client, PMS_KIND, namespace, 'den');
  const waitForChild = (kind: ChildKind, name: string) =>
    waitFor(() => get(kind, name), { timeoutMs: 30_000, description: `${kind} ${name}` });
  const waitForGone = (kind: ChildKind, name: string) =>
    waitFor(async () => (await get(kind, name)) === undefined, {
      timeoutMs: 30_000,
      description: `${kind} ${name} deleted`,
    });
  const waitForCondition = (type: string, status: string, reason: string) =>
    waitFor(
      async () => {
        const pms = await getPms();
        const found = condition(pms, type);
        return found?.status === status && found.reason === reason ? pms : undefined;
      },
      { timeoutMs: 30_000, description: `${type}=${status}/${reason}` },
    );

  /** Owned by the resource, labelled as ours, and written by the operator alone (controllers may write status). */
  async function expectOwnedByDen(child: Child): Promise<void> {
    const den = await getPms();
    const label = `${child.kind}/${child.metadata?.name}`;
    expect(child.metadata?.ownerReferences, label).toEqual([
      {
        apiVersion: 'plexmcp.dev/v1alpha1',
        kind: 'PlexMcpServer',
        name: 'den',
        uid: den?.metadata?.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(child.metadata?.labels?.[MANAGED_BY_LABEL], label).toBe(MANAGED_BY_VALUE);
    expect(
      child.metadata?.managedFields?.filter((f) => f.subresource !== 'status').map((f) => f.manager),
      label,
    ).toEqual([FIELD_MANAGER]);
  }

  async function installServiceMonitorCrd(): Promise<void> {
    const crd = readThirdPartyCrds().find((c) => c.metadata.name === SERVICE_MONITOR_CRD);
    if (!crd) throw new Error(`no ${SERVICE_MONITOR_CRD} among the third-party CRDs`);
    await applyObject(
      client,
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${SERVICE_MONITOR_CRD}`,
      crd,
    );
    await waitFor(() => servesServiceMonitors(), {
      timeoutMs: 30_000,
      description: 'ServiceMonitors served',
    });
  }

  async function servesServiceMonitors(): Promise<boolean> {
    const list = await client
      .request<{ resources?: { name: string }[] }>('GET', '/apis/monitoring.coreos.com/v1')
      .catch(() => ({ resources: [] }));
    return (list.resources ?? []).some((r) => r.name === 'servicemonitors');
  }

  beforeAll(async () => {
    kc = kubeConfigForTests();
    client = testClient(kc);
    await installCrd(kc);
    await ensureNamespace(client, namespace);
    await applyTokenSecret(client, namespace);
    operator = await startTestOperator(kc, {
      namespaces: [namespace],
      operatorNamespace: OPERATOR_NAMESPACE,
      // Short, so the test sees a CRD come and go within seconds (defaults: 5 min and 10 min).
      discoveryTtlMs: 1_000,
      resyncPeriodMs: 2_000,
    });
  });

  afterAll(async () => {
    await operator?.stop();
    // Whatever happened above, the next suites find the ServiceMonitor CRD served again.
    if (client && !(await servesServiceMonitors())) await installServiceMonitorCrd();
    if (client) await deleteObject(client, { apiVersion: 'v1', plural: 'namespaces' }, '', namespace);
  });

  it('applies the NetworkPolicy, HTTPRoute, HPA, PDB and ServiceMonitor the spec asks for, each owned by the resource', async () => {
    await applyPlexMcpServer(client, namespace, 'den', gatewaySpec);
    const policy = await waitForChild('NetworkPolicy', 'den-server');
    const route = await waitForChild('HTTPRoute', 'den');
    const hpa = await waitForChild('HorizontalPodAutoscaler', 'den');
    const pdb = await waitForChild('PodDisruptionBudget', 'den');
    const monitor = await waitForChild('ServiceMonitor', 'den');
    for (const child of [policy, route, hpa, pdb, monitor]) await expectOwnedByDen(child);

    // What each says, as the API server stored it.
    expect(policy.spec.ingress[0].from).toEqual([
      { podSelector: {} },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': OPERATOR_NAMESPACE } } },
    ]);
    expect(policy.spec.egress).toContainEqual({
      to: [{ ipBlock: { cidr: '192.168.1.10/32' } }],
      ports: [{ protocol: 'TCP', port: 32400 }],
    });
    expect(route.spec.parentRefs).toEqual([
      expect.objectContaining({ kind: 'Gateway', name: 'public', namespace: 'gateway-system' }),
    ]);
    expect(route.spec.hostnames).toEqual(['mcp.example.com']);
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'den' },
      minReplicas: 2,
      maxReplicas: 4,
    });
    expect(pdb.spec).toMatchObject({ maxUnavailable: 1 });
    expect(monitor.metadata?.labels).toMatchObject({ release: 'kube-prometheus-stack' });

    // Under the autoscaler the operator does not own the Deployment's replica count; the pods spread over nodes.
    const deployment = await waitForChild('Deployment', 'den');
    const ours = deployment.metadata?.managedFields?.find((f) => f.manager === FIELD_MANAGER);
    expect(ours?.fieldsV1).toBeDefined();
    expect(JSON.stringify(ours?.fieldsV1)).not.toContain('"f:replicas"');
    expect(deployment.spec.template.spec.topologySpreadConstraints).toEqual([
      expect.objectContaining({ topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' }),
    ]);

    const den = await waitForCondition('IntegrationsReady', 'True', 'Reconciled');
    expect(den.status?.publicEndpoint).toBe('https://mcp.example.com/mcp');
    await waitForReady(client, namespace, 'den');
  });

  it('switching from spec.gateway to spec.ingress prunes the HTTPRoute and creates the Ingress', async () => {
    const { gateway: _, ...rest } = gatewaySpec;
    await applyPlexMcpServer(client, namespace, 'den', {
      ...rest,
      ingress: { className: 'nginx', host: 'mcp.example.com', tlsSecretName: 'mcp-tls' },
      networkPolicy: {
        ingressFrom: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
        ],
      },
    });
    const ingress = await waitForChild('Ingress', 'den');
    await expectOwnedByDen(ingress);
    expect(ingress.spec.tls).toEqual([{ hosts: ['mcp.example.com'], secretName: 'mcp-tls' }]);
    await waitForGone('HTTPRoute', 'den');
    await waitFor(async () => (await getPms())?.status?.publicEndpoint === 'https://mcp.example.com/mcp', {
      timeoutMs: 30_000,
      description: 'publicEndpoint from the Ingress',
    });
    const policy = await get('NetworkPolicy', 'den-server');
    expect(policy?.spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': OPERATOR_NAMESPACE } } },
    ]);
  });

  it('turning each feature off prunes its object, and leaves the rest', async () => {
    await applyPlexMcpServer(client, namespace, 'den', {
      plex,
      redis: { mode: 'Disabled' },
      networkPolicy: { enabled: false },
      replicas: 1,
    });
    for (const [kind, name] of [
      ['NetworkPolicy', 'den-server'],
      ['Ingress', 'den'],
      ['HorizontalPodAutoscaler', 'den'],
      ['PodDisruptionBudget', 'den'],
      ['ServiceMonitor', 'den'],
    ] as const) {
      await waitForGone(kind, name);
    }
    const deployment = await get('Deployment', 'den');
    expect(deployment?.spec.replicas).toBe(1);
    expect(deployment?.spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect((await getPms())?.status?.publicEndpoint).toBeUndefined();
  });

  it('reports PrometheusOperatorNotInstalled while ServiceMonitors are not served, and creates one once they are', async () => {
    await applyPlexMcpServer(client, namespace, 'den', {
      plex,
      redis: { mode: 'Disabled' },
      monitoring: { serviceMonitor: true },
    });
    await waitForChild('ServiceMonitor', 'den');

    await deleteObject(client, CRD_KIND, '', SERVICE_MONITOR_CRD);
    await waitFor(async () => !(await servesServiceMonitors()), {
      timeoutMs: 30_000,
      description: 'ServiceMonitors no longer served',
    });
    const missing = await waitForCondition('IntegrationsReady', 'False', 'PrometheusOperatorNotInstalled');
    expect(condition(missing, 'IntegrationsReady')?.message).toContain(
      'spec.monitoring.serviceMonitor asks for a ServiceMonitor, but this cluster does not serve monitoring.coreos.com/v1 ServiceMonitors',
    );
    // The server itself is fine: Ready does not depend on the ServiceMonitor.
    expect(condition(missing, 'Ready')?.status).toBe('True');

    await installServiceMonitorCrd();
    const monitor = await waitForChild('ServiceMonitor', 'den');
    await expectOwnedByDen(monitor);
    await waitForCondition('IntegrationsReady', 'True', 'Reconciled');
  });
});
