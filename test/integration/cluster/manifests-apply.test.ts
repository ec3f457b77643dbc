/**
 * What the renderer and the install synth produce is accepted by a real API server: server-side dry-run
 * apply of every rendered child (each Redis mode) and of dist/install.yaml, and a real apply of the
 * children is idempotent (applying the same render again writes nothing), which the operator's
 * "an unchanged resource makes no writes" rests on.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  generateSecretValue,
  hashSecretData,
  renderAuthSecret,
  renderPlexMcpServer,
  renderRedisSecret,
} from '../../../cdk8s/plex-mcp-server/index.ts';
import {
  GROUP,
  PLURAL,
  type PlexMcpServer,
  parsePlexMcpServer,
  VERSION,
} from '../../../operator/api/v1alpha1/index.ts';
import { kubeConfigForTests } from '../../cluster/test-kube.ts';
import { errorText, installCrd, readObject, serverSideApply } from './crd-support.ts';

const suffix = randomBytes(3).toString('hex');
const namespace = `manifests-${suffix}`;
const installNamespace = `plex-mcp-system-${suffix}`;

const specs: Record<string, Record<string, unknown>> = {
  managed: {
    plex: { url: 'http://plex.media.svc:32400', tokenSecretRef: { name: 'plex-token' } },
    cache: { ttlSeconds: { search: 60, sessions: 10 } },
    replicas: 2,
    scheduling: {
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'media', operator: 'Exists', effect: 'NoSchedule' }],
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
      ],
    },
  },
  external: {
    plex: { url: 'https://plex.example.com', tokenSecretRef: { name: 'plex-token' } },
    redis: {
      mode: 'External',
      external: { url: 'rediss://redis.cache.svc:6380/0', passwordSecretRef: { name: 'redis-pw' } },
    },
    service: { type: 'NodePort', port: 9000 },
  },
  disabled: {
    plex: { url: 'http://192.168.1.10:32400', tokenSecretRef: { name: 'plex-token', key: 'plex' } },
    redis: { mode: 'Disabled' },
    resources: { requests: { cpu: '100m', memory: '96Mi' }, limits: { memory: '256Mi' } },
  },
};

describe.skipIf(!inject('kubeconfig'))('rendered manifests on the API server', () => {
  let kc: KubeConfig;
  const created: Record<string, PlexMcpServer> = {};
  const inputs = {
    defaultServerImage: 'plex-mcp:0.1.0',
    secretsChecksum: hashSecretData({ plexToken: 'x' }),
  };

  beforeAll(async () => {
    kc = kubeConfigForTests();
    await installCrd(kc);
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
    // Real resources, so the children's owner references carry real uids.
    const custom = kc.makeApiClient(CustomObjectsApi);
    for (const [name, spec] of Object.entries(specs)) {
      const body = {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'PlexMcpServer',
        metadata: { name, namespace },
        spec,
      };
      const stored = await custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        body,
      });
      const parsed = parsePlexMcpServer(stored);
      if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
      created[name] = parsed.value;
    }
  });

  afterAll(async () => {
    const core = kc?.makeApiClient(CoreV1Api);
    await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
    await core?.deleteNamespace({ name: installNamespace }).catch(() => undefined);
  });

  it.each(Object.keys(specs))(
    'accepts every child of the %s resource in a server-side dry-run apply',
    async (name) => {
      const resource = created[name] as PlexMcpServer;
      const children = [
        ...renderPlexMcpServer(resource, inputs),
        renderAuthSecret(resource, { authToken: generateSecretValue(), confirmKey: generateSecretValue() }),
        ...(resource.spec.redis.mode === 'Managed'
          ? [renderRedisSecret(resource, generateSecretValue())]
          : []),
      ];
      for (const child of children) {
        const applied = await serverSideApply(kc, child, { dryRun: true }).catch((error) => {
          throw new Error(`${child.kind}/${child.metadata?.name}: ${errorText(error)}`);
        });
        expect(applied.metadata?.ownerReferences?.[0]?.uid).toBe(resource.metadata.uid);
      }
    },
  );

  it('applies the children for real, and applying the same render again writes nothing', async () => {
    const resource = created.managed as PlexMcpServer;
    const children = renderPlexMcpServer(resource, inputs);
    for (const child of children) await serverSideApply(kc, child);
    const versions = async () =>
      Promise.all(
        children.map(async (child) => {
          const live = await readObject<KubernetesObject & { metadata: { generation?: number } }>(kc, child);
          // Deployments and PodDisruptionBudgets get status writes from the controller-manager; their spec
          // generation is what we own.
          return child.kind === 'Deployment' || child.kind === 'PodDisruptionBudget'
            ? `${child.kind}/${live.metadata.name} generation ${live.metadata.generation}`
            : `${child.kind}/${live.metadata.name} rv ${live.metadata.resourceVersion}`;
        }),
      );
    const before = await versions();

    // The API server stored what we rendered: e.g. the NetworkPolicy's peers (a client that mangled
    // `from` would leave a rule that admits every pod).
    const policy = children.find((c) => c.kind === 'NetworkPolicy') as KubernetesObject;
    const livePolicy = await readObject<KubernetesObject & { spec: { ingress: { from?: unknown[] }[] } }>(
      kc,
      policy,
    );
    expect(livePolicy.spec.ingress[0]?.from).toEqual([
      {
        podSelector: {
          matchLabels: {
            'app.kubernetes.io/component': 'server',
            'app.kubernetes.io/instance': 'managed',
            'app.kubernetes.io/name': 'plex-mcp',
          },
        },
      },
    ]);
    for (const child of renderPlexMcpServer(resource, inputs)) await serverSideApply(kc, child);
    expect(await versions()).toEqual(before);

    // The HPA-friendly Deployment: the API server defaulted nothing we then fight over, and a TTL change
    // does reach the pod template (a new generation).
    const changed = parsePlexMcpServer({
      ...resource,
      spec: { ...resource.spec, cache: { ...resource.spec.cache, ttlSeconds: { search: 61 } } },
    });
    if (!changed.ok) throw new Error(changed.errors.join());
    const deployment = renderPlexMcpServer(changed.value, inputs).find(
      (c) => c.kind === 'Deployment' && c.metadata?.name === 'managed',
    );
    const applied = (await serverSideApply(kc, deployment as KubernetesObject)) as KubernetesObject & {
      metadata: { generation?: number };
    };
    expect(before).not.toContain(`Deployment/managed generation ${applied.metadata.generation}`);
  });

  it('applies the output of the render CLI (GitOps without the operator) for real', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plex-mcp-render-'));
    try {
      const input = join(dir, 'resource.yaml');
      const example = readFileSync('examples/plexmcpserver.yaml', 'utf8').replace(
        'namespace: media',
        `namespace: ${namespace}`,
      );
      writeFileSync(input, example.replace('name: living-room', 'name: gitops'));
      const output = execFileSync(
        process.execPath,
        ['cdk8s/render/cli.ts', input, '--token-secret-data', 'abc'],
        {
          encoding: 'utf8',
        },
      );
      const docs = parseAllDocuments(output, { version: '1.1' }).map((d) => d.toJS() as KubernetesObject);
      expect(docs.map((d) => `${d.kind}/${d.metadata?.name}`)).toContain('Secret/gitops-auth');
      for (const doc of docs) {
        await serverSideApply(kc, doc).catch((error) => {
          throw new Error(`${doc.kind}/${doc.metadata?.name}: ${errorText(error)}`);
        });
      }
      const secret = await readObject<KubernetesObject & { data: Record<string, string> }>(kc, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'gitops-auth', namespace },
      });
      expect(Buffer.from(secret.data.AUTH_TOKEN ?? '', 'base64').toString().length).toBeGreaterThanOrEqual(
        32,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts dist/install.yaml (from npm run synth) in a server-side dry-run apply', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plex-mcp-synth-'));
    try {
      const out = join(dir, 'install.yaml');
      execFileSync(
        process.execPath,
        ['cdk8s/synth.ts', '--out', out, '--namespace', installNamespace, '--replicas', '2'],
        {
          stdio: 'pipe',
        },
      );
      const docs = parseAllDocuments(readFileSync(out, 'utf8'), { version: '1.1' }).map(
        (d) => d.toJS() as KubernetesObject,
      );
      expect(docs.map((d) => d.kind)).toContain('Deployment');
      // Namespaced objects can only be dry-run into a namespace that exists.
      const ns = docs.find((d) => d.kind === 'Namespace') as KubernetesObject;
      await serverSideApply(kc, ns);
      for (const doc of docs) {
        if (doc.kind === 'Namespace') continue;
        await serverSideApply(kc, doc, { dryRun: true }).catch((error) => {
          throw new Error(`${doc.kind}/${doc.metadata?.name}: ${errorText(error)}`);
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
