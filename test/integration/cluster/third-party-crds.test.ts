/**
 * The test control plane serves the real Gateway API and Prometheus Operator CRDs (issue #13), installed from their
 * pinned Go modules (test/cluster/crd-tools/go.mod): valid objects are accepted and invalid ones refused by the
 * upstream schemas, so the operator's HTTPRoutes, ServiceMonitors and the chart's PrometheusRule are checked for real.
 */

import { randomBytes } from 'node:crypto';
import { ApiException, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ServedKinds } from '../../../operator/platform/served-kinds.ts';
import { systemClock } from '../../../operator/runtime/clock.ts';
import { KubeClient } from '../../../operator/runtime/kube-client.ts';
import { kubeConfigForTests } from '../../cluster/test-kube.ts';
import { renderChart } from '../../support/helm.ts';

const namespace = `third-party-crds-${randomBytes(3).toString('hex')}`;

async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiException) {
      const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
      return (JSON.parse(body) as { message?: string }).message ?? body;
    }
    throw error;
  }
  throw new Error('expected the API server to refuse the object');
}

describe.skipIf(!inject('kubeconfig'))('third-party CRDs in the test control plane', () => {
  let kc: KubeConfig;
  let custom: CustomObjectsApi;

  beforeAll(async () => {
    kc = kubeConfigForTests();
    custom = kc.makeApiClient(CustomObjectsApi);
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  });
  afterAll(async () => {
    await kc
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: namespace })
      .catch(() => undefined);
  });

  const create = (group: string, version: string, plural: string, body: object) =>
    custom.createNamespacedCustomObject({ group, version, namespace, plural, body, dryRun: 'All' });

  it('validates HTTPRoutes with the Gateway API v1 schema', async () => {
    const route = (pathType: string) => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'mcp', namespace },
      spec: {
        parentRefs: [{ name: 'gateway', namespace: 'gateway-system' }],
        hostnames: ['mcp.example.com'],
        rules: [
          {
            matches: [{ path: { type: pathType, value: '/mcp' } }],
            backendRefs: [{ name: 'plex', port: 8080 }],
          },
        ],
      },
    });
    await expect(
      create('gateway.networking.k8s.io', 'v1', 'httproutes', route('PathPrefix')),
    ).resolves.toMatchObject({ kind: 'HTTPRoute' });
    expect(await refusal(create('gateway.networking.k8s.io', 'v1', 'httproutes', route('Glob')))).toMatch(
      /spec\.rules\[0\]\.matches\[0\]\.path\.type: Unsupported value: "Glob"/,
    );
  });

  it('validates ServiceMonitors and PrometheusRules with the Prometheus Operator schemas', async () => {
    const monitor = (interval: string) => ({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'plex', namespace },
      spec: { selector: { matchLabels: { app: 'plex' } }, endpoints: [{ port: 'http', interval }] },
    });
    await expect(
      create('monitoring.coreos.com', 'v1', 'servicemonitors', monitor('30s')),
    ).resolves.toMatchObject({ kind: 'ServiceMonitor' });
    expect(await refusal(create('monitoring.coreos.com', 'v1', 'servicemonitors', monitor('soon')))).toMatch(
      /spec\.endpoints\[0\]\.interval/,
    );

    const rule = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'plex', namespace },
      spec: { groups: [{ name: 'plex', rules: [{ alert: 'PlexDown', expr: 'up == 0', for: '5m' }] }] },
    };
    await expect(create('monitoring.coreos.com', 'v1', 'prometheusrules', rule)).resolves.toMatchObject({
      kind: 'PrometheusRule',
    });
  });

  it("accepts the chart's PrometheusRule (helm template with monitoring.prometheusRule.enabled)", async () => {
    const rendered = renderChart({ namespace, set: ['monitoring.prometheusRule.enabled=true'] }).find(
      (o) => o.kind === 'PrometheusRule',
    );
    expect(rendered).toBeDefined();
    await expect(
      create('monitoring.coreos.com', 'v1', 'prometheusrules', rendered as object),
    ).resolves.toMatchObject({ kind: 'PrometheusRule' });
  });

  it('are found by the operator at run time through API discovery (ServedKinds)', async () => {
    const served = new ServedKinds(new KubeClient(kc), systemClock);
    expect(await served.serves({ apiVersion: 'monitoring.coreos.com/v1', plural: 'servicemonitors' })).toBe(
      true,
    );
    expect(await served.serves({ apiVersion: 'gateway.networking.k8s.io/v1', plural: 'httproutes' })).toBe(
      true,
    );
    expect(await served.serves({ apiVersion: 'gateway.networking.k8s.io/v1', plural: 'tcproutes' })).toBe(
      false,
    );
    expect(await served.serves({ apiVersion: 'example.invalid/v1', plural: 'widgets' })).toBe(false);
  });
});
