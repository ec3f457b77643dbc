/**
 * Prometheus metrics of the Plex resilience layer, registered on the server's registry:
 *   plexmcp_plex_requests_total{endpoint,status}  HTTP attempts to Plex by endpoint and outcome (ok, 404, 503,
 *                                            timeout, network, bad_response)
 *   plexmcp_plex_request_duration_seconds{endpoint}  time per attempt
 *   plexmcp_plex_circuit_state              0 closed, 1 open, 2 half-open, 3 isolated
 *   plexmcp_plex_circuit_opened_total       times the circuit opened
 *   plexmcp_plex_retries_total{endpoint}    retry attempts (not counting first attempts)
 *   plexmcp_plex_short_circuited_total{endpoint}  requests refused without calling Plex because the circuit was open
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CircuitStateName, PlexResilienceEvents } from './plex-resilience.ts';

const STATE_VALUES: Record<CircuitStateName, number> = { closed: 0, open: 1, half_open: 2, isolated: 3 };

export interface ResilienceMetrics extends PlexResilienceEvents {
  /** Reads the live circuit state at scrape time. */
  observeCircuit(state: () => CircuitStateName): void;
}

export function createResilienceMetrics(registry: Registry): ResilienceMetrics {
  let stateSource: (() => CircuitStateName) | undefined;
  new Gauge({
    name: 'plexmcp_plex_circuit_state',
    help: 'Circuit breaker in front of Plex: 0 closed, 1 open (failing fast), 2 half-open (trial request), 3 isolated.',
    registers: [registry],
    collect() {
      this.set(STATE_VALUES[stateSource?.() ?? 'closed']);
    },
  });
  const opened = new Counter({
    name: 'plexmcp_plex_circuit_opened_total',
    help: 'Times the circuit breaker in front of Plex opened.',
    registers: [registry],
  });
  const requests = new Counter({
    name: 'plexmcp_plex_requests_total',
    help: 'HTTP request attempts to Plex, by endpoint and status (ok, an HTTP status, timeout, network, bad_response).',
    labelNames: ['endpoint', 'status'],
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'plexmcp_plex_request_duration_seconds',
    help: 'Time per HTTP request attempt to Plex, by endpoint.',
    labelNames: ['endpoint'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'plexmcp_plex_retries_total',
    help: 'Retried Plex request attempts, by endpoint.',
    labelNames: ['endpoint'],
    registers: [registry],
  });
  const shortCircuited = new Counter({
    name: 'plexmcp_plex_short_circuited_total',
    help: 'Plex requests refused without calling Plex because the circuit was open, by endpoint.',
    labelNames: ['endpoint'],
    registers: [registry],
  });
  return {
    attempted(endpoint, status, seconds) {
      requests.inc({ endpoint, status });
      requestDuration.observe({ endpoint }, seconds);
    },
    retried: (endpoint) => retries.inc({ endpoint }),
    shortCircuited: (endpoint) => shortCircuited.inc({ endpoint }),
    circuitChanged: (state) => {
      if (state === 'open') opened.inc();
    },
    observeCircuit(state) {
      stateSource = state;
    },
  };
}
