// test/e2e/kind-e2e.sh cannot run without Docker, but the manifests it applies can be checked here: its
// heredocs, expanded by bash with the script's own variables, are sent to the local API server in a server-side
// dry run (schema, CEL rules, defaults), so a spec field the CRD does not know fails here and not on a kind cluster.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { kubeConfigForTests } from '../../cluster/test-kube.ts';
import {
  applyObjects,
  deleteNamespace,
  ensureNamespace,
  parseYamlObjects,
  repoRoot,
} from '../../e2e/cluster-support.ts';

const script = readFileSync(join(repoRoot, 'test/e2e/kind-e2e.sh'), 'utf8');
const namespace = `kind-manifests-${randomBytes(3).toString('hex')}`;

/** The script's `<<EOF` bodies, expanded by bash with the variables the script defines at its top. */
function expandedHeredocs(variables: Record<string, string>): string[] {
  const bodies = [...script.matchAll(/<<EOF\n([\s\S]*?)\nEOF\n/g)].map((m) => m[1] as string);
  return bodies.map((body) =>
    execFileSync('bash', ['-c', `cat <<EOF\n${body}\nEOF\n`], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...variables },
      encoding: 'utf8',
    }),
  );
}

function scriptDefault(name: string): string {
  const match = new RegExp(`^${name}="(?:\\$\\{[A-Z_]+:-)?([^"}]*)\\}?"$`, 'm').exec(script);
  if (!match) throw new Error(`kind-e2e.sh defines no ${name}`);
  return match[1] as string;
}

describe.skipIf(!inject('kubeconfig'))("kind-e2e.sh's manifests", () => {
  let kc: KubeConfig;
  beforeAll(async () => {
    kc = kubeConfigForTests();
    await ensureNamespace(kc, namespace);
    const crd = parse(
      readFileSync(join(repoRoot, 'crds/plexmcp.dev_plexmcpservers.yaml'), 'utf8'),
    ) as KubernetesObject;
    await applyObjects(kc, [crd]);
  });
  afterAll(async () => {
    if (kc) await deleteNamespace(kc, namespace);
  });

  it.each(['Managed', 'Disabled'])('are accepted by the API server (REDIS_MODE=%s)', async (redisMode) => {
    const variables = {
      app_ns: namespace,
      resource: scriptDefault('resource'),
      image: scriptDefault('image'),
      sim_image: scriptDefault('sim_image'),
      redis_mode: redisMode,
    };
    const objects = expandedHeredocs(variables)
      .flatMap(parseYamlObjects)
      .map((o) => ({ ...o, metadata: { ...o.metadata, namespace } }));
    expect(objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'PlexMcpServer', 'Service']);
    const answered = await applyObjects(kc, objects, { dryRun: true });
    const resource = answered.find((o) => o.kind === 'PlexMcpServer') as KubernetesObject & {
      spec: { plex: { url: string }; redis: { mode: string }; image: string };
    };
    expect(resource.spec.plex.url).toBe(`http://plex-sim.${namespace}.svc.cluster.local:32400`);
    expect(resource.spec.redis.mode).toBe(redisMode);
    expect(resource.spec.image).toBe(variables.image);
    // The simulator gets its token from the Secret through the kubelet's $(VAR) expansion, never inline.
    const sim = answered.find((o) => o.kind === 'Deployment') as unknown as {
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    };
    expect(sim.spec.template.spec.containers[0]?.args).toContain('$(PLEX_TOKEN)');
  });
});
