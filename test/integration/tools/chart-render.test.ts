// The Helm chart rendered by a real helm (built from Go modules by charts/build-helm.sh): lint, and what
// each scope must and must not create. The cluster tests apply the same output to a real API server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartDir, helm, helmBinary, type K8sObject, renderChart } from '../../support/helm.ts';

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
type Container = {
  name: string;
  command?: string[];
  args: string[];
  ports: { name: string; containerPort: number }[];
  securityContext: Record<string, unknown>;
  livenessProbe: { httpGet: { path: string; port: string | number } };
  readinessProbe: { httpGet: { path: string; port: string | number } };
  env?: { name: string; value?: string }[];
};
type Deployment = K8sObject & {
  spec: {
    replicas: number;
    template: {
      spec: { securityContext: Record<string, unknown>; containers: Container[]; serviceAccountName: string };
    };
  };
};

const find = (objects: K8sObject[], kind: string, name?: string, namespace?: string) =>
  objects.filter(
    (o) =>
      o.kind === kind &&
      (name === undefined || o.metadata.name === name) &&
      (namespace === undefined || o.metadata.namespace === namespace),
  );
const operatorContainer = (objects: K8sObject[]) => {
  const deployment = find(objects, 'Deployment')[0] as Deployment;
  return deployment.spec.template.spec.containers[0] as Container;
};
const envOf = (container: Container, name: string) => container.env?.find((e) => e.name === name)?.value;
const rulesOf = (o: K8sObject | undefined) => (o as unknown as { rules: Rule[] }).rules;

beforeAll(() => {
  helmBinary();
}, 1_200_000);

describe('helm lint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chart-values-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes --strict for the cluster-wide and the namespaced scope', () => {
    expect(helm(['lint', '--strict', chartDir])).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    const namespaced = join(dir, 'namespaced.yaml');
    writeFileSync(
      namespaced,
      'watchNamespaces: [media, family]\nmetrics:\n  serviceMonitor:\n    enabled: true\n',
    );
    expect(helm(['lint', '--strict', chartDir, '--values', namespaced])).toMatch(/0 chart\(s\) failed/);
  });
});

describe('helm template, watching all namespaces (default values)', () => {
  let objects: K8sObject[] = [];
  beforeAll(() => {
    objects = renderChart();
  });

  it('grants the operator rules through a ClusterRole and no namespaced Role but the Lease one', () => {
    expect(find(objects, 'ClusterRole')).toHaveLength(1);
    const binding = find(objects, 'ClusterRoleBinding')[0] as K8sObject & {
      subjects: { kind: string; name: string; namespace: string }[];
    };
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'plex-mcp-operator', namespace: 'plex-mcp-system' },
    ]);
    expect(find(objects, 'Role').map((r) => r.metadata.name)).toEqual(['plex-mcp-operator-leader-election']);
    const rules = rulesOf(find(objects, 'ClusterRole')[0]);
    expect(rules).toContainEqual({
      apiGroups: ['plexmcp.dev'],
      resources: ['plexmcpservers/status'],
      verbs: ['get', 'update', 'patch'],
    });
  });

  it('asks for no wildcard and no privilege-escalating verb', () => {
    const allRules = [...find(objects, 'ClusterRole'), ...find(objects, 'Role')].flatMap(rulesOf);
    for (const rule of allRules) {
      for (const field of [rule.apiGroups, rule.resources, rule.verbs]) expect(field).not.toContain('*');
      for (const verb of ['escalate', 'bind', 'impersonate']) expect(rule.verbs).not.toContain(verb);
    }
    // The operator never writes PlexMcpServer specs: only status (and finalizers for blockOwnerDeletion).
    const main = allRules.find((r) => r.resources.includes('plexmcpservers'));
    expect(main?.verbs).toEqual(['get', 'list', 'watch']);
    // Leases only in the operator's own namespace.
    expect(rulesOf(find(objects, 'ClusterRole')[0]).some((r) => r.resources.includes('leases'))).toBe(false);
    const lease = find(objects, 'Role', 'plex-mcp-operator-leader-election', 'plex-mcp-system')[0];
    expect(
      rulesOf(lease).some(
        (r) => r.apiGroups.includes('coordination.k8s.io') && r.resources.includes('leases'),
      ),
    ).toBe(true);
  });

  it('runs two leader-elected replicas with no namespace restriction', () => {
    const deployment = find(objects, 'Deployment')[0] as Deployment;
    expect(deployment.metadata.namespace).toBe('plex-mcp-system');
    expect(deployment.spec.replicas).toBe(2);
    const container = operatorContainer(objects);
    expect(container.command).toEqual(['plex-mcp-operator']);
    expect(container.args).toContain('--leader-elect=true');
    expect(container.args.some((a) => a.startsWith('--namespaces'))).toBe(false);
    expect(envOf(container, 'LOG_LEVEL')).toBe('info');
    expect(envOf(container, 'PLEX_MCP_SERVER_IMAGE')).toBe('plex-mcp:0.1.0');
    expect(envOf(container, 'NODE_OPTIONS')).toBe('--max-old-space-size=128 --max-semi-space-size=2');
    expect(container.env?.map((e) => e.name)).toEqual(expect.arrayContaining(['POD_NAME', 'POD_NAMESPACE']));
  });

  it('locks the pod down: non-root, read-only root, no capabilities, RuntimeDefault seccomp', () => {
    const deployment = find(objects, 'Deployment')[0] as Deployment;
    expect(deployment.spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(operatorContainer(objects).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('probes /healthz and /readyz on 8081 and serves metrics on 8080 through a Service', () => {
    const container = operatorContainer(objects);
    const portNumber = (port: string | number) =>
      typeof port === 'number' ? port : container.ports.find((p) => p.name === port)?.containerPort;
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(portNumber(container.livenessProbe.httpGet.port)).toBe(8081);
    expect(portNumber(container.readinessProbe.httpGet.port)).toBe(8081);
    expect(portNumber('metrics')).toBe(8080);
    expect(container.args).toEqual(expect.arrayContaining(['--metrics-port=8080', '--health-port=8081']));
    const service = find(objects, 'Service')[0] as K8sObject & { spec: { ports: { port: number }[] } };
    expect(service.spec.ports[0]?.port).toBe(8080);
    expect(find(objects, 'ServiceMonitor')).toHaveLength(0);
  });

  it('installs the CRD from crds/ and keeps it on uninstall', () => {
    const crd = find(objects, 'CustomResourceDefinition')[0];
    expect(crd?.metadata.name).toBe('plexmcpservers.plexmcp.dev');
    expect(crd?.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
  });
});

describe('helm template, watching a list of namespaces', () => {
  let objects: K8sObject[] = [];
  beforeAll(() => {
    objects = renderChart({ set: ['watchNamespaces={media,family}'] });
  });

  it('creates a Role and RoleBinding per watched namespace and nothing cluster-scoped but the CRD', () => {
    expect(find(objects, 'ClusterRole')).toHaveLength(0);
    expect(find(objects, 'ClusterRoleBinding')).toHaveLength(0);
    for (const ns of ['media', 'family']) {
      expect(find(objects, 'Role', 'plex-mcp-operator', ns)).toHaveLength(1);
      const binding = find(objects, 'RoleBinding', 'plex-mcp-operator', ns)[0] as K8sObject & {
        subjects: { name: string; namespace: string }[];
        roleRef: { kind: string; name: string };
      };
      expect(binding.roleRef).toMatchObject({ kind: 'Role', name: 'plex-mcp-operator' });
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: 'plex-mcp-operator', namespace: 'plex-mcp-system' },
      ]);
    }
    const clusterScoped = objects.filter((o) => o.metadata.namespace === undefined).map((o) => o.kind);
    expect(clusterScoped).toEqual(['CustomResourceDefinition']);
  });

  it('grants each watched namespace exactly the rules the ClusterRole would', () => {
    const clusterRules = rulesOf(find(renderChart(), 'ClusterRole')[0]);
    expect(rulesOf(find(objects, 'Role', 'plex-mcp-operator', 'media')[0])).toEqual(clusterRules);
  });

  it('passes the list to the operator', () => {
    expect(operatorContainer(objects).args).toContain('--namespaces=media,family');
  });
});

describe('helm template, options', () => {
  it('leaves the CRD out with crds.install=false, and unprotected with crds.keep=false', () => {
    expect(find(renderChart({ set: ['crds.install=false'] }), 'CustomResourceDefinition')).toHaveLength(0);
    const crd = find(renderChart({ set: ['crds.keep=false'] }), 'CustomResourceDefinition')[0];
    expect(crd?.metadata.annotations?.['helm.sh/resource-policy']).toBeUndefined();
  });

  it('renders a ServiceMonitor when asked', () => {
    const monitor = find(
      renderChart({ set: ['metrics.serviceMonitor.enabled=true'] }),
      'ServiceMonitor',
    )[0] as (K8sObject & { spec: { endpoints: { port: string; path: string }[] } }) | undefined;
    expect(monitor?.spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/metrics' });
  });

  it('passes image, server image, log level, replicas and scheduling through', () => {
    const objects = renderChart({
      set: [
        'image.repository=registry.lan/plex-mcp',
        'image.tag=1.2.3',
        'serverImage.tag=1.2.4',
        'logLevel=debug',
        'replicas=1',
        'leaderElection.enabled=false',
        'nodeSelector.kubernetes\\.io/arch=arm64',
      ],
    });
    const deployment = find(objects, 'Deployment')[0] as Deployment & {
      spec: { template: { spec: { nodeSelector?: Record<string, string> } } };
    };
    const container = operatorContainer(objects) as Container & { image: string };
    expect(container.image).toBe('registry.lan/plex-mcp:1.2.3');
    expect(envOf(container, 'PLEX_MCP_SERVER_IMAGE')).toBe('registry.lan/plex-mcp:1.2.4');
    expect(envOf(container, 'LOG_LEVEL')).toBe('debug');
    expect(container.args).toContain('--leader-elect=false');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
    expect(find(objects, 'Role', 'plex-mcp-operator-leader-election')).toHaveLength(0);
    // One replica: a PodDisruptionBudget would block node drains.
    expect(find(objects, 'PodDisruptionBudget')).toHaveLength(0);
    expect(find(renderChart(), 'PodDisruptionBudget')[0]).toMatchObject({ spec: { maxUnavailable: 1 } });
  });
});

describe('the chart and dist/install.yaml (cdk8s) install the same operator', () => {
  it('grant the same reconcile rules and run the operator with the same flags and environment', async () => {
    const { renderInstallManifests } = await import('../../../cdk8s/install/install-chart.ts');
    const synth = renderInstallManifests() as unknown as K8sObject[];
    const chart = renderChart();
    expect(rulesOf(find(chart, 'ClusterRole')[0])).toEqual(rulesOf(find(synth, 'ClusterRole')[0]));
    const synthLease = rulesOf(find(synth, 'Role', 'plex-mcp-operator-leader-election')[0]);
    const chartLease = rulesOf(find(chart, 'Role', 'plex-mcp-operator-leader-election')[0]);
    for (const rule of synthLease) expect(chartLease).toContainEqual(rule);
    const synthContainer = operatorContainer(synth);
    const chartContainer = operatorContainer(chart);
    expect(chartContainer.command).toEqual(synthContainer.command);
    expect([...chartContainer.args].sort()).toEqual([...synthContainer.args].sort());
    expect(chartContainer.env?.map((e) => e.name).sort()).toEqual(
      synthContainer.env?.map((e) => e.name).sort(),
    );
    expect(chartContainer.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(find(chart, 'CustomResourceDefinition')[0]?.spec).toEqual(
      find(synth, 'CustomResourceDefinition')[0]?.spec,
    );
  });
});
