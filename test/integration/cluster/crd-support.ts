// Helpers for the CRD and manifest suites: server-side apply like the operator does, and readable API errors.
import {
  ApiException,
  HttpMethod,
  type KubeConfig,
  type KubernetesObject,
  RequestContext,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { fetch } from 'undici';
import { buildPlexMcpServerCrd, CRD_NAME, FIELD_MANAGER } from '../../../operator/api/v1alpha1/index.ts';
import { KINDS } from '../../../operator/runtime/resource-paths.ts';
import { waitFor } from '../../cluster/test-kube.ts';

/**
 * Where each kind we apply lives. We talk plain JSON to the API server on purpose: client-node's generic
 * KubernetesObjectApi serializes known kinds through its typed models, which silently drops fields whose
 * TypeScript names differ from the JSON ones (NetworkPolicy `from` is `_from`, CRD `default` is `_default`,
 * `x-kubernetes-validations` is `xKubernetesValidations`): the API server would get a different object.
 */
const RESOURCES: Record<string, { plural: string; namespaced: boolean }> = {
  ConfigMap: { plural: 'configmaps', namespaced: true },
  Secret: { plural: 'secrets', namespaced: true },
  Service: { plural: 'services', namespaced: true },
  ServiceAccount: { plural: 'serviceaccounts', namespaced: true },
  Deployment: { plural: 'deployments', namespaced: true },
  NetworkPolicy: { plural: 'networkpolicies', namespaced: true },
  Role: { plural: 'roles', namespaced: true },
  RoleBinding: { plural: 'rolebindings', namespaced: true },
  PlexMcpServer: { plural: 'plexmcpservers', namespaced: true },
  Namespace: { plural: 'namespaces', namespaced: false },
  ClusterRole: { plural: 'clusterroles', namespaced: false },
  ClusterRoleBinding: { plural: 'clusterrolebindings', namespaced: false },
  CustomResourceDefinition: { plural: 'customresourcedefinitions', namespaced: false },
  // The kinds spec.networkPolicy/gateway/ingress/autoscaling/monitoring add (NetworkPolicy is above).
  ...Object.fromEntries(
    [
      KINDS.Ingress,
      KINDS.HorizontalPodAutoscaler,
      KINDS.PodDisruptionBudget,
      KINDS.HTTPRoute,
      KINDS.ServiceMonitor,
    ].map((k) => [k.kind, { plural: k.plural, namespaced: true }]),
  ),
};

export function objectPath(object: KubernetesObject): string {
  const kind = object.kind ?? '';
  const resource = RESOURCES[kind];
  if (!resource) throw new Error(`no API path known for kind ${kind}`);
  const apiVersion = object.apiVersion ?? '';
  const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const namespace = resource.namespaced ? `/namespaces/${object.metadata?.namespace}` : '';
  return `${prefix}${namespace}/${resource.plural}/${object.metadata?.name}`;
}

/** One JSON request with the kubeconfig's credentials; throws ApiException on an error answer. */
export async function kubeRequest<T>(
  kc: KubeConfig,
  method: 'GET' | 'PATCH',
  path: string,
  {
    body,
    contentType,
    query = {},
  }: { body?: unknown; contentType?: string; query?: Record<string, string> } = {},
): Promise<T> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const context = new RequestContext(url.toString(), HttpMethod[method]);
  context.setHeaderParam('Accept', 'application/json');
  await kc.applySecurityAuthentication(context);
  const headers: Record<string, string> = { ...context.getHeaders() };
  if (body !== undefined) headers['Content-Type'] = contentType ?? 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: context.getDispatcher(),
  });
  const text = await response.text();
  if (!response.ok) throw new ApiException(response.status, `${method} ${path} failed`, text, {});
  return JSON.parse(text) as T;
}

/** Server-side apply, as the operator does it (field manager plex-mcp-operator, force). */
export async function serverSideApply(
  kc: KubeConfig,
  object: KubernetesObject,
  { dryRun = false }: { dryRun?: boolean } = {},
): Promise<KubernetesObject> {
  return kubeRequest<KubernetesObject>(kc, 'PATCH', objectPath(object), {
    body: object,
    contentType: 'application/apply-patch+yaml',
    query: { fieldManager: FIELD_MANAGER, force: 'true', ...(dryRun ? { dryRun: 'All' } : {}) },
  });
}

export async function readObject<T extends KubernetesObject>(
  kc: KubeConfig,
  object: KubernetesObject,
): Promise<T> {
  return kubeRequest<T>(kc, 'GET', objectPath(object));
}

/** Installs (or updates) the generated CRD, waits until the API server serves it, returns it as stored (JSON). */
export async function installCrd(kc: KubeConfig): Promise<V1CustomResourceDefinition> {
  const crd = buildPlexMcpServerCrd() as unknown as KubernetesObject;
  await serverSideApply(kc, crd);
  return waitFor(
    async () => {
      const stored = await readObject<V1CustomResourceDefinition>(kc, crd);
      const established = stored.status?.conditions?.some(
        (c) => c.type === 'Established' && c.status === 'True',
      );
      return established ? stored : undefined;
    },
    { description: `CRD ${CRD_NAME} Established`, timeoutMs: 30_000 },
  );
}

/** Status code and the API server's message of a refused request. */
export async function refusal(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiException) {
      const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
      let message = body;
      try {
        message = (JSON.parse(body) as { message?: string }).message ?? body;
      } catch {}
      return { code: error.code, message };
    }
    throw error;
  }
  throw new Error('expected the API server to refuse the request, but it accepted it');
}

export function errorText(error: unknown): string {
  if (error instanceof ApiException) {
    return `${error.code} ${typeof error.body === 'string' ? error.body : JSON.stringify(error.body)}`;
  }
  return String(error);
}
