// Reverse index from a Secret to the PlexMcpServers that reference it (Plex token, external Redis password), so a
// Secret that appears, changes or vanishes re-enqueues exactly the resources that depend on it. This is what lets
// a resource waiting for its token Secret sit quietly (no polling, no requeue storm) until the Secret is created.

/** "namespace/name" */
export type ObjectKey = string;

export function objectKey(namespace: string, name: string): ObjectKey {
  return `${namespace}/${name}`;
}

export function splitKey(key: ObjectKey): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** Any object with metadata; the spec is read leniently because it may be invalid. */
interface RawPlexMcpServer {
  metadata?: { name?: string; namespace?: string };
  spec?: unknown;
}

interface SpecReferences {
  plex?: { tokenSecretRef?: { name?: unknown } };
  redis?: { external?: { passwordSecretRef?: { name?: unknown } } };
}

/**
 * Names of the Secrets a PlexMcpServer references, read leniently from the raw object: an otherwise invalid
 * resource still gets re-enqueued when its Secret changes (its status then reports the spec problem).
 */
export function referencedSecretNames(resource: RawPlexMcpServer): string[] {
  const spec = (typeof resource.spec === 'object' ? resource.spec : undefined) as
    | SpecReferences
    | null
    | undefined;
  const names = [spec?.plex?.tokenSecretRef?.name, spec?.redis?.external?.passwordSecretRef?.name].filter(
    (name): name is string => typeof name === 'string' && name.length > 0,
  );
  return [...new Set(names)];
}

export class SecretReferenceIndex {
  /** secret key → resource keys */
  private readonly bySecret = new Map<ObjectKey, Set<ObjectKey>>();
  /** resource key → secret keys it references (to undo the entries on update/delete) */
  private readonly byResource = new Map<ObjectKey, ObjectKey[]>();

  /** Records (or replaces) the references of one resource. */
  update(resource: RawPlexMcpServer): void {
    const { name, namespace } = resource.metadata ?? {};
    if (!name || !namespace) return;
    const resourceKey = objectKey(namespace, name);
    this.removeKey(resourceKey);
    // Secret references are namespace-local: a PlexMcpServer can only use Secrets of its own namespace.
    const secretKeys = referencedSecretNames(resource).map((secret) => objectKey(namespace, secret));
    this.byResource.set(resourceKey, secretKeys);
    for (const secretKey of secretKeys) {
      let resources = this.bySecret.get(secretKey);
      if (!resources) {
        resources = new Set();
        this.bySecret.set(secretKey, resources);
      }
      resources.add(resourceKey);
    }
  }

  remove(resource: RawPlexMcpServer): void {
    const { name, namespace } = resource.metadata ?? {};
    if (name && namespace) this.removeKey(objectKey(namespace, name));
  }

  /** Keys of the resources that reference the Secret `namespace/name`. */
  resourcesReferencing(namespace: string, name: string): ObjectKey[] {
    return [...(this.bySecret.get(objectKey(namespace, name)) ?? [])];
  }

  private removeKey(resourceKey: ObjectKey): void {
    for (const secretKey of this.byResource.get(resourceKey) ?? []) {
      const resources = this.bySecret.get(secretKey);
      resources?.delete(resourceKey);
      if (resources?.size === 0) this.bySecret.delete(secretKey);
    }
    this.byResource.delete(resourceKey);
  }
}
