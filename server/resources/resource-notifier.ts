/**
 * Where "this resource changed" goes: every sink (the HTTP handler's event bus, each stdio connection) hears it,
 * at most once per URI per `intervalMs` plus one trailing notice when more changes came meanwhile, so a burst
 * (a scan, a session's position ticking) costs a couple of notifications, and the last one always follows the
 * last change. A notification only says "read it again"; extra ones are harmless, missing ones are not.
 */
export type ResourceSink = (uri: string) => void;

export interface ResourceNotifier {
  changed(uris: Iterable<string>): void;
  addSink(sink: ResourceSink): () => void;
  close(): void;
}

export function throttledPerUri(deliver: (uri: string) => void, intervalMs: number) {
  const state = new Map<string, { timer: NodeJS.Timeout; pending: boolean }>();
  const fire = (uri: string) => {
    deliver(uri);
    const timer = setTimeout(() => {
      const entry = state.get(uri);
      state.delete(uri);
      if (entry?.pending) fire(uri);
    }, intervalMs);
    timer.unref();
    state.set(uri, { timer, pending: false });
  };
  return {
    push(uri: string) {
      const entry = state.get(uri);
      if (entry) entry.pending = true;
      else fire(uri);
    },
    close() {
      for (const entry of state.values()) clearTimeout(entry.timer);
      state.clear();
    },
  };
}

export function createResourceNotifier(options: { intervalMs?: number } = {}): ResourceNotifier {
  const sinks = new Set<ResourceSink>();
  const throttle = throttledPerUri((uri) => {
    for (const sink of sinks) sink(uri);
  }, options.intervalMs ?? 100);
  return {
    changed(uris) {
      for (const uri of new Set(uris)) throttle.push(uri);
    },
    addSink(sink) {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
    close: () => throttle.close(),
  };
}
