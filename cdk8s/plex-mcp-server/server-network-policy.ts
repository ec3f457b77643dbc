// The server pods' NetworkPolicy (spec.networkPolicy): ingress only from the peers the resource names (default:
// its own namespace and the Gateway's), plus the operator, which verifies the server; egress only to DNS, Plex,
// the Redis the server uses and, with OAuth, the identity provider (its issuer and key set). Managed Redis keeps its
// own policy (managed-redis.ts).
import { isIP } from 'node:net';
import type { V1LabelSelector, V1NetworkPolicyPort, V1ObjectMeta } from '@kubernetes/client-node';
import type { NetworkPeer, PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import { REDIS_PORT, SERVER_CONTAINER_PORT } from './defaults.ts';
import { childMetadata, selectorLabels } from './names.ts';
import { platformChildName } from './platform-names.ts';

/** A NetworkPolicy peer as JSON (client-node's model spells `from` as `_from`; we emit plain JSON). */
export interface PolicyPeer {
  namespaceSelector?: V1LabelSelector;
  podSelector?: V1LabelSelector;
  ipBlock?: { cidr: string };
}

export interface ServerNetworkPolicyManifest {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: V1ObjectMeta;
  spec: {
    podSelector: V1LabelSelector;
    policyTypes: ['Ingress', 'Egress'];
    ingress: { from: PolicyPeer[]; ports: V1NetworkPolicyPort[] }[];
    egress: { to?: PolicyPeer[]; ports: V1NetworkPolicyPort[] }[];
  };
}

export interface ServerNetworkPolicyInputs {
  /** Namespace the operator runs in: always allowed in, since it probes the server. Unset when rendered offline. */
  operatorNamespace?: string;
}

const DNS_PORT = 53;
const namespaceNamed = (name: string): PolicyPeer => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
});

/** An address of a URL's host as a single-address CIDR, or undefined for a host name. */
function hostCidr(hostname: string): string | undefined {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1'); // URL keeps IPv6 literals in brackets
  const family = isIP(bare);
  if (family === 4) return `${bare}/32`;
  if (family === 6) return `${bare}/128`;
  return undefined;
}

function urlPort(url: URL, fallback: number): number {
  if (url.port) return Number(url.port);
  if (url.protocol === 'https:') return 443;
  if (url.protocol === 'http:') return 80;
  return fallback;
}

function peerOf(peer: NetworkPeer): PolicyPeer {
  if (peer.ipBlock) return { ipBlock: { cidr: peer.ipBlock.cidr } };
  return {
    ...(peer.namespaceSelector
      ? { namespaceSelector: { matchLabels: peer.namespaceSelector.matchLabels } }
      : {}),
    ...(peer.podSelector ? { podSelector: { matchLabels: peer.podSelector.matchLabels } } : {}),
  };
}

function ingressPeers(resource: PlexMcpServer, inputs: ServerNetworkPolicyInputs): PolicyPeer[] {
  const { spec, metadata } = resource;
  const peers: PolicyPeer[] = [];
  if (spec.networkPolicy.ingressFrom) peers.push(...spec.networkPolicy.ingressFrom.map(peerOf));
  else {
    peers.push({ podSelector: {} }); // every pod of this namespace
    const gatewayNamespace = spec.gateway?.parentRef.namespace;
    if (gatewayNamespace && gatewayNamespace !== metadata.namespace)
      peers.push(namespaceNamed(gatewayNamespace));
  }
  if (inputs.operatorNamespace) peers.push(namespaceNamed(inputs.operatorNamespace));
  return peers;
}

function plexEgress(resource: PlexMcpServer): { to?: PolicyPeer[]; ports: V1NetworkPolicyPort[] } {
  const url = new URL(resource.spec.plex.url);
  const cidr = hostCidr(url.hostname) ?? resource.spec.networkPolicy.plexCIDR;
  return {
    ...(cidr ? { to: [{ ipBlock: { cidr } }] } : {}),
    ports: [{ protocol: 'TCP', port: urlPort(url, 32400) }],
  };
}

function redisEgress(
  resource: PlexMcpServer,
): { to?: PolicyPeer[]; ports: V1NetworkPolicyPort[] } | undefined {
  const { redis } = resource.spec;
  if (redis.mode === 'Managed') {
    return {
      to: [{ podSelector: { matchLabels: selectorLabels(resource, 'redis') } }],
      ports: [{ protocol: 'TCP', port: REDIS_PORT }],
    };
  }
  if (redis.mode !== 'External' || !redis.external) return undefined;
  const url = new URL(redis.external.url);
  const cidr = hostCidr(url.hostname);
  return {
    ...(cidr ? { to: [{ ipBlock: { cidr } }] } : {}),
    ports: [{ protocol: 'TCP', port: url.port ? Number(url.port) : REDIS_PORT }],
  };
}

/**
 * With OAuth the server fetches the issuer's metadata and its key set (JWKS): one rule per host and port they name,
 * with SignInWithPlex it calls plex.tv;
 * an IP pinned to a single address, a host name to its port only (a NetworkPolicy cannot match DNS names).
 */
function identityProviderEgress(
  resource: PlexMcpServer,
): { to?: PolicyPeer[]; ports: V1NetworkPolicyPort[] }[] {
  const { auth } = resource.spec;
  // Sign in with Plex: plex.tv and clients.plex.tv over https (cloud addresses that change: the port only).
  if (auth.mode === 'SignInWithPlex') return [{ ports: [{ protocol: 'TCP', port: 443 }] }];
  if (auth.mode === 'Bearer' || !auth.oauth) return [];
  const rules = new Map<string, { to?: PolicyPeer[]; ports: V1NetworkPolicyPort[] }>();
  for (const address of [auth.oauth.issuer, auth.oauth.jwksURL]) {
    if (!address) continue;
    const url = new URL(address);
    const cidr = hostCidr(url.hostname);
    const port = urlPort(url, 443);
    rules.set(`${cidr ?? '*'}:${port}`, {
      ...(cidr ? { to: [{ ipBlock: { cidr } }] } : {}),
      ports: [{ protocol: 'TCP', port }],
    });
  }
  return [...rules.values()];
}

export function renderServerNetworkPolicy(
  resource: PlexMcpServer,
  inputs: ServerNetworkPolicyInputs,
): ServerNetworkPolicyManifest {
  const redis = redisEgress(resource);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: childMetadata(resource, platformChildName(resource, 'ServerNetworkPolicy'), 'server'),
    spec: {
      podSelector: { matchLabels: selectorLabels(resource, 'server') },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: ingressPeers(resource, inputs), ports: [{ protocol: 'TCP', port: SERVER_CONTAINER_PORT }] },
      ],
      egress: [
        // Any address: cluster DNS runs in different places (CoreDNS pods, a node-local cache on a link-local IP).
        {
          ports: [
            { protocol: 'UDP', port: DNS_PORT },
            { protocol: 'TCP', port: DNS_PORT },
          ],
        },
        plexEgress(resource),
        ...(redis ? [redis] : []),
        ...identityProviderEgress(resource),
      ],
    },
  };
}
