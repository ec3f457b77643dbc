// Token rotation survives a leader change: which rotation request the token answers lives on the auth Secret, not
// in the leader's memory. The first leader here may not write the resource's status (its ServiceAccount lacks
// plexmcpservers/status), so it rotates the token and rolls the pods but never records the rotation as handled;
// then it dies without releasing its Lease. The next leader must finish the job without rotating a second time and
// without flipping the pod-template checksum back.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { leaderElectionRules, reconcileRules } from '../../../cdk8s/install/operator-rbac.ts';
import {
  AUTH_TOKEN_ROTATION_ANNOTATION,
  CONFIG_CHECKSUM_ANNOTATION,
  PLURAL,
  ROTATE_AUTH_TOKEN_ANNOTATION,
} from '../../../operator/api/v1alpha1/index.ts';
import type { RunningOperator } from '../../../operator/manager.ts';
import type { KubeClient } from '../../../operator/runtime/kube-client.ts';
import { KINDS, resourcePath } from '../../../operator/runtime/resource-paths.ts';
import { kubeConfigForTests } from '../../cluster/test-kube.ts';
import { serviceAccountKubeconfig } from '../../e2e/cluster-support.ts';
import { installCrd } from './crd-support.ts';
import {
  applyObject,
  applyPlexMcpServer,
  applyTokenSecret,
  deleteObject,
  ensureNamespace,
  getObject,
  type PlexMcpServerObject,
  PMS_KIND,
  plexMcpServer,
  startTestOperator,
  testClient,
  waitFor,
  waitForReady,
} from './operator-helpers.ts';

const ns = `op-rot-${randomBytes(3).toString('hex')}`;
const lease = 'rotation-leader';
const tmp = mkdtempSync(join(tmpdir(), 'rotation-failover-'));

interface Secret extends KubernetesObject {
  data?: Record<string, string>;
}
interface Deployment extends KubernetesObject {
  spec: { template: { metadata: { annotations?: Record<string, string> } } };
}

describe.skipIf(!inject('kubeconfig'))('auth token rotation across a leader change', () => {
  let kc: KubeConfig;
  let client: KubeClient;
  const running: RunningOperator[] = [];
  const replica = async (config: KubeConfig, identity: string) => {
    const operator = await startTestOperator(config, {
      identity,
      namespaces: [ns],
      leaderElection: { namespace: ns, name: lease },
    });
    running.push(operator);
    await waitFor(async () => operator.isLeader() && operator.isActive(), {
      timeoutMs: 60_000,
      description: `${identity} leading with synced caches`,
    });
    return operator;
  };
  const authSecret = () => getObject<Secret>(client, KINDS.Secret, ns, 'den-auth');
  const checksum = async () =>
    (await getObject<Deployment>(client, KINDS.Deployment, ns, 'den'))?.spec.template.metadata.annotations?.[
      CONFIG_CHECKSUM_ANNOTATION
    ];

  beforeAll(async () => {
    kc = kubeConfigForTests();
    client = testClient(kc);
    await installCrd(kc);
    await ensureNamespace(client, ns);
    await applyTokenSecret(client, ns);
  });

  afterAll(async () => {
    for (const operator of running) await operator.stop();
    await deleteObject(client, { apiVersion: 'v1', plural: 'namespaces' }, '', ns);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('rotates once and keeps the new checksum when the leader dies before recording the rotation', async () => {
    const first = await replica(kc, 'first');
    await applyPlexMcpServer(client, ns, 'den', { redis: { mode: 'Disabled' } });
    await waitForReady(client, ns, 'den');
    const tokenBefore = (await authSecret())?.data?.AUTH_TOKEN;
    const checksumBefore = await checksum();
    await first.stop(); // releases the Lease

    // A leader that can do everything but write the resource's status.
    const rules = [...reconcileRules.filter((rule) => !rule.resources?.includes(`${PLURAL}/status`))];
    const rbac = 'rbac.authorization.k8s.io/v1';
    for (const object of [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'no-status', namespace: ns } },
      {
        apiVersion: rbac,
        kind: 'Role',
        metadata: { name: 'no-status', namespace: ns },
        rules: [...rules, ...leaderElectionRules],
      },
      {
        apiVersion: rbac,
        kind: 'RoleBinding',
        metadata: { name: 'no-status', namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'no-status' },
        subjects: [{ kind: 'ServiceAccount', name: 'no-status', namespace: ns }],
      },
    ]) {
      const path =
        object.kind === 'ServiceAccount'
          ? `/api/v1/namespaces/${ns}/serviceaccounts/no-status`
          : `/apis/${rbac}/namespaces/${ns}/${object.kind === 'Role' ? 'roles' : 'rolebindings'}/no-status`;
      await applyObject(client, path, object);
    }
    const restricted = new KubeConfig();
    restricted.loadFromFile(
      await serviceAccountKubeconfig(kc, ns, 'no-status', join(tmp, 'no-status.kubeconfig')),
    );
    const dying = await replica(restricted, 'dying');

    await applyObject(client, resourcePath(PMS_KIND, ns, 'den'), {
      ...plexMcpServer(ns, 'den', { redis: { mode: 'Disabled' } }),
      metadata: { name: 'den', namespace: ns, annotations: { [ROTATE_AUTH_TOKEN_ANNOTATION]: 'r1' } },
    });
    // The dying leader rotated the token and rolled the pods...
    const rotated = await waitFor(
      async () => {
        const secret = await authSecret();
        return secret?.data?.AUTH_TOKEN !== tokenBefore ? secret : undefined;
      },
      { timeoutMs: 30_000, description: 'den-auth holding a new token' },
    );
    // ...recording on the Secret which request the new token answers...
    expect(rotated.metadata?.annotations?.[AUTH_TOKEN_ROTATION_ANNOTATION]).toBe('r1');
    const checksumRotated = await waitFor(
      async () => {
        const now = await checksum();
        return now !== checksumBefore ? now : undefined;
      },
      { timeoutMs: 30_000, description: 'a new pod-template checksum on Deployment den' },
    );
    // ...but could not record it in the status, and now dies holding the Lease.
    const beforeCrash = await getObject<PlexMcpServerObject>(client, PMS_KIND, ns, 'den');
    expect(beforeCrash?.status?.authTokenRotation).not.toBe('r1');
    await dying.stop({ releaseLease: false });

    const next = await replica(kc, 'next'); // takes the Lease once it lapses (15 s)
    await waitFor(
      async () =>
        (await getObject<PlexMcpServerObject>(client, PMS_KIND, ns, 'den'))?.status?.authTokenRotation ===
        'r1',
      { timeoutMs: 60_000, description: 'status.authTokenRotation r1 written by the next leader' },
    );
    await waitForReady(client, ns, 'den');
    expect(next.isLeader()).toBe(true);

    // Rotated exactly once: the Secret is the very object the dying leader wrote, the checksum did not flip back.
    const after = await authSecret();
    expect(after?.metadata?.resourceVersion).toBe(rotated.metadata?.resourceVersion);
    expect(after?.data?.AUTH_TOKEN).toBe(rotated.data?.AUTH_TOKEN);
    expect(await checksum()).toBe(checksumRotated);
  });
});
