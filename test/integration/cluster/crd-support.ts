// Helpers for the CRD and manifest suites: server-side apply like the operator does, and readable API errors.
import {
  ApiException,
  ApiextensionsV1Api,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { buildPlexMcpServerCrd, CRD_NAME, FIELD_MANAGER } from '../../../operator/api/v1alpha1/index.ts';
import { waitFor } from '../../cluster/test-kube.ts';

export async function serverSideApply(
  kc: KubeConfig,
  object: KubernetesObject,
  { dryRun = false }: { dryRun?: boolean } = {},
): Promise<KubernetesObject> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  return client.patch(
    object,
    undefined,
    dryRun ? 'All' : undefined,
    FIELD_MANAGER,
    true,
    PatchStrategy.ServerSideApply,
  );
}

/** Installs (or updates) the generated CRD and waits until the API server serves it. */
export async function installCrd(kc: KubeConfig): Promise<V1CustomResourceDefinition> {
  await serverSideApply(kc, buildPlexMcpServerCrd() as unknown as KubernetesObject);
  const api = kc.makeApiClient(ApiextensionsV1Api);
  return waitFor(
    async () => {
      const crd = await api.readCustomResourceDefinition({ name: CRD_NAME });
      const established = crd.status?.conditions?.some(
        (c) => c.type === 'Established' && c.status === 'True',
      );
      return established ? crd : undefined;
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
