/**
 * Every platform child (issue #13) a full spec renders is accepted by a real API server, with the Gateway API and
 * Prometheus Operator CRDs the test control plane installs: server-side applied for real, read back, and with no field manager
 * but the operator's on the object (controllers may write status).
 */
import { randomBytes } from 'node:crypto';
import { CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { allChildRefs, buildChildren, hashSecretData } from '../../../cdk8s/plex-mcp-server/index.ts';
import { FIELD_MANAGER, parsePlexMcpServer } from '../../../operator/api/v1alpha1/index.ts';
import { kubeConfigForTests } from '../../cluster/test-kube.ts';
import { errorText, readObject, serverSideApply } from './crd-support.ts';

const namespace = `platform-${randomBytes(3).toString('hex')}`;

function resource(spec: Record<string, unknown>) {
  const parsed = parsePlexMcpServer({
    apiVersion: 'plexmcp.dev/v1alpha1',
    kind: 'PlexMcpServer',
    metadata: { name: 'den', namespace },
    spec: { plex: { url: 'http://192.168.1.10:32400', tokenSecretRef: { name: 'plex-token' } }, ...spec },
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.value;
}

describe.skipIf(!inject('kubeconfig'))('platform children on the API server', () => {
  let kc: KubeConfig;
  beforeAll(async () => {
    kc = kubeConfigForTests();
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  });
  afterAll(async () => {
    await kc
      ?.makeApiClient(CoreV1Api)
      .deleteNamespace({ name: namespace })
      .catch(() => undefined);
  });

  const specs: Record<string, Record<string, unknown>> = {
    'gateway, autoscaling and a ServiceMonitor': {
      networkPolicy: { plexCIDR: '192.168.1.0/24' },
      gateway: { parentRef: { name: 'public', namespace: 'gateway-system' }, hostname: 'mcp.example.com' },
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
      monitoring: { serviceMonitor: true, labels: { release: 'kube-prometheus-stack' } },
    },
    'an Ingress with TLS, named peers and an external Redis': {
      redis: { mode: 'External', external: { url: 'redis://10.0.0.5:6379/0' } },
      networkPolicy: {
        ingressFrom: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
          { ipBlock: { cidr: '10.9.0.0/16' } },
        ],
      },
      ingress: { className: 'nginx', host: 'mcp.example.com', tlsSecretName: 'mcp-tls' },
      replicas: 2,
    },
  };

  for (const [what, spec] of Object.entries(specs)) {
    it(`accepts every child of ${what}`, async () => {
      const den = resource(spec);
      const platform = new Set(
        allChildRefs(den)
          .filter((ref) => ref.platform)
          .map((ref) => `${ref.kind}/${ref.name}`),
      );
      const children = buildChildren(den, {
        defaultServerImage: 'plex-mcp:test',
        secretsChecksum: hashSecretData({ plexToken: 'x' }),
        operatorNamespace: 'plex-mcp-system',
      }).filter((child) => platform.has(`${child.kind}/${child.metadata?.name}`));
      expect(children.length).toBeGreaterThanOrEqual(3);
      for (const child of children) {
        const label = `${child.kind}/${child.metadata?.name}`;
        try {
          await serverSideApply(kc, child);
        } catch (error) {
          throw new Error(`${label} refused: ${errorText(error)}`);
        }
        const stored = await readObject<KubernetesObject & { spec?: unknown }>(kc, child);
        expect(
          // Controllers may write status (the disruption controller does for PDBs); the object itself is ours alone.
          stored.metadata?.managedFields?.filter((f) => f.subresource !== 'status').map((f) => f.manager),
          label,
        ).toEqual([FIELD_MANAGER]);
        // What we asked for is what is stored (the API server may add defaults, never change ours).
        expect(stored.spec, label).toMatchObject((child as { spec: object }).spec);
      }
    });
  }
});
