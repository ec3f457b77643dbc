/**
 * The chart's PrometheusRule and Grafana dashboard (charts/plex-mcp-operator, monitoring.*) read only metrics that
 * exist: every metric name their expressions use is looked up in a real scrape of the MCP server's /metrics (a
 * server with the Plex simulator) and of the operator's metrics endpoint. A name that is in neither fails the test,
 * listed with the alert or panel it came from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsServer } from '../../../operator/runtime/health-server.ts';
import { OperatorMetrics } from '../../../operator/runtime/metrics.ts';
import { type RunningHttpServer, startHttpServer } from '../../../server/app.ts';
import type { PlexSimulator } from '../../plex-sim/simulator.ts';
import { exposedNames, metricNames } from '../../support/promql-metric-names.ts';
import { type K8sObject, renderChart } from '../../unit/chart/helm.ts';
import { startSimulatorAndConfig } from './support/mcp-harness.ts';

interface Query {
  source: string;
  expr: string;
}

function ruleQueries(rule: K8sObject): Query[] {
  const groups = (rule.spec as { groups: { name: string; rules: { alert: string; expr: string }[] }[] })
    .groups;
  return groups.flatMap((g) =>
    g.rules.map((r) => ({ source: `PrometheusRule alert ${r.alert}`, expr: r.expr })),
  );
}

function dashboardQueries(configMap: K8sObject): Query[] {
  const json = JSON.parse(Object.values(configMap.data as Record<string, string>)[0] as string) as {
    panels: { title: string; targets?: { expr: string }[] }[];
    templating: { list: { name: string; query?: { query?: string } | string }[] };
  };
  const panels = json.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ source: `panel "${p.title}"`, expr: t.expr })),
  );
  const variables = json.templating.list
    .map((v) => ({
      source: `variable $${v.name}`,
      expr: typeof v.query === 'string' ? v.query : (v.query?.query ?? ''),
    }))
    .filter((v) => v.expr.includes('('));
  return [...panels, ...variables];
}

describe('chart monitoring: alert rules and dashboard over real metrics', () => {
  let sim: PlexSimulator;
  let server: RunningHttpServer;
  let operatorEndpoint: Awaited<ReturnType<typeof startMetricsServer>>;
  let serverNames: Set<string>;
  let operatorNames: Set<string>;
  let queries: Query[];

  beforeAll(async () => {
    const started = await startSimulatorAndConfig();
    sim = started.sim;
    server = await startHttpServer(started.config);
    // The operator's metrics exactly as main.ts builds them (process metrics on), on its real endpoint.
    const metrics = new OperatorMetrics({ processMetrics: true });
    operatorEndpoint = await startMetricsServer(metrics.registry, 0, '127.0.0.1');
    const scrape = async (url: string) => {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      return exposedNames(await response.text());
    };
    serverNames = await scrape(new URL('/metrics', server.url).toString());
    operatorNames = await scrape(`http://127.0.0.1:${operatorEndpoint.port}/metrics`);

    const objects = renderChart({
      set: ['monitoring.prometheusRule.enabled=true', 'monitoring.grafanaDashboard.enabled=true'],
    });
    const rule = objects.find((o) => o.kind === 'PrometheusRule');
    const dashboard = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-dashboard'));
    if (!rule || !dashboard)
      throw new Error('helm template rendered no PrometheusRule or dashboard ConfigMap');
    expect(dashboard.metadata.labels?.grafana_dashboard).toBe('1');
    queries = [...ruleQueries(rule), ...dashboardQueries(dashboard)];
  }, 120_000);

  afterAll(async () => {
    await operatorEndpoint?.close();
    await server?.close({ graceMs: 500 });
    await sim?.close();
  });

  it('renders the alerts the chart promises', () => {
    const alerts = queries
      .filter((q) => q.source.startsWith('PrometheusRule'))
      .map((q) => q.source.split(' ').at(-1));
    expect(alerts).toEqual([
      'PlexMcpPlexUnreachable',
      'PlexMcpPlexTokenRejected',
      'PlexMcpCircuitOpen',
      'PlexMcpRedisDown',
      'PlexMcpOperatorReconcileErrors',
      'PlexMcpOperatorNoLeader',
    ]);
  });

  it('uses only metric names a real scrape of the server or the operator offers', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const { source, expr } of queries) {
      const names = metricNames(expr);
      expect(names.length, `${source}: no metric found in ${expr}`).toBeGreaterThan(0);
      for (const name of names) {
        checked++;
        if (!serverNames.has(name) && !operatorNames.has(name)) missing.push(`${name} (${source})`);
      }
    }
    expect(missing, 'metrics used by the chart but absent from both scrapes').toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it("selects the operator's generic metric names by the release's job", () => {
    for (const { source, expr } of queries) {
      const readsOperator = metricNames(expr).some((n) => operatorNames.has(n) && !serverNames.has(n));
      if (readsOperator) expect(expr, source).toMatch(/job="plex-mcp-operator-metrics"/);
    }
  });

  it('reads metric names out of PromQL (the extractor the checks above rely on)', () => {
    expect(
      metricNames(
        'sum by (namespace, service) (rate(a_total{status=~"5.."}[5m])) > 0 unless on (pod) b_gauge == 1 or absent(c{job="x"})',
      ).sort(),
    ).toEqual(['a_total', 'b_gauge', 'c']);
    expect(metricNames('label_values(plexmcp_tool_calls_total{namespace=~"$namespace"}, service)')).toEqual([
      'plexmcp_tool_calls_total',
    ]);
    expect(metricNames('histogram_quantile(0.95, sum by (le) (rate(x_bucket[$__rate_interval])))')).toEqual([
      'x_bucket',
    ]);
  });
});
