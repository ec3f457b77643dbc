// Specs the API server (CEL) and the operator's parser must both refuse, with the same message, for the fields of
// operator/api/v1alpha1/spec-platform.ts. Shared by the unit test (parser) and the cluster test (API server).

export const plexForCases = {
  url: 'http://192.168.1.10:32400',
  tokenSecretRef: { name: 'plex-token' },
};

export interface RefusedSpecCase {
  what: string;
  spec: Record<string, unknown>;
  /** A piece of the message both must give. */
  message: string;
}

export const acceptedPlatformSpec = {
  plex: plexForCases,
  networkPolicy: {
    ingressFrom: [
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'agents' } } },
      { ipBlock: { cidr: '10.1.0.0/16' } },
    ],
    plexCIDR: '192.168.1.0/24',
  },
  gateway: { parentRef: { name: 'public', namespace: 'gateway-system' }, hostname: 'mcp.example.com' },
  autoscaling: { maxReplicas: 4 },
  monitoring: { serviceMonitor: true, labels: { release: 'kube-prometheus-stack' } },
};

export const refusedPlatformSpecs: RefusedSpecCase[] = [
  {
    what: 'replicas together with autoscaling',
    spec: { plex: plexForCases, replicas: 2, autoscaling: { maxReplicas: 3 } },
    message: 'spec.replicas and spec.autoscaling cannot both be set',
  },
  {
    what: 'gateway together with ingress',
    spec: {
      plex: plexForCases,
      gateway: { parentRef: { name: 'public' }, hostname: 'mcp.example.com' },
      ingress: { className: 'nginx', host: 'mcp.example.com' },
    },
    message: 'spec.gateway and spec.ingress cannot both be set',
  },
  {
    what: 'minReplicas above maxReplicas',
    spec: { plex: plexForCases, autoscaling: { minReplicas: 3, maxReplicas: 2 } },
    message: 'autoscaling.minReplicas must not exceed autoscaling.maxReplicas',
  },
  {
    what: 'a wildcard gateway hostname',
    spec: { plex: plexForCases, gateway: { parentRef: { name: 'public' }, hostname: '*.example.com' } },
    message: 'gateway.hostname must be a lower-case DNS name',
  },
  {
    what: 'a gateway path that hides /mcp',
    spec: {
      plex: plexForCases,
      gateway: { parentRef: { name: 'public' }, hostname: 'mcp.example.com', path: '/api' },
    },
    message: "gateway.path must be '/mcp'",
  },
  {
    what: 'an Ingress the default NetworkPolicy would block',
    spec: { plex: plexForCases, ingress: { className: 'nginx', host: 'mcp.example.com' } },
    message: 'spec.ingress needs spec.networkPolicy.ingressFrom',
  },
  {
    what: 'an ingress host with upper case',
    spec: {
      plex: plexForCases,
      networkPolicy: { enabled: false },
      ingress: { className: 'nginx', host: 'MCP.example.com' },
    },
    message: 'ingress.host must be a lower-case DNS name',
  },
  {
    what: 'a Plex CIDR that is no CIDR',
    spec: { plex: plexForCases, networkPolicy: { plexCIDR: '192.168.1.10' } },
    message: 'networkPolicy.plexCIDR must be a CIDR',
  },
  {
    what: 'an ingressFrom peer without any selector',
    spec: { plex: plexForCases, networkPolicy: { ingressFrom: [{}] } },
    message: 'each networkPolicy.ingressFrom entry needs namespaceSelector, podSelector or ipBlock',
  },
  {
    what: 'an ipBlock combined with a selector',
    spec: {
      plex: plexForCases,
      networkPolicy: { ingressFrom: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: { matchLabels: {} } }] },
    },
    message: 'ipBlock cannot be combined with selectors',
  },
  {
    what: 'a scrape interval that is no duration',
    spec: { plex: plexForCases, monitoring: { serviceMonitor: true, interval: 'often' } },
    message: 'monitoring.interval must be a duration',
  },
];
