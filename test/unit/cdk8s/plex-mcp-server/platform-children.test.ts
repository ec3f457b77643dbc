import { describe, expect, it } from 'vitest';
import { publicEndpoint } from '../../../../cdk8s/plex-mcp-server/exposure.ts';
import { ALL_OPTIONAL_KINDS, allChildRefs, buildChildren } from '../../../../cdk8s/plex-mcp-server/index.ts';
import type { PlatformInputs } from '../../../../cdk8s/plex-mcp-server/platform-children.ts';
import { serverTopologySpread } from '../../../../cdk8s/plex-mcp-server/scaling.ts';
import { find, makeInputs, makeResource } from '../fixtures.ts';

/** Everything a resource renders to (the platform children are part of the one render the operator applies). */
const rendered = (resource: ReturnType<typeof makeResource>, inputs: PlatformInputs) =>
  buildChildren(resource, { ...makeInputs(), ...inputs });

const kinds = (objects: { kind?: string; metadata?: { name?: string } }[]) =>
  objects.map((o) => `${o.kind}/${o.metadata?.name}`);

/** The platform children among a render (what spec.networkPolicy, gateway, ingress, autoscaling, monitoring add). */
const platformKinds = (objects: { kind?: string; metadata?: { name?: string } }[]) => {
  const platform = new Set(
    allChildRefs(makeResource())
      .filter((r) => r.platform)
      .map((r) => `${r.kind}/${r.name}`),
  );
  return kinds(objects).filter((name) => platform.has(name));
};

const operator = { operatorNamespace: 'plex-mcp-system' };

describe('server NetworkPolicy', () => {
  it('is on by default: ingress from this namespace and the operator, egress to DNS, Plex and Managed Redis', () => {
    const policy = find(rendered(makeResource(), operator), 'NetworkPolicy', 'living-room-server');
    expect((policy.metadata as { ownerReferences?: unknown[] }).ownerReferences?.[0]).toMatchObject({
      kind: 'PlexMcpServer',
      controller: true,
    });
    expect(policy.spec.podSelector.matchLabels).toMatchObject({ 'app.kubernetes.io/component': 'server' });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([
      {
        from: [
          { podSelector: {} },
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'plex-mcp-system' } } },
        ],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
    expect(policy.spec.egress).toEqual([
      {
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
      // A host name: the port, to any address.
      { ports: [{ protocol: 'TCP', port: 32400 }] },
      {
        to: [
          {
            podSelector: { matchLabels: expect.objectContaining({ 'app.kubernetes.io/component': 'redis' }) },
          },
        ],
        ports: [{ protocol: 'TCP', port: 6379 }],
      },
    ]);
  });

  it('pins a literal Plex IP to a /32 (or /128) on its port, and uses plexCIDR for a host name', () => {
    const egressToPlex = (spec: Record<string, unknown>) =>
      find(rendered(makeResource(spec), {}), 'NetworkPolicy', 'living-room-server').spec.egress[1];
    expect(
      egressToPlex({ plex: { url: 'http://192.168.1.10:32400', tokenSecretRef: { name: 't' } } }),
    ).toEqual({
      to: [{ ipBlock: { cidr: '192.168.1.10/32' } }],
      ports: [{ protocol: 'TCP', port: 32400 }],
    });
    expect(egressToPlex({ plex: { url: 'https://[fd00::7]', tokenSecretRef: { name: 't' } } })).toEqual({
      to: [{ ipBlock: { cidr: 'fd00::7/128' } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
    expect(
      egressToPlex({
        plex: { url: 'http://plex.lan:32400', tokenSecretRef: { name: 't' } },
        networkPolicy: { plexCIDR: '192.168.1.0/24' },
      }),
    ).toEqual({ to: [{ ipBlock: { cidr: '192.168.1.0/24' } }], ports: [{ protocol: 'TCP', port: 32400 }] });
  });

  it('allows egress to an external Redis (IP pinned, default port) and none with Redis disabled', () => {
    const egress = (redis: Record<string, unknown>) =>
      find(rendered(makeResource({ redis }), {}), 'NetworkPolicy', 'living-room-server').spec.egress;
    expect(egress({ mode: 'External', external: { url: 'redis://10.0.0.5/0' } })[2]).toEqual({
      to: [{ ipBlock: { cidr: '10.0.0.5/32' } }],
      ports: [{ protocol: 'TCP', port: 6379 }],
    });
    expect(egress({ mode: 'External', external: { url: 'rediss://redis.cache.svc:6380' } })[2]).toEqual({
      ports: [{ protocol: 'TCP', port: 6380 }],
    });
    expect(egress({ mode: 'Disabled' })).toHaveLength(2);
  });

  it('allows egress to the identity provider with OAuth: the issuer and key set ports, an IP pinned', () => {
    const oauth = (issuer: string, jwksURL?: string) =>
      makeResource({
        auth: {
          mode: 'BearerAndOAuth',
          oauth: { issuer, ...(jwksURL ? { jwksURL } : {}) },
          publicURL: 'https://mcp.example.com/mcp',
        },
      });
    const egress = (resource: ReturnType<typeof makeResource>) =>
      find(rendered(resource, {}), 'NetworkPolicy', 'living-room-server').spec.egress.slice(3);
    expect(egress(oauth('https://auth.example.com/realms/home'))).toEqual([
      { ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(egress(oauth('https://10.1.2.3:8443/realms/home', 'https://keys.example.com:9443/jwks'))).toEqual([
      { to: [{ ipBlock: { cidr: '10.1.2.3/32' } }], ports: [{ protocol: 'TCP', port: 8443 }] },
      { ports: [{ protocol: 'TCP', port: 9443 }] },
    ]);
    // Bearer only: no identity provider to reach.
    expect(egress(makeResource())).toEqual([]);
  });

  it('takes the named peers instead of the namespace default, adds the Gateway namespace by default', () => {
    const named = find(
      rendered(
        makeResource({
          networkPolicy: {
            ingressFrom: [
              {
                namespaceSelector: { matchLabels: { team: 'agents' } },
                podSelector: { matchLabels: { app: 'claude' } },
              },
              { ipBlock: { cidr: '10.9.0.0/16' } },
            ],
          },
        }),
        operator,
      ),
      'NetworkPolicy',
      'living-room-server',
    );
    expect(named.spec.ingress[0].from).toEqual([
      {
        namespaceSelector: { matchLabels: { team: 'agents' } },
        podSelector: { matchLabels: { app: 'claude' } },
      },
      { ipBlock: { cidr: '10.9.0.0/16' } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'plex-mcp-system' } } },
    ]);
    const withGateway = find(
      rendered(
        makeResource({
          gateway: { parentRef: { name: 'public', namespace: 'gw' }, hostname: 'mcp.example.com' },
        }),
        {},
      ),
      'NetworkPolicy',
      'living-room-server',
    );
    expect(withGateway.spec.ingress[0].from).toEqual([
      { podSelector: {} },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gw' } } },
    ]);
  });

  it('is left out with networkPolicy.enabled false', () => {
    expect(platformKinds(rendered(makeResource({ networkPolicy: { enabled: false } }), operator))).toEqual(
      [],
    );
    expect(platformKinds(rendered(makeResource(), operator))).toEqual(['NetworkPolicy/living-room-server']);
  });
});

describe('exposure', () => {
  it('renders an HTTPRoute to the Service for spec.gateway and reports the https URL', () => {
    const resource = makeResource({
      gateway: {
        parentRef: { name: 'public', namespace: 'gw', sectionName: 'https' },
        hostname: 'mcp.example.com',
      },
      service: { port: 9000 },
    });
    const route = find(rendered(resource, {}), 'HTTPRoute', 'living-room');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec).toEqual({
      parentRefs: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: 'public',
          namespace: 'gw',
          sectionName: 'https',
        },
      ],
      hostnames: ['mcp.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/mcp' } }],
          backendRefs: [{ group: '', kind: 'Service', name: 'living-room', port: 9000 }],
        },
      ],
    });
    expect(publicEndpoint(resource)).toBe('https://mcp.example.com/mcp');
  });

  it('renders an Ingress for /mcp, with TLS when a Secret is named, and reports the matching URL', () => {
    const spec = (tlsSecretName?: string) => ({
      networkPolicy: { ingressFrom: [{ namespaceSelector: { matchLabels: { name: 'ingress-nginx' } } }] },
      ingress: { className: 'nginx', host: 'mcp.example.com', ...(tlsSecretName ? { tlsSecretName } : {}) },
    });
    const tls = makeResource(spec('mcp-tls'));
    const ingress = find(rendered(tls, {}), 'Ingress', 'living-room');
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      rules: [
        {
          host: 'mcp.example.com',
          http: {
            paths: [
              {
                path: '/mcp',
                pathType: 'Prefix',
                backend: { service: { name: 'living-room', port: { number: 8080 } } },
              },
            ],
          },
        },
      ],
      tls: [{ hosts: ['mcp.example.com'], secretName: 'mcp-tls' }],
    });
    expect(publicEndpoint(tls)).toBe('https://mcp.example.com/mcp');
    const plain = makeResource(spec());
    expect(find(rendered(plain, {}), 'Ingress', 'living-room').spec.tls).toBeUndefined();
    expect(publicEndpoint(plain)).toBe('http://mcp.example.com/mcp');
    expect(publicEndpoint(makeResource())).toBeUndefined();
  });
});

describe('scale', () => {
  it('renders an HPA on CPU and a PDB for autoscaling, and spreads the pods across nodes', () => {
    const resource = makeResource({
      autoscaling: { minReplicas: 2, maxReplicas: 5, targetCPUUtilization: 60 },
    });
    const children = rendered(resource, {});
    expect(find(children, 'HorizontalPodAutoscaler', 'living-room').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'living-room' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } },
        },
      ],
    });
    const pdb = find(children, 'PodDisruptionBudget', 'living-room');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toMatchObject({ 'app.kubernetes.io/component': 'server' });
    expect(serverTopologySpread(resource)).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: pdb.spec.selector.matchLabels },
      },
    ]);
  });

  it('adds a PDB for fixed replicas above one, and nothing for a single replica', () => {
    expect(
      platformKinds(rendered(makeResource({ replicas: 3, networkPolicy: { enabled: false } }), {})),
    ).toEqual(['PodDisruptionBudget/living-room']);
    const single = makeResource({ replicas: 1, networkPolicy: { enabled: false } });
    expect(platformKinds(rendered(single, {}))).toEqual([]);
    expect(serverTopologySpread(single)).toBeUndefined();
  });

  it('leaves the spread to spec.scheduling when it sets one', () => {
    const own = makeResource({
      replicas: 2,
      scheduling: {
        topologySpreadConstraints: [{ maxSkew: 2, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }],
      },
    });
    expect(serverTopologySpread(own)).toBeUndefined();
  });
});

describe('ServiceMonitor', () => {
  const resource = makeResource({
    monitoring: {
      serviceMonitor: true,
      interval: '15s',
      labels: { release: 'kps', 'app.kubernetes.io/managed-by': 'x' },
    },
  });

  it('scrapes the server Service on http /metrics, with the extra labels (ours win)', () => {
    const monitor = find(rendered(resource, {}), 'ServiceMonitor', 'living-room');
    expect((monitor.metadata as { labels?: object }).labels).toMatchObject({
      release: 'kps',
      'app.kubernetes.io/managed-by': 'plex-mcp-operator',
    });
    expect(monitor.spec).toEqual({
      selector: { matchLabels: expect.objectContaining({ 'app.kubernetes.io/component': 'server' }) },
      namespaceSelector: { matchNames: ['media'] },
      endpoints: [{ port: 'http', path: '/metrics', interval: '15s', scheme: 'http' }],
    });
  });

  it('is left out when the cluster serves no ServiceMonitors', () => {
    const withoutMonitors = new Set([...ALL_OPTIONAL_KINDS].filter((kind) => kind !== 'ServiceMonitor'));
    expect(kinds(rendered(resource, { servedKinds: withoutMonitors }))).not.toContain(
      'ServiceMonitor/living-room',
    );
    expect(kinds(rendered(resource, {}))).toContain('ServiceMonitor/living-room');
  });
});

describe('allChildRefs', () => {
  it('lists every platform child once, whatever the spec', () => {
    expect(
      allChildRefs(makeResource())
        .filter((r) => r.platform)
        .map((r) => `${r.kind}/${r.name}`),
    ).toEqual([
      'NetworkPolicy/living-room-server',
      'HTTPRoute/living-room',
      'Ingress/living-room',
      'HorizontalPodAutoscaler/living-room',
      'PodDisruptionBudget/living-room',
      'ServiceMonitor/living-room',
    ]);
  });
});
