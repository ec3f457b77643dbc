// Kubernetes Events (events.k8s.io/v1) for what the operator did or found, shown by `kubectl describe`.
// Events are only emitted for real transitions and writes (the reconciler decides), and a short-lived memory of
// recent (object, reason, note) drops repeats, so a resource that keeps failing the same way does not flood the
// API server. Sending is best effort: a failed Event never fails a reconcile.
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { KubeClient } from './kube-client.ts';
import { microTime } from './leader-election.ts';
import { KINDS, resourcePath } from './resource-paths.ts';

export interface EventTarget {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid?: string;
}

export interface EventRecorderOptions {
  client: KubeClient;
  clock: Clock;
  logger: Logger;
  /** reportingInstance: this replica's identity. */
  instance: string;
  /** Identical events within this window are dropped. Default 10 minutes. */
  dedupeWindowMs?: number;
}

const REPORTING_CONTROLLER = 'plexmcp.dev/plex-mcp-operator';

function eventSuffix(nowMs: number): string {
  return `${(nowMs * 1_000_000).toString(16)}${randomBytes(3).toString('hex')}`;
}

/** Events in flight at once: fire-and-forget sends must not open a connection each during a burst. */
const MAX_IN_FLIGHT = 4;
/** Events waiting beyond this are dropped (oldest first): Events are informational, memory is not free. */
const MAX_PENDING = 1000;

export class EventRecorder {
  private readonly options: EventRecorderOptions;
  private readonly recent: LRUCache<string, true>;
  private readonly pending: Array<{ event: unknown; namespace: string; dedupeKey: string; reason: string }> =
    [];
  private inFlight = 0;

  constructor(options: EventRecorderOptions) {
    this.options = options;
    this.recent = new LRUCache({ max: 10_000, ttl: options.dedupeWindowMs ?? 600_000 });
  }

  /** Emits an Event unless the same one was emitted recently. Never throws. */
  record(
    target: EventTarget,
    type: 'Normal' | 'Warning',
    reason: string,
    note: string,
    action = 'Reconcile',
  ): void {
    const dedupeKey = `${target.namespace}/${target.name}/${target.uid ?? ''}|${type}|${reason}|${note}`;
    if (this.recent.has(dedupeKey)) return;
    this.recent.set(dedupeKey, true);
    const event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      // Named like client-go's events (<object>.<unique hex>): generateName would need a prefix ending in a letter.
      metadata: {
        name: `${target.name}.${eventSuffix(this.options.clock.now())}`,
        namespace: target.namespace,
      },
      eventTime: microTime(this.options.clock.now()),
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: this.options.instance.slice(0, 128),
      action,
      reason,
      // The API server caps notes at 1 kB.
      note: note.length > 1024 ? `${note.slice(0, 1021)}...` : note,
      type,
      regarding: {
        apiVersion: target.apiVersion,
        kind: target.kind,
        name: target.name,
        namespace: target.namespace,
        ...(target.uid ? { uid: target.uid } : {}),
      },
    };
    this.pending.push({ event, namespace: target.namespace, dedupeKey, reason });
    if (this.pending.length > MAX_PENDING) {
      const dropped = this.pending.shift();
      if (dropped) this.recent.delete(dropped.dedupeKey);
    }
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.pending.length > 0) {
      const next = this.pending.shift();
      if (!next) return;
      this.inFlight++;
      this.options.client
        .request('POST', resourcePath(KINDS.Event, next.namespace), { body: next.event })
        .catch((error) => {
          this.recent.delete(next.dedupeKey);
          this.options.logger.warn({ err: error, reason: next.reason }, 'Failed to record an event');
        })
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
