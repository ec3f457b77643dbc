// The Helm chart on a real API server: what `helm template` renders is accepted by a server-side dry run, then
// installed for real; the operator, run from source with the chart's container args and env and authenticated as
// the chart's ServiceAccount (so it holds exactly the chart's RBAC), reconciles a PlexMcpServer to Ready. Both
// scopes: cluster-wide, and a namespace list (Roles only), where the operator must ignore other namespaces.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { SECRET_OPT_IN_LABEL } from '../../../operator/api/v1alpha1/index.ts';
import { KubeClient } from '../../../operator/runtime/kube-client.ts';
import { kubeConfigForTests } from '../../cluster/test-kube.ts';
import {
  applyObjects,
  deleteNamespace,
  deleteObjects,
  ensureNamespace,
  freePort,
  type RunningProcess,
  readPlexMcpServer,
  serviceAccountKubeconfig,
  startNodeProcess,
  waitForHttpOk,
  waitForPlexMcpServerReady,
} from '../../e2e/cluster-support.ts';
import { helmBinary, type K8sObject, renderChart } from '../../support/helm.ts';

type Container = {
  args: string[];
  env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
};

const suffix = randomBytes(3).toString('hex');
const tmp = mkdtempSync(join(tmpdir(), 'chart-install-'));

function operatorContainer(objects: K8sObject[]): Container {
  const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as {
    spec: { template: { spec: { containers: Container[] } } };
  };
  return deployment.spec.template.spec.containers[0] as Container;
}

/**
 * The operator as the chart's pod would run it: the container's args (ports moved to free ones, since tests share
 * the machine) and env (downward-API fields filled in), with the ServiceAccount's token as its only credential.
 */
async function startOperatorLikeTheChart(
  kc: KubeConfig,
  objects: K8sObject[],
  releaseNamespace: string,
  serviceAccount: string,
): Promise<{ process: RunningProcess; healthPort: number }> {
  const container = operatorContainer(objects);
  const metricsPort = await freePort();
  const healthPort = await freePort();
  const args = container.args.map((arg) =>
    arg
      .replace(/^--metrics-port=\d+$/, `--metrics-port=${metricsPort}`)
      .replace(/^--health-port=\d+$/, `--health-port=${healthPort}`),
  );
  const env: Record<string, string> = {};
  for (const entry of container.env) {
    if (entry.value !== undefined) env[entry.name] = entry.value;
    else if (entry.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace')
      env[entry.name] = releaseNamespace;
    else if (entry.valueFrom?.fieldRef?.fieldPath === 'metadata.name')
      env[entry.name] = `operator-${suffix}-0`;
    else throw new Error(`unexpected env entry ${entry.name} in the chart's container`);
  }
  env.KUBECONFIG = await serviceAccountKubeconfig(
    kc,
    releaseNamespace,
    serviceAccount,
    join(tmp, `${releaseNamespace}.kubeconfig`),
  );
  const process = startNodeProcess('operator/main.ts', args, env);
  await waitForHttpOk(`http://127.0.0.1:${healthPort}/readyz`, process);
  return { process, healthPort };
}

async function createPlexMcpServer(kc: KubeConfig, namespace: string, name: string): Promise<void> {
  await applyObjects(kc, [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'plex-token', namespace, labels: { [SECRET_OPT_IN_LABEL]: 'true' } },
      stringData: { token: randomBytes(12).toString('hex') },
    } as KubernetesObject,
    {
      apiVersion: 'plexmcp.dev/v1alpha1',
      kind: 'PlexMcpServer',
      metadata: { name, namespace },
      spec: {
        plex: { url: 'http://plex.media.svc.cluster.local:32400', tokenSecretRef: { name: 'plex-token' } },
        redis: { mode: 'Managed' },
      },
    } as KubernetesObject,
  ]);
}

describe.skipIf(!inject('kubeconfig'))('Helm chart on a real API server', () => {
  let kc: KubeConfig;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(() => {
    kc = kubeConfigForTests();
    helmBinary();
  }, 1_200_000);
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('accepts every rendered object in a server-side dry run, in both scopes', async () => {
    const releaseNamespace = `pmo-dry-${suffix}`;
    const watched = [`dry-a-${suffix}`, `dry-b-${suffix}`];
    // Like `helm install --create-namespace`, the release namespace exists before its objects are sent.
    for (const ns of [releaseNamespace, ...watched]) {
      await ensureNamespace(kc, ns);
      cleanups.push(() => deleteNamespace(kc, ns));
    }
    const release = `dry-${suffix}`;
    for (const set of [[], [`watchNamespaces={${watched.join(',')}}`]]) {
      const objects = renderChart({ release, namespace: releaseNamespace, set });
      const answered = await applyObjects(kc, objects, { dryRun: true });
      expect(answered.map((o) => o.kind)).toEqual(
        expect.arrayContaining([
          'CustomResourceDefinition',
          'ServiceAccount',
          'Deployment',
          'Service',
          'Role',
        ]),
      );
    }
    // A dry run creates nothing.
    const accounts = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedServiceAccount({ namespace: releaseNamespace });
    expect(accounts.items.map((a) => a.metadata?.name)).not.toContain(`${release}-plex-mcp-operator`);
  });

  it('installs cluster-wide, and the operator with the chart RBAC reconciles a PlexMcpServer to Ready', async () => {
    const releaseNamespace = `pmo-${suffix}`;
    const release = `all-${suffix}`;
    const fullname = `${release}-plex-mcp-operator`;
    const objects = renderChart({ release, namespace: releaseNamespace });
    await ensureNamespace(kc, releaseNamespace);
    cleanups.push(() => deleteNamespace(kc, releaseNamespace));
    const clusterScoped = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding');
    cleanups.push(() => deleteObjects(kc, clusterScoped));
    await applyObjects(kc, objects);
    // The CRD as the chart installed it: CEL rules intact, and protected from `helm uninstall`.
    const crd = await new KubeClient(kc).request<{ metadata: { annotations?: Record<string, string> } }>(
      'GET',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/plexmcpservers.plexmcp.dev',
    );
    expect(crd.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    expect(JSON.stringify(crd)).toContain('x-kubernetes-validations');

    const { process } = await startOperatorLikeTheChart(kc, objects, releaseNamespace, fullname);
    // Stopped at the end of this test, not of the file: a cluster-wide operator left running would reconcile the
    // next test's unwatched namespace.
    onTestFinished(() => process.stop().then(() => undefined));

    const apps = `apps-${suffix}`;
    await ensureNamespace(kc, apps);
    cleanups.push(() => deleteNamespace(kc, apps));
    await createPlexMcpServer(kc, apps, 'living-room');
    const ready = await waitForPlexMcpServerReady(kc, apps, 'living-room').catch((error: Error) => {
      throw new Error(`${error.message}\noperator output:\n${process.output()}`);
    });
    expect(ready.status?.endpoint).toBe(`http://living-room.${apps}.svc.cluster.local:8080/mcp`);
    expect(ready.status?.authSecretName).toBe('living-room-auth');

    // The children exist and are owned by the resource (so its deletion collects them).
    const core = kc.makeApiClient(CoreV1Api);
    const secret = await core.readNamespacedSecret({ name: 'living-room-auth', namespace: apps });
    expect(secret.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'PlexMcpServer',
      name: 'living-room',
      controller: true,
    });
    expect(Buffer.from(secret.data?.AUTH_TOKEN ?? '', 'base64').length).toBeGreaterThanOrEqual(32);
    const services = await core.listNamespacedService({ namespace: apps });
    expect(services.items.map((s) => s.metadata?.name).sort()).toEqual(['living-room', 'living-room-redis']);
  });

  it('with a namespace list, reconciles only those namespaces, holding no cluster-wide rights', async () => {
    const releaseNamespace = `pmo-ns-${suffix}`;
    const release = `ns-${suffix}`;
    const fullname = `${release}-plex-mcp-operator`;
    const watched = `watched-${suffix}`;
    const other = `other-${suffix}`;
    for (const ns of [releaseNamespace, watched, other]) {
      await ensureNamespace(kc, ns);
      cleanups.push(() => deleteNamespace(kc, ns));
    }
    const objects = renderChart({
      release,
      namespace: releaseNamespace,
      set: [`watchNamespaces={${watched}}`],
    });
    expect(objects.filter((o) => o.kind.startsWith('Cluster'))).toEqual([]);
    await applyObjects(kc, objects);

    const { process } = await startOperatorLikeTheChart(kc, objects, releaseNamespace, fullname);
    onTestFinished(() => process.stop().then(() => undefined));

    await createPlexMcpServer(kc, watched, 'kitchen');
    await createPlexMcpServer(kc, other, 'garage');
    await waitForPlexMcpServerReady(kc, watched, 'kitchen').catch((error: Error) => {
      throw new Error(`${error.message}\noperator output:\n${process.output()}`);
    });
    // The unwatched namespace's resource got no status and no children: the operator never saw it.
    const garage = await readPlexMcpServer(kc, other, 'garage');
    expect(garage.status?.conditions ?? []).toEqual([]);
    const core = kc.makeApiClient(CoreV1Api);
    expect((await core.listNamespacedService({ namespace: other })).items).toEqual([]);

    // And it could not have: its ServiceAccount may not even read Secrets outside the watched namespace.
    const saConfig = new KubeConfig();
    saConfig.loadFromFile(join(tmp, `${releaseNamespace}.kubeconfig`));
    const asOperator = saConfig.makeApiClient(CoreV1Api);
    await expect(asOperator.listNamespacedSecret({ namespace: other })).rejects.toMatchObject({ code: 403 });
    await expect(asOperator.listNamespacedSecret({ namespace: watched })).resolves.toBeDefined();
  });
});
