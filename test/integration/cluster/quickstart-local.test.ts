// Follows the README's "quick start on the local control plane" command by command: the commands are read from
// README.md (between the quickstart-local markers) and run with bash and the real kubectl, so the README cannot
// drift from what works. Three lines are handled rather than run verbatim, each for a stated reason:
//   npm run cluster:up             the suite's global setup already started the plane (or TEST_KUBECONFIG)
//   export KUBECONFIG=...          becomes the environment of every later command
//   npm run operator -- ARGS &     started as a managed child process (same program and arguments: the npm script
//                                  is checked to be `node .ci/with-node.mjs operator/main.ts`), on free ports, so it can be stopped
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_SERVER_IMAGE } from '../../../operator/config/operator-flags.ts';
import { kubeConfigForTests, testKubeconfigPath } from '../../cluster/test-kube.ts';
import {
  deleteNamespace,
  deleteObjects,
  parseYamlObjects,
  type RunningProcess,
  repoRoot,
  startNodeProcess,
  startOnFreePorts,
} from '../../e2e/cluster-support.ts';
import { readmeCommands, runReadmeCommand } from '../../e2e/readme-commands.ts';

function kubectlAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

describe.skipIf(!inject('kubeconfig'))('README quick start on the local control plane', () => {
  let kc: KubeConfig;
  let operator: RunningProcess | undefined;
  let installObjects: KubernetesObject[] = [];
  const plexToken = randomBytes(16).toString('hex');
  const outputs: string[] = [];

  beforeAll(() => {
    kc = kubeConfigForTests();
  });
  afterAll(async () => {
    await operator?.stop();
    if (!kc) return;
    await deleteNamespace(kc, 'media', { wait: true });
    // Everything dist/install.yaml created except the CRD, which other suites share.
    await deleteObjects(
      kc,
      installObjects.filter((o) => o.kind !== 'CustomResourceDefinition'),
    );
  });

  it('runs every command of the README and ends with an endpoint and an auth token', async () => {
    expect(kubectlAvailable(), 'kubectl must be on PATH for the quick start').toBe(true);
    const scripts = (
      JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    // .ci/with-node.mjs only makes sure a Node that runs .ts is used; this process already is one.
    expect(scripts.operator).toBe('node .ci/with-node.mjs operator/main.ts');

    const commands = readmeCommands('quickstart-local');
    expect(commands[0]).toBe('npm run cluster:up');
    expect(commands[1]).toBe('export KUBECONFIG=$PWD/.cluster/kubeconfig');
    const env = { ...process.env, KUBECONFIG: testKubeconfigPath() };

    // The quick start names the server image explicitly: the one the release builds, of this version.
    const operatorLine = /^npm run operator -- (.+) &$/;
    expect(commands.find((c) => operatorLine.test(c))).toBe(
      `npm run operator -- --server-image ${DEFAULT_SERVER_IMAGE} &`,
    );
    for (const command of commands.slice(2)) {
      const operatorArgs = operatorLine.exec(command)?.[1];
      if (operatorArgs !== undefined) {
        const started = await startOnFreePorts((ports) =>
          startNodeProcess(
            'operator/main.ts',
            [...operatorArgs.split(' '), `--health-port=${ports.health}`, `--metrics-port=${ports.metrics}`],
            { KUBECONFIG: env.KUBECONFIG },
          ),
        );
        operator = started.process;
        continue;
      }
      const line = command.replaceAll('<your-plex-token>', plexToken);
      const stdout = runReadmeCommand(
        line,
        env,
        `\noperator output:\n${operator?.output() ?? '(not started)'}`,
      );
      outputs.push(stdout);
      if (command === 'npm run synth') {
        installObjects = parseYamlObjects(readFileSync(join(repoRoot, 'dist/install.yaml'), 'utf8'));
      }
    }

    // The last two commands print the endpoint and the bearer token a client needs.
    const [endpoint, token] = outputs.slice(-2);
    expect(endpoint).toBe('http://living-room.media.svc.cluster.local:8080/mcp');
    expect(token?.length).toBeGreaterThanOrEqual(32);
    expect(token).toMatch(/^[A-Za-z0-9_\-+/=]+$/);
    // The Plex token went into the Secret the resource references, not anywhere else the README printed.
    expect(outputs.join('\n')).not.toContain(plexToken);
  });
});
