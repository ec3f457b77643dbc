// The Secrets the operator generates for a resource (the bearer token `<name>-auth`, the managed Redis password
// `<name>-redis`), in one component: create once, repair an emptied key, rotate the auth token on request, delete
// the Redis password when the spec no longer has a managed Redis.
//
// Their values are random, so they are never re-rendered: they are CREATED (POST; 409 means another reconcile or
// replica created it first, so we read theirs) and only written again to repair or rotate. Which rotation request
// the token answers is recorded ON the Secret (AUTH_TOKEN_ROTATION_ANNOTATION, in the same patch as the token), so
// nothing is kept in memory: a new leader, or a reconcile whose cache still shows the Secret from before our own
// write, reads the answer from the API server instead of rotating a second time.
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import type { DesiredState, GeneratedSecretSpec } from '../../cdk8s/plex-mcp-server/index.ts';
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
  /** Only in the bearer auth modes (auth.mode OAuth has no static token, and no `<name>-auth`). */
  authToken?: string;
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
      values = { ...values, redisPassword: decode(redis.secret as V1Secret, redisSpec.key) ?? '' };
    }
    // E.g. the Redis password after leaving Managed, the bearer token with auth.mode OAuth.
    for (const name of desired.unwantedGeneratedSecrets) {
      if (await this.deleteOwned(namespace, name, uid))
        note({ reason: 'Deleted', message: `Deleted Secret ${name} (no longer needed by the spec).` });
    }
    return values;
  }

  /** Creates, repairs and rotates the bearer token Secret. */
  private async reconcileAuthSecret(
    resource: PlexMcpServer,
    authSpec: GeneratedSecretSpec,
    legacyRotation: string | undefined,
    note: (note: GeneratedSecretsNote) => void,
  ): Promise<GeneratedSecretValues> {
    const { namespace, uid } = resource.metadata;
    const requested = resource.metadata.annotations?.[ROTATE_AUTH_TOKEN_ANNOTATION];
    const ensured = await this.ensure(namespace, authSpec, uid, requested);
    if (ensured.created)
      note({
        reason: 'AuthSecretCreated',
        message: `Created Secret ${authSpec.name} with a new auth token.`,
      });
    let auth = ensured.secret;
    if (requested !== undefined && requested !== (rotationOf(auth) ?? legacyRotation)) {
      const rotation = await this.rotate(namespace, authSpec, uid, requested);
      auth = rotation.secret;
      if (rotation.rotated)
        note({
          reason: 'AuthTokenRotated',
          message: `Rotated the auth token in Secret ${authSpec.name}; the server pods roll to pick it up.`,
        });
    }
    const authTokenRotation = rotationOf(auth) ?? legacyRotation;
    return {
      authToken: decode(auth as V1Secret, authSpec.key) ?? '',
      ...(authTokenRotation !== undefined ? { authTokenRotation } : {}),
    };
  }

  /**
   * The Secret `spec` names, created (with a fresh value) when it does not exist, or given a fresh value under its
   * key when that key was emptied by hand.
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
    if (decode(secret as V1Secret, spec.key)) return { secret, created: false };
    // The Secret exists without our key (emptied by hand): put a fresh value in, keeping whatever else it holds.
    const repaired = await this.client.request<KubernetesObject>(
      'PATCH',
      resourcePath(KINDS.Secret, namespace, spec.name),
      {
        query: { fieldManager: this.fieldManager },
        body: { data: spec.freshData() },
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
          data: spec.freshData(),
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
