/**
 * Prometheus metrics of the Plex event stream, on the server's registry:
 *   plexmcp_plex_events_connected            1 while the event stream is connected, else 0
 *   plexmcp_plex_events_reconnects_total     connections lost (or recycled) and reopened
 *   plexmcp_plex_events_total{type}          messages received, by type (playing, timeline, activity, ping, invalid, ...)
 *   plexmcp_plex_events_lag_seconds          time from a message's arrival to its effects being applied (session
 *                                            table, cache entries dropped, resource notifications published)
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface LiveMetrics {
  connected(value: boolean): void;
  reconnected(): void;
  message(type: string): void;
  applied(seconds: number): void;
}

export function createLiveMetrics(registry: Registry): LiveMetrics {
  const connected = new Gauge({
    name: 'plexmcp_plex_events_connected',
    help: "1 while Plex's event stream is connected (sessions and cache follow events), 0 otherwise (TTLs only).",
    registers: [registry],
  });
  const reconnects = new Counter({
    name: 'plexmcp_plex_events_reconnects_total',
    help: "Times the connection to Plex's event stream ended (failure, idle timeout or recycle) and was reopened.",
    registers: [registry],
  });
  const messages = new Counter({
    name: 'plexmcp_plex_events_total',
    help: "Messages received on Plex's event stream, by type (invalid = did not parse and was ignored).",
    labelNames: ['type'],
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'plexmcp_plex_events_lag_seconds',
    help: 'Time from a Plex event arriving to its effects applied (sessions, cache, resource notifications).',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  connected.set(0);
  return {
    connected: (value) => connected.set(value ? 1 : 0),
    reconnected: () => reconnects.inc(),
    message: (type) => messages.inc({ type }),
    applied: (seconds) => lag.observe(seconds),
  };
}
