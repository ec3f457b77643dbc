// Server-side apply of the operator's children, skipping the request when the informer's copy of the live object
// already matches what we would apply. Without the skip, every reconcile of an unchanged resource would send one
// PATCH per child: harmless for the objects (a no-op apply does not bump resourceVersion) but a steady stream of
// writes against the API server, multiplied by every resource and every resync.
import { PatchStrategy } from './client-node.ts';
import type { KubeClient } from './kube-client.ts';
import { differenceOf, withAppliedHash } from './live-matches-desired.ts';
import { kindInfo, resourcePath } from './resource-paths.ts';

export interface ApplicableObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
}

export type ApplyOutcome = 'unchanged' | 'applied';

export class ServerSideApplier {
  private readonly client: KubeClient;
  private readonly fieldManager: string;

  private readonly onDifference: ((desired: ApplicableObject, path: string) => void) | undefined;

  /** `onDifference` hears why an apply was needed (the first differing path), for debug logs. */
  constructor(
    client: KubeClient,
    fieldManager: string,
    onDifference?: (desired: ApplicableObject, path: string) => void,
  ) {
    this.client = client;
    this.fieldManager = fieldManager;
    this.onDifference = onDifference;
  }

  /**
   * Applies `desired` unless `live` (the cached object, undefined when absent) already matches it.
   * `force` takes over fields another manager set (e.g. after a `kubectl edit`): the operator owns these children.
   */
  async apply(desired: ApplicableObject, live: unknown): Promise<ApplyOutcome> {
    const body = withAppliedHash(desired);
    const difference = live === undefined ? '(absent)' : differenceOf(live, body);
    if (difference === undefined) return 'unchanged';
    this.onDifference?.(desired, difference);
    const { kind = '', metadata = {} } = desired;
    if (!metadata.name || !metadata.namespace) throw new Error(`${kind} to apply has no name or namespace`);
    await this.client.request('PATCH', resourcePath(kindInfo(kind), metadata.namespace, metadata.name), {
      query: { fieldManager: this.fieldManager, force: true },
      body,
      // JSON is YAML, so the apply content type takes the JSON body as is.
      contentType: PatchStrategy.ServerSideApply,
    });
    return 'applied';
  }
}
