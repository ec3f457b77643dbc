// Whether the objects a PlexMcpServer's children are named after are ours to write. A server-side apply with force
// would otherwise rewrite (and, through the owner reference it adds, later garbage-collect) an unrelated object that
// merely has the same name, e.g. a user's own Service `x` next to a PlexMcpServer `x`.
//
// The informer caches select on the managed-by label, so an unlabelled object looks absent there: when the cache
// has nothing, the live object is read (GET) before anything is written. A child counts as ours only when its
// controller owner reference carries this resource's uid.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ChildKind } from '../../cdk8s/plex-mcp-server/index.ts';
import type { ObjectStore } from '../runtime/informer.ts';
import { isNotFound, type KubeClient } from '../runtime/kube-client.ts';
import { KINDS, resourcePath } from '../runtime/resource-paths.ts';

export interface ChildName {
  kind: ChildKind;
  name: string;
}

export interface ChildConflict extends ChildName {
  /** Who controls the object instead, e.g. `PlexMcpServer other`; undefined when nothing does. */
  controller?: string;
}

/** Is `object` controlled by the resource with this uid? */
export function controlledBy(object: KubernetesObject | undefined, uid: string | undefined): boolean {
  if (!object || !uid) return false;
  return object.metadata?.ownerReferences?.some((ref) => ref.controller === true && ref.uid === uid) ?? false;
}

export class ChildOwnership {
  private readonly client: KubeClient;
  private readonly caches: Record<ChildKind, ObjectStore<KubernetesObject>>;

  constructor(client: KubeClient, caches: Record<ChildKind, ObjectStore<KubernetesObject>>) {
    this.client = client;
    this.caches = caches;
  }

  /**
   * The first of `children` that exists and is not controlled by `uid`; undefined when all are free or ours. The
   * children the cache does not show are read all at once: a new resource has none in the cache, and reading them
   * one after another made its first reconcile wait for one round trip per child.
   */
  async firstConflict(
    namespace: string,
    uid: string | undefined,
    children: readonly ChildName[],
  ): Promise<ChildConflict | undefined> {
    // Settled, then taken in order: a failed read only matters when no earlier child is in conflict (as before).
    const lives = await Promise.allSettled(
      children.map(
        async (child) =>
          this.caches[child.kind].get(child.name, namespace) ?? this.readLive(namespace, child),
      ),
    );
    for (const [index, child] of children.entries()) {
      const read = lives[index] as PromiseSettledResult<KubernetesObject | undefined>;
      if (read.status === 'rejected') throw read.reason;
      const live = read.value;
      if (!live || controlledBy(live, uid)) continue;
      const controller = live.metadata?.ownerReferences?.find((ref) => ref.controller === true);
      return { ...child, ...(controller ? { controller: `${controller.kind} ${controller.name}` } : {}) };
    }
    return undefined;
  }

  private async readLive(namespace: string, child: ChildName): Promise<KubernetesObject | undefined> {
    try {
      return await this.client.request<KubernetesObject>(
        'GET',
        resourcePath(KINDS[child.kind], namespace, child.name),
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}

/** The condition message for a conflict: which object, why it is left alone, and what a person can do. */
export function conflictMessage(conflict: ChildConflict, namespace: string, resourceName: string): string {
  const whose = conflict.controller
    ? `it is controlled by ${conflict.controller}`
    : 'it was not created by the operator for this PlexMcpServer';
  return (
    `${conflict.kind} "${conflict.name}" already exists in namespace "${namespace}" and ${whose}, so the operator ` +
    `leaves it untouched and creates nothing for PlexMcpServer "${resourceName}". Either give this PlexMcpServer ` +
    `another name (its children are named ${resourceName}, ${resourceName}-config, ${resourceName}-auth, ` +
    `${resourceName}-server and ${resourceName}-redis), or remove or rename that ${conflict.kind} if it is not needed; the operator checks ` +
    'again by itself.'
  );
}
