// Follows the README's "GitOps without the operator" commands on the real API server: render a PlexMcpServer to
// plain manifests with `npm run render`, apply them with kubectl (no CRD, no operator), and see the server
// Deployment roll out (kwok runs its pods) with the rendered auth token in place.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubeConfigForTests, testKubeconfigPath } from '../../cluster/test-kube.ts';
import { deleteNamespace, parseYamlObjects, repoRoot } from '../../e2e/cluster-support.ts';
import { readmeCommands, runReadmeCommand } from '../../e2e/readme-commands.ts';

const rendered = join(repoRoot, 'living-room.yaml');

describe.skipIf(!inject('kubeconfig'))('README GitOps render on the local control plane', () => {
  let kc: KubeConfig;
  const plexToken = randomBytes(16).toString('hex');

  beforeAll(() => {
    kc = kubeConfigForTests();
  });
  afterAll(async () => {
    rmSync(rendered, { force: true }); // it holds generated secrets
    if (kc) await deleteNamespace(kc, 'media', { wait: true });
  });

  it('renders, applies without the operator, rolls out, and serves the rendered token', async () => {
    expect(spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status, 'kubectl on PATH').toBe(
      0,
    );
    expect(existsSync(rendered), `${rendered} must not exist before the test`).toBe(false);
    const env = { ...process.env, KUBECONFIG: testKubeconfigPath() };
    const outputs = readmeCommands('gitops-render').map((command) =>
      runReadmeCommand(command.replaceAll('<your-plex-token>', plexToken), env),
    );

    expect(statSync(rendered).mode & 0o777).toBe(0o600);
    const objects = parseYamlObjects(readFileSync(rendered, 'utf8'));
    expect(objects.map((o) => o.kind).sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'Deployment',
        'NetworkPolicy', // Redis'
        'NetworkPolicy', // the server's (spec.networkPolicy is on by default)
        'Secret',
        'Secret',
        'Service',
        'Service',
      ].sort(),
    );
    // Without an operator there is no owner: nothing may point at a PlexMcpServer that does not exist.
    for (const object of objects) expect(object.metadata?.ownerReferences ?? []).toEqual([]);

    const deployment = await kc
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: 'living-room', namespace: 'media' });
    expect(deployment.status?.availableReplicas).toBeGreaterThanOrEqual(1);
    const renderedAuth = objects.find(
      (o) => o.kind === 'Secret' && o.metadata?.name === 'living-room-auth',
    ) as unknown as {
      data?: Record<string, string>;
      stringData?: Record<string, string>;
    };
    const renderedToken =
      renderedAuth.stringData?.AUTH_TOKEN ??
      Buffer.from(renderedAuth.data?.AUTH_TOKEN ?? '', 'base64').toString('utf8');
    expect(outputs.at(-1)).toBe(renderedToken);
    expect(renderedToken.length).toBeGreaterThanOrEqual(32);
  });
});
