/**
 * The CEL rules of spec.networkPolicy, gateway, ingress, autoscaling and monitoring on a real API server: the same
 * specs the parser refuses (test/unit/operator/api/platform-spec.test.ts) are refused here, with the same messages.
 */
import { randomBytes } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GROUP, PLURAL, VERSION } from '../../../operator/api/v1alpha1/index.ts';
import { kubeConfigForTests } from '../../cluster/test-kube.ts';
import { acceptedPlatformSpec, refusedPlatformSpecs } from '../../support/platform-spec-cases.ts';
import { installCrd, refusal } from './crd-support.ts';

const namespace = `crd-platform-${randomBytes(3).toString('hex')}`;

describe.skipIf(!inject('kubeconfig'))(
  'spec.networkPolicy/gateway/ingress/autoscaling/monitoring on the API server',
  () => {
    let kc: KubeConfig;
    let custom: CustomObjectsApi;
    const create = (name: string, spec: Record<string, unknown>) =>
      custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        dryRun: 'All',
        body: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: 'PlexMcpServer',
          metadata: { name, namespace },
          spec,
        },
      });

    beforeAll(async () => {
      kc = kubeConfigForTests();
      custom = kc.makeApiClient(CustomObjectsApi);
      await installCrd(kc);
      await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
    });
    afterAll(async () => {
      await kc
        ?.makeApiClient(CoreV1Api)
        .deleteNamespace({ name: namespace })
        .catch(() => undefined);
    });

    it('accepts a full spec and defaults it as the parser does', async () => {
      const stored = (await create('full', acceptedPlatformSpec)) as { spec: Record<string, unknown> };
      expect(stored.spec.networkPolicy).toMatchObject({ enabled: true, plexCIDR: '192.168.1.0/24' });
      expect(stored.spec.gateway).toMatchObject({ path: '/mcp' });
      expect(stored.spec.autoscaling).toEqual({ minReplicas: 1, maxReplicas: 4, targetCPUUtilization: 80 });
      expect(stored.spec.monitoring).toMatchObject({ serviceMonitor: true, interval: '30s' });
    });

    for (const refused of refusedPlatformSpecs) {
      it(`refuses ${refused.what}`, async () => {
        const { code, message } = await refusal(create('refused', refused.spec));
        expect(code).toBe(422);
        expect(message).toContain(refused.message);
      });
    }
  },
);
