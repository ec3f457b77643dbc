// Public exposure of the MCP endpoint: a Gateway API HTTPRoute (spec.gateway) or an Ingress (spec.ingress), and the
// public URL that then goes to status.publicEndpoint (the resource identifier OAuth clients use).
import type { KubernetesObject, V1Ingress } from '@kubernetes/client-node';
import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import { childMetadata, childNames } from './names.ts';
import { PLATFORM_KINDS, platformChildName } from './platform-names.ts';

/** The MCP endpoint path the server serves (server/http/create-app.ts). */
export const MCP_PATH = '/mcp';

export interface HttpRouteManifest extends KubernetesObject {
  spec: {
    parentRefs: { group: string; kind: string; name: string; namespace?: string; sectionName?: string }[];
    hostnames: string[];
    rules: {
      matches: { path: { type: 'PathPrefix'; value: string } }[];
      backendRefs: { group: ''; kind: 'Service'; name: string; port: number }[];
    }[];
  };
}

export function renderHttpRoute(resource: PlexMcpServer): HttpRouteManifest | undefined {
  const gateway = resource.spec.gateway;
  if (!gateway) return undefined;
  const { parentRef } = gateway;
  return {
    apiVersion: PLATFORM_KINDS.HTTPRoute.apiVersion,
    kind: PLATFORM_KINDS.HTTPRoute.kind,
    metadata: childMetadata(resource, platformChildName(resource, 'HTTPRoute'), 'server'),
    spec: {
      parentRefs: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: parentRef.name,
          ...(parentRef.namespace ? { namespace: parentRef.namespace } : {}),
          ...(parentRef.sectionName ? { sectionName: parentRef.sectionName } : {}),
        },
      ],
      hostnames: [gateway.hostname],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: gateway.path } }],
          backendRefs: [
            {
              group: '',
              kind: 'Service',
              name: childNames(resource).service,
              port: resource.spec.service.port,
            },
          ],
        },
      ],
    },
  };
}

export function renderIngress(resource: PlexMcpServer): V1Ingress | undefined {
  const ingress = resource.spec.ingress;
  if (!ingress) return undefined;
  return {
    apiVersion: PLATFORM_KINDS.Ingress.apiVersion,
    kind: PLATFORM_KINDS.Ingress.kind,
    metadata: childMetadata(resource, platformChildName(resource, 'Ingress'), 'server'),
    spec: {
      ingressClassName: ingress.className,
      rules: [
        {
          host: ingress.host,
          http: {
            paths: [
              {
                path: MCP_PATH,
                pathType: 'Prefix',
                backend: {
                  service: {
                    name: childNames(resource).service,
                    port: { number: resource.spec.service.port },
                  },
                },
              },
            ],
          },
        },
      ],
      ...(ingress.tlsSecretName
        ? { tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }] }
        : {}),
    },
  };
}

/**
 * The URL clients outside the cluster use, or undefined when the server is not exposed. A Gateway's listeners are
 * not ours to read, so a route is assumed to be served over HTTPS (the only sane way to carry a bearer token).
 */
export function publicEndpoint(resource: Pick<PlexMcpServer, 'spec'>): string | undefined {
  const { gateway, ingress } = resource.spec;
  if (gateway) return `https://${gateway.hostname}${MCP_PATH}`;
  if (ingress) return `${ingress.tlsSecretName ? 'https' : 'http'}://${ingress.host}${MCP_PATH}`;
  return undefined;
}
