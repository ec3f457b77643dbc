import { describe, expect, it } from 'vitest';
import { renderInstallManifests } from '../../../../cdk8s/install/install-chart.ts';
import { buildPlexMcpServerCrd } from '../../../../operator/api/v1alpha1/index.ts';

type Obj = { kind: string; metadata: { name: string; namespace?: string }; [key: string]: unknown };
type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

const objects = () => renderInstallManifests() as unknown as Obj[];
const byKind = (all: Obj[], kind: string) => all.filter((o) => o.kind === kind);

describe('install manifests (npm run synth)', () => {
  it('holds the CRD from the generator, the namespace, service account, RBAC and operator Deployment', () => {
    const all = objects();
    expect(all.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'CustomResourceDefinition/plexmcpservers.plexmcp.dev',
      'Namespace/plex-mcp-system',
      'ServiceAccount/plex-mcp-operator',
      'ClusterRole/plex-mcp-operator',
      'ClusterRoleBinding/plex-mcp-operator',
      'Role/plex-mcp-operator-leader-election',
      'RoleBinding/plex-mcp-operator-leader-election',
      'Service/plex-mcp-operator-metrics',
      'Deployment/plex-mcp-operator',
    ]);
    expect(JSON.parse(JSON.stringify(all[0]))).toEqual(JSON.parse(JSON.stringify(buildPlexMcpServerCrd())));
  });

  it('grants least privilege: no wildcards, read-only on the resource itself, leases only in its namespace', () => {
    const all = objects();
    const clusterRules = (byKind(all, 'ClusterRole')[0] as unknown as { rules: Rule[] }).rules;
    for (const rule of clusterRules) {
      expect(rule.verbs).not.toContain('*');
      expect(rule.resources).not.toContain('*');
      expect(rule.apiGroups).not.toContain('*');
    }
    const verbsOf = (resource: string) =>
      clusterRules.filter((r) => r.resources.includes(resource)).flatMap((r) => r.verbs);
    expect(verbsOf('plexmcpservers').sort()).toEqual(['get', 'list', 'watch']);
    expect(verbsOf('plexmcpservers/status')).toContain('patch');
    expect(verbsOf('plexmcpservers/finalizers')).toEqual(['update']);
    for (const child of ['deployments', 'services', 'configmaps', 'secrets', 'networkpolicies']) {
      expect(verbsOf(child)).toEqual(expect.arrayContaining(['get', 'list', 'watch', 'create', 'patch']));
    }
    expect(verbsOf('leases')).toEqual([]);
    const leaderRole = byKind(all, 'Role')[0] as unknown as {
      metadata: { namespace: string };
      rules: Rule[];
    };
    expect(leaderRole.metadata.namespace).toBe('plex-mcp-system');
    expect(leaderRole.rules.flatMap((r) => r.resources)).toEqual(['leases']);
  });

  it('binds Roles per namespace, and no ClusterRole, when watching a namespace list', () => {
    const all = renderInstallManifests({ watchNamespaces: ['media', 'kids'] }) as unknown as Obj[];
    expect(byKind(all, 'ClusterRole')).toEqual([]);
    expect(byKind(all, 'ClusterRoleBinding')).toEqual([]);
    expect(byKind(all, 'Role').map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual([
      'media/plex-mcp-operator',
      'kids/plex-mcp-operator',
      'plex-mcp-system/plex-mcp-operator-leader-election',
    ]);
    const deployment = byKind(all, 'Deployment')[0] as unknown as {
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    };
    expect(deployment.spec.template.spec.containers[0]?.args).toContain('--namespaces=media,kids');
  });

  it('runs the operator restricted, with probes, leader election and the server image', () => {
    const deployment = byKind(
      renderInstallManifests({ replicas: 2, image: 'plex-mcp:9', serverImage: 'srv:9' }) as unknown as Obj[],
      'Deployment',
      // biome-ignore lint/suspicious/noExplicitAny: tests read deep into rendered JSON; the shapes are asserted.
    )[0] as unknown as { spec: { replicas: number; template: { spec: Record<string, any> } } };
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(pod.serviceAccountName).toBe('plex-mcp-operator');
    expect(pod.affinity.podAntiAffinity).toBeDefined();
    expect(container.image).toBe('plex-mcp:9');
    expect(container.command).toEqual(['plex-mcp-operator']);
    expect(container.args).toEqual(['--leader-elect=true', '--metrics-port=8080', '--health-port=8081']);
    expect(container.env).toContainEqual({ name: 'PLEX_MCP_SERVER_IMAGE', value: 'srv:9' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  it('is deterministic', () => {
    expect(JSON.stringify(objects())).toBe(JSON.stringify(objects()));
  });
});
