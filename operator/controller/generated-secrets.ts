// The Secrets the operator generates for a resource (`<name>-auth`: the bearer token and the confirm-token key; the
// managed Redis password `<name>-redis`), in one component: create once, repair an emptied key, add a key a newer
// spec needs, remove one it no longer uses, rotate the auth token on request, delete a Secret the spec no longer has.
//
// Their values are random, so they are never re-rendered: they are CREATED (POST; 409 means another reconcile or
// replica created it first, so we read theirs) and only written again to repair or rotate. Which rotation request
// the token answers is recorded ON the Secret (AUTH_TOKEN_ROTATION_ANNOTATION, in the same patch as the token), so
// nothing is kept in memory: a new leader, or a reconcile whose cache still shows the Secret from before our own
// write, reads the answer from the API server instead of rotating a second time.
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import type {
  DesiredState,
  GeneratedSecretSpec,
  GeneratedValueName,
} from '../../cdk8s/plex-mcp-server/index.ts';
import {
  AUTH_TOKEN_ROTATION_ANNOTATION,
  type PlexMcpServer,
  ROTATE_AUTH_TOKEN_ANNOTATION,
} from '../api/v1alpha1/index.ts';
import type { ObjectStore } from '../runtime/informer.ts';
import { isConflict, isNotFound, type KubeClient } from '../runtime/kube-client.ts';
import { KINDS, resourcePath } from '../runtime/resource-paths.ts';
import { controlledBy } from './child-ownership.ts';

export interface GeneratedSecretValues {
  /** Only in the bearer auth modes (auth.mode OAuth has no static token). */
  authToken?: string;
  /** With tools.writeAccess Library (the default) only. */
  confirmKey?: string;
  /** With auth.mode SignInWithPlex only. */
  signInKey?: string;
  /** With Managed Redis only. */
  redisPassword?: string;
  /** The rotation request the auth token answers, as recorded on its Secret. */
  authTokenRotation?: string;
}

/** What the component did, for the reconciler's Events. */
export interface GeneratedSecretsNote {
  reason: 'AuthSecretCreated' | 'RedisSecretCreated' | 'AuthTokenRotated' | 'Deleted';
  message: string;
}

function decode(secret: Pick<V1Secret, 'data'> | undefined, key: string): string | undefined {
  const encoded = secret?.data?.[key];
  return encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
}

export function secretValue(secret: KubernetesObject | undefined, key: string): string | undefined {
  return decode(secret as V1Secret | undefined, key);
}

function rotationOf(secret: KubernetesObject | undefined): string | undefined {
  return secret?.metadata?.annotations?.[AUTH_TOKEN_ROTATION_ANNOTATION];
}

/** The values `spec` says `secret` holds, by meaning (an emptied one reads as ''). */
function valuesOf(secret: KubernetesObject, spec: GeneratedSecretSpec): GeneratedSecretValues {
  const values: GeneratedSecretValues = {};
  for (const [name, key] of Object.entries(spec.keys) as [GeneratedValueName, string][])
    values[name] = decode(secret as V1Secret, key) ?? '';
  return values;
}

function describeValues(spec: GeneratedSecretSpec): string {
  const what = [
    ...(spec.keys.authToken ? ['a new auth token'] : []),
    ...(spec.keys.confirmKey ? ['a new confirm-token key'] : []),
    ...(spec.keys.signInKey ? ['a new sign-in key'] : []),
  ];
  return what.join(' and ') || 'new values';
}

export class GeneratedSecrets {
  private readonly client: KubeClient;
  private readonly fieldManager: string;
  private readonly secrets: ObjectStore<KubernetesObject>;

  constructor(client: KubeClient, fieldManager: string, secrets: ObjectStore<KubernetesObject>) {
    this.client = client;
    this.fieldManager = fieldManager;
    this.secrets = secrets;
  }

  /**
   * Brings the generated Secrets of `resource` to what its spec and rotation annotation ask for and returns their
   * values. `legacyRotation` is status.authTokenRotation: an auth Secret written before the rotation was recorded
   * on it counts as answering that request. The caller has checked that no foreign object holds these names.
   */
  async reconcile(
    resource: PlexMcpServer,
    desired: Pick<DesiredState, 'generatedSecrets' | 'unwantedGeneratedSecrets'>,
    legacyRotation: string | undefined,
    note: (note: GeneratedSecretsNote) => void,
  ): Promise<GeneratedSecretValues> {
    const { namespace, uid } = resource.metadata;
    const { auth: authSpec, redis: redisSpec } = desired.generatedSecrets;
    let values: GeneratedSecretValues = {};
    if (authSpec) values = await this.reconcileAuthSecret(resource, authSpec, legacyRotation, note);
    if (redisSpec) {
      const redis = await this.ensure(namespace, redisSpec, uid);
      if (redis.created)
        note({
          reason: 'RedisSecretCreated',
          message: `Created Secret ${redisSpec.name} with a new Redis password.`,
        });
      values = { ...values, ...valuesOf(redis.secret, redisSpec) };
    }
    // E.g. the Redis password after leaving Managed, the bearer token with auth.mode OAuth.
    for (const name of desired.unwantedGeneratedSecrets) {
      if (await this.deleteOwned(namespace, name, uid))
        note({ reason: 'Deleted', message: `Deleted Secret ${name} (no longer needed by the spec).` });
    }
    return values;
  }

  /** Creates, repairs and rotates `<name>-auth` (the bearer token and/or the confirm-token key). */
  private async reconcileAuthSecret(
    resource: PlexMcpServer,
    authSpec: GeneratedSecretSpec,
    legacyRotation: string | undefined,
    note: (note: GeneratedSecretsNote) => void,
  ): Promise<GeneratedSecretValues> {
    const { namespace, uid } = resource.metadata;
    // Only the bearer token rotates: with auth.mode OAuth the annotation has nothing to act on.
    const rotatedKey = authSpec.rotates !== undefined ? authSpec.keys[authSpec.rotates] : undefined;
    const requested = rotatedKey ? resource.metadata.annotations?.[ROTATE_AUTH_TOKEN_ANNOTATION] : undefined;
    const ensured = await this.ensure(namespace, authSpec, uid, requested);
    if (ensured.created)
      note({
        reason: 'AuthSecretCreated',
        message: `Created Secret ${authSpec.name} with ${describeValues(authSpec)}.`,
      });
    let auth = ensured.secret;
    if (rotatedKey && requested !== undefined && requested !== (rotationOf(auth) ?? legacyRotation)) {
      const rotation = await this.rotate(namespace, authSpec, rotatedKey, uid, requested);
      auth = rotation.secret;
      if (rotation.rotated)
        note({
          reason: 'AuthTokenRotated',
          message: `Rotated the auth token in Secret ${authSpec.name}; the server pods roll to pick it up.`,
        });
    }
    const authTokenRotation = rotatedKey ? (rotationOf(auth) ?? legacyRotation) : undefined;
    return {
      ...valuesOf(auth, authSpec),
      ...(authTokenRotation !== undefined ? { authTokenRotation } : {}),
    };
  }

  /**
   * The Secret `spec` names, created (with fresh values) when it does not exist; otherwise given a fresh value under
   * each key it lacks (emptied by hand, or one this spec adds, such as the confirm-token key for a Secret made by an
   * older operator) and stripped of the keys the spec retired, keeping whatever else it holds.
   */
  private async ensure(
    namespace: string,
    spec: GeneratedSecretSpec,
    uid: string | undefined,
    rotation?: string,
  ): Promise<{ secret: KubernetesObject; created: boolean }> {
    let secret = this.secrets.get(spec.name, namespace);
    if (!secret) {
      const desired = spec.create(rotation);
      try {
        await this.client.request('POST', resourcePath(KINDS.Secret, namespace), {
          query: { fieldManager: this.fieldManager },
          body: desired,
        });
        return { secret: desired as KubernetesObject, created: true };
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
      // Created meanwhile (our informer had not seen it yet): use the stored value, never overwrite it.
      secret = await this.readOwned(namespace, spec.name, uid);
    }
    const missing = Object.values(spec.keys).filter((key) => !decode(secret as V1Secret, key));
    const retired = spec.retiredKeys.filter((key) => (secret as V1Secret).data?.[key] !== undefined);
    if (missing.length === 0 && retired.length === 0) return { secret, created: false };
    // A merge patch: null removes a key, the other keys of the Secret stay as they are.
    const data: Record<string, string | null> = { ...spec.freshData(missing) };
    for (const key of retired) data[key] = null;
    const repaired = await this.client.request<KubernetesObject>(
      'PATCH',
      resourcePath(KINDS.Secret, namespace, spec.name),
      {
        query: { fieldManager: this.fieldManager },
        body: { data },
        contentType: 'application/merge-patch+json',
      },
    );
    return { secret: repaired, created: false };
  }

  /**
   * A new token answering `requested`. The cache may still show the Secret from before our own last rotation, so
   * the live Secret decides; the patch carries its resourceVersion, so a concurrent writer makes it fail (and the
   * reconcile retry) instead of rotating twice.
   */
  private async rotate(
    namespace: string,
    spec: GeneratedSecretSpec,
    key: string,
    uid: string | undefined,
    requested: string,
  ): Promise<{ secret: KubernetesObject; rotated: boolean }> {
    const live = await this.readOwned(namespace, spec.name, uid);
    if (rotationOf(live) === requested) return { secret: live, rotated: false };
    const rotated = await this.client.request<KubernetesObject>(
      'PATCH',
      resourcePath(KINDS.Secret, namespace, spec.name),
      {
        query: { fieldManager: this.fieldManager },
        body: {
          metadata: {
            resourceVersion: live.metadata?.resourceVersion,
            annotations: { [AUTH_TOKEN_ROTATION_ANNOTATION]: requested },
          },
          data: spec.freshData([key]),
        },
        contentType: 'application/merge-patch+json',
      },
    );
    return { secret: rotated, rotated: true };
  }

  /** The live Secret, which must be controlled by `uid` (a foreign one is never read for its value). */
  private async readOwned(
    namespace: string,
    name: string,
    uid: string | undefined,
  ): Promise<KubernetesObject> {
    const live = await this.client.request<KubernetesObject>(
      'GET',
      resourcePath(KINDS.Secret, namespace, name),
    );
    if (!controlledBy(live, uid)) {
      throw new Error(
        `Secret ${namespace}/${name} is not this resource's (created by someone else); leaving it alone`,
      );
    }
    return live;
  }

  /** Deletes the Secret when (and only when) the cache shows it controlled by `uid`; true when deleted. */
  private async deleteOwned(namespace: string, name: string, uid: string | undefined): Promise<boolean> {
    const cached = this.secrets.get(name, namespace);
    if (!controlledBy(cached, uid)) return false;
    try {
      await this.client.request('DELETE', resourcePath(KINDS.Secret, namespace, name), {
        body: { preconditions: { uid: cached?.metadata?.uid } },
      });
      return true;
    } catch (error) {
      if (isNotFound(error) || isConflict(error)) return false;
      throw error;
    }
  }
}
