// The Secrets the operator generates (the bearer token `<name>-auth`, the managed Redis password `<name>-redis`).
// Their value is random, so they must never be re-rendered: they are CREATED once (POST; 409 means another
// reconcile or replica created it first, so we read theirs) and only replaced when a rotation is requested.
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import { isConflict, type KubeClient } from '../runtime/kube-client.ts';
import { KINDS, resourcePath } from '../runtime/resource-paths.ts';
import { controlledBy } from './child-ownership.ts';

export interface GeneratedSecretResult {
  value: string;
  /** True when this call wrote the Secret (created it or filled a missing key). */
  written: boolean;
}

function decode(secret: Pick<V1Secret, 'data'> | undefined, key: string): string | undefined {
  const encoded = secret?.data?.[key];
  return encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
}

export function secretValue(secret: KubernetesObject | undefined, key: string): string | undefined {
  return decode(secret as V1Secret | undefined, key);
}

export class GeneratedSecrets {
  private readonly client: KubeClient;
  private readonly fieldManager: string;

  constructor(client: KubeClient, fieldManager: string) {
    this.client = client;
    this.fieldManager = fieldManager;
  }

  /**
   * Returns the value under `key` of the Secret `desired` names, creating the Secret from `desired` (rendered with
   * a fresh random value) when it does not exist. `cached` is the informer's copy, undefined when absent.
   */
  async ensure(
    desired: V1Secret,
    key: string,
    cached: KubernetesObject | undefined,
  ): Promise<GeneratedSecretResult> {
    const existing = decode(cached as V1Secret | undefined, key);
    if (existing) return { value: existing, written: false };
    const namespace = desired.metadata?.namespace ?? '';
    const name = desired.metadata?.name ?? '';
    const wanted = decode(desired, key) ?? '';
    if (!cached) {
      try {
        await this.client.request('POST', resourcePath(KINDS.Secret, namespace), {
          query: { fieldManager: this.fieldManager },
          body: desired,
        });
        return { value: wanted, written: true };
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
      // Created meanwhile (our informer had not seen it yet): use the stored value, never overwrite it. Unless it is
      // someone else's: then this reconcile fails, and the next one reports the ChildConflict.
      const live = await this.client.request<V1Secret>('GET', resourcePath(KINDS.Secret, namespace, name));
      const ownerUid = desired.metadata?.ownerReferences?.find((ref) => ref.controller)?.uid;
      if (!controlledBy(live as KubernetesObject, ownerUid)) {
        throw new Error(
          `Secret ${namespace}/${name} was created meanwhile by someone else; leaving it alone`,
        );
      }
      const stored = decode(live, key);
      if (stored) return { value: stored, written: false };
    }
    // The Secret exists without our key (emptied by hand): put a fresh value in, keeping whatever else it holds.
    await this.replaceValue(namespace, name, key, wanted);
    return { value: wanted, written: true };
  }

  /** Overwrites one key (token rotation, or repair of an emptied Secret). */
  async replaceValue(namespace: string, name: string, key: string, value: string): Promise<void> {
    await this.client.request('PATCH', resourcePath(KINDS.Secret, namespace, name), {
      query: { fieldManager: this.fieldManager },
      body: { data: { [key]: Buffer.from(value, 'utf8').toString('base64') } },
      contentType: 'application/merge-patch+json',
    });
  }
}
