// How one server fits into the cluster around it (issue #13): its NetworkPolicy, its public exposure (a Gateway
// API HTTPRoute or an Ingress), autoscaling and Prometheus monitoring. Part of PlexMcpServerSpecSchema (spec.ts);
// same conventions: every field described, strings and lists bounded, CEL rules mirrored in TypeScript.
import { isIP } from 'node:net';
import { z } from 'zod';
import { DNS_SUBDOMAIN_PATTERN, describe, withCelRules } from './schema-helpers.ts';

const MAX_DNS_NAME = 253;
const MAX_LABEL_KEY = 316;
const MAX_LABEL_VALUE = 63;

/** RFC 1123 DNS label: namespace names. */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

function dnsName(field: string, what: string, pattern: string, maxLength: number) {
  const regex = new RegExp(pattern);
  return describe(
    withCelRules(z.string().min(1).max(maxLength), [
      {
        rule: `self.matches('${pattern.replaceAll('\\', '\\\\')}')`,
        message: `${field} must be a lower-case DNS name (letters, digits, '-' and '.'), e.g. ${what}`,
        holds: (value) => regex.test(value),
      },
    ]),
    `${field}: ${what}`,
  );
}

/** Does `value` parse as an IPv4 or IPv6 CIDR (host bits may be set)? Mirrors CEL `isCIDR()`. */
export function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const address = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  const family = isIP(address);
  if (family === 0 || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function cidr(field: string, description: string) {
  return describe(
    withCelRules(z.string().min(1).max(64), [
      {
        rule: 'isCIDR(self)',
        message: `${field} must be a CIDR, e.g. 192.168.1.0/24 or 192.168.1.10/32`,
        holds: isCidr,
      },
    ]),
    description,
  );
}

const labelValue = describe(z.string().max(MAX_LABEL_VALUE), 'Value of the label (at most 63 characters).');

const matchLabels = (what: string) =>
  describe(
    z.object({
      matchLabels: describe(
        z.record(z.string().max(MAX_LABEL_KEY), labelValue),
        `Labels the ${what} must all carry. Empty selects every ${what}.`,
      ),
    }),
    `Selects ${what}s by label (matchLabels only).`,
  );

export const NetworkPeerSchema = describe(
  withCelRules(
    z.object({
      namespaceSelector: matchLabels('namespace').optional(),
      podSelector: matchLabels('pod').optional(),
      ipBlock: describe(
        z.object({ cidr: cidr('networkPolicy.ingressFrom[].ipBlock.cidr', 'Addresses allowed, as a CIDR.') }),
        'Clients outside the cluster network (e.g. an ingress controller on the host network).',
      ).optional(),
    }),
    [
      {
        rule: 'has(self.namespaceSelector) || has(self.podSelector) || has(self.ipBlock)',
        message: 'each networkPolicy.ingressFrom entry needs namespaceSelector, podSelector or ipBlock',
        holds: (peer) =>
          peer.namespaceSelector !== undefined || peer.podSelector !== undefined || !!peer.ipBlock,
      },
      {
        rule: '!has(self.ipBlock) || (!has(self.namespaceSelector) && !has(self.podSelector))',
        message: 'networkPolicy.ingressFrom: ipBlock cannot be combined with selectors in one entry',
        holds: (peer) => !peer.ipBlock || (!peer.namespaceSelector && !peer.podSelector),
      },
    ],
  ),
  'Clients allowed to reach the server, as a NetworkPolicy peer: both selectors set means pods matching ' +
    'podSelector in namespaces matching namespaceSelector; podSelector alone means pods in this namespace.',
);

export const NetworkPolicySpecSchema = describe(
  z.object({
    enabled: describe(
      z.boolean().default(true),
      'Render a NetworkPolicy for the server pods (default true). Set false on clusters whose network ' +
        'plugin ignores NetworkPolicies, or to manage your own.',
    ),
    ingressFrom: describe(
      z.array(NetworkPeerSchema).max(16),
      'Who may connect to the server pods (at most 16 peers). Unset: every pod in this namespace and, with ' +
        "spec.gateway, the Gateway's namespace. The operator's own namespace is always allowed (it verifies " +
        'the server through its Service). With spec.ingress it must name the ingress controller; with ' +
        "spec.gateway, the namespace of the Gateway's proxies when they run elsewhere (e.g. envoy-gateway-system); " +
        "with spec.monitoring.serviceMonitor, Prometheus' namespace.",
    ).optional(),
    plexCIDR: cidr(
      'networkPolicy.plexCIDR',
      'Where Plex lives, as a CIDR, when spec.plex.url names a host rather than an IP address. Unset with a ' +
        'host name: egress to the Plex port is allowed to any address (a NetworkPolicy cannot match DNS names).',
    ).optional(),
  }),
  'The NetworkPolicy <name>-server of the server pods: ingress only from the listed peers (and the operator), ' +
    'egress only to DNS, Plex, the Redis the server uses and, with OAuth, the identity provider (the ports of ' +
    'auth.oauth.issuer and jwksURL; a literal IP is pinned to that address). Managed Redis keeps its own policy.',
);

export const GatewaySpecSchema = describe(
  z.object({
    parentRef: describe(
      z.object({
        name: dnsName(
          'gateway.parentRef.name',
          'the Gateway to attach to, e.g. public',
          DNS_SUBDOMAIN_PATTERN,
          MAX_DNS_NAME,
        ),
        namespace: dnsName(
          'gateway.parentRef.namespace',
          "the Gateway's namespace; unset: this resource's namespace",
          DNS_LABEL_PATTERN,
          63,
        ).optional(),
        sectionName: dnsName(
          'gateway.parentRef.sectionName',
          'the listener of the Gateway to attach to; unset: every listener that allows the route',
          DNS_SUBDOMAIN_PATTERN,
          MAX_DNS_NAME,
        ).optional(),
      }),
      'The Gateway (gateway.networking.k8s.io/v1) the HTTPRoute attaches to.',
    ),
    hostname: dnsName(
      'gateway.hostname',
      'the public host name clients use, e.g. mcp.example.com (no wildcard)',
      DNS_SUBDOMAIN_PATTERN,
      MAX_DNS_NAME,
    ),
    path: describe(
      withCelRules(z.string().max(8).default('/mcp'), [
        {
          rule: "self == '/' || self == '/mcp'",
          message:
            "gateway.path must be '/mcp' (only the MCP endpoint, the default) or '/' (the whole server)",
          holds: (value) => value === '/' || value === '/mcp',
        },
      ]),
      "Path prefix routed to the server: '/mcp' (default, only the MCP endpoint) or '/' (also health and metrics).",
    ),
  }),
  'Expose the server through a Gateway API HTTPRoute. The public URL https://<hostname>/mcp then appears in ' +
    'status.publicEndpoint. Needs the Gateway API CRDs in the cluster. Not together with spec.ingress.',
);

export const IngressSpecSchema = describe(
  z.object({
    className: dnsName(
      'ingress.className',
      'the IngressClass, e.g. nginx or traefik',
      DNS_SUBDOMAIN_PATTERN,
      MAX_DNS_NAME,
    ),
    host: dnsName(
      'ingress.host',
      'the public host name clients use, e.g. mcp.example.com (no wildcard)',
      DNS_SUBDOMAIN_PATTERN,
      MAX_DNS_NAME,
    ),
    tlsSecretName: dnsName(
      'ingress.tlsSecretName',
      'a kubernetes.io/tls Secret in this namespace for the host; unset: plain HTTP (or TLS the controller adds)',
      DNS_SUBDOMAIN_PATTERN,
      MAX_DNS_NAME,
    ).optional(),
  }),
  'Expose the server through an Ingress (only the /mcp path). The public URL (https with tlsSecretName, else ' +
    'http) then appears in status.publicEndpoint. Not together with spec.gateway.',
);

export const AutoscalingSpecSchema = describe(
  withCelRules(
    z.object({
      minReplicas: describe(
        z.int().min(1).max(100).default(1),
        'Fewest server pods the HorizontalPodAutoscaler keeps (1-100, default 1).',
      ),
      maxReplicas: describe(z.int().min(1).max(100), 'Most server pods it may run (1-100).'),
      targetCPUUtilization: describe(
        z.int().min(1).max(100).default(80),
        "Average CPU use, in percent of the pods' CPU request, the autoscaler aims for (1-100, default 80).",
      ),
    }),
    [
      {
        rule: 'self.minReplicas <= self.maxReplicas',
        message: 'autoscaling.minReplicas must not exceed autoscaling.maxReplicas',
        holds: (a) => a.minReplicas <= a.maxReplicas,
      },
    ],
  ),
  "Scale the server with a HorizontalPodAutoscaler (autoscaling/v2) on CPU. The Deployment's replica count is " +
    'then left to the autoscaler; spec.replicas must be unset. Needs the metrics API (metrics-server) in the cluster.',
);

export const MonitoringSpecSchema = describe(
  z.object({
    serviceMonitor: describe(
      z.boolean().default(false),
      "Render a ServiceMonitor (monitoring.coreos.com/v1) that scrapes the server pods' /metrics (default " +
        'false). Needs the Prometheus Operator CRDs; without them the status says so.',
    ),
    interval: describe(
      withCelRules(z.string().max(16).default('30s'), [
        {
          rule: "self.matches('^[0-9]+(ms|s|m|h)$')",
          message: 'monitoring.interval must be a duration such as 30s or 1m',
          holds: (value) => /^[0-9]+(ms|s|m|h)$/.test(value),
        },
      ]),
      'How often Prometheus scrapes the server (default 30s).',
    ),
    labels: describe(
      z.record(z.string().max(MAX_LABEL_KEY), labelValue),
      'Extra labels on the ServiceMonitor, e.g. release: kube-prometheus-stack, so your Prometheus selects it.',
    ).optional(),
  }),
  'Prometheus monitoring of the server pods.',
);

/** Rules across spec fields: attached to PlexMcpServerSpecSchema. */
export const platformSpecRules = [
  {
    rule: '!has(self.autoscaling) || !has(self.replicas)',
    message: 'spec.replicas and spec.autoscaling cannot both be set: the autoscaler owns the replica count',
    holds: (spec: { autoscaling?: unknown; replicas?: number }) =>
      spec.autoscaling === undefined || spec.replicas === undefined,
  },
  {
    rule: '!has(self.ingress) || !self.networkPolicy.enabled || has(self.networkPolicy.ingressFrom)',
    message:
      "spec.ingress needs spec.networkPolicy.ingressFrom to name the ingress controller's namespace (or " +
      'spec.networkPolicy.enabled: false); otherwise the NetworkPolicy would block it',
    holds: (spec: { ingress?: unknown; networkPolicy?: { enabled: boolean; ingressFrom?: unknown } }) =>
      spec.ingress === undefined ||
      spec.networkPolicy?.enabled === false ||
      spec.networkPolicy?.ingressFrom !== undefined,
  },
  {
    rule: '!has(self.gateway) || !has(self.ingress)',
    message: 'spec.gateway and spec.ingress cannot both be set: choose one way to expose the server',
    holds: (spec: { gateway?: unknown; ingress?: unknown }) =>
      spec.gateway === undefined || spec.ingress === undefined,
  },
];

export type NetworkPolicySpec = z.output<typeof NetworkPolicySpecSchema>;
export type NetworkPeer = z.output<typeof NetworkPeerSchema>;
export type GatewaySpec = z.output<typeof GatewaySpecSchema>;
export type IngressSpec = z.output<typeof IngressSpecSchema>;
export type AutoscalingSpec = z.output<typeof AutoscalingSpecSchema>;
export type MonitoringSpec = z.output<typeof MonitoringSpecSchema>;
