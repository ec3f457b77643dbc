import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { ToolCallObserver } from './tool-call-observer.ts';

/** The Prometheus registry served on /metrics, plus the tool-call observer that feeds it. */
export interface ServerMetrics {
  registry: Registry;
  observer: ToolCallObserver;
}

/**
 * One registry per server instance (not prom-client's global one) so in-process tests and benchmarks can run
 * several servers without "metric already registered" clashes. Other modules (cache, resilience) register their
 * own metrics on `registry`.
 */
export function createMetrics(options: { processMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const calls = new Counter({
    name: 'plexmcp_tool_calls_total',
    help: 'MCP tool calls by tool and outcome (success, or the error code)',
    labelNames: ['tool', 'outcome', 'code', 'source'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'plexmcp_tool_duration_seconds',
    help: 'Time to answer an MCP tool call',
    labelNames: ['tool', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  return {
    registry,
    observer: {
      toolCalled(tool, outcome, code, seconds, source) {
        calls.inc({ tool, outcome, code: code ?? '', source: source ?? '' });
        duration.observe({ tool, outcome }, seconds);
      },
    },
  };
}
