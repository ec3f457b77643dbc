/**
 * The chart's PrometheusRule and Grafana dashboard (charts/plex-mcp-operator, monitoring.*) read only metrics that
 * exist: every metric name their expressions use is looked up in a real scrape of two real processes, the MCP
 * server (`node server/main.ts` against the Plex simulator, after a tool call) and the operator (`node
 * operator/main.ts` with leader election, reconciling a PlexMcpServer on the test control plane) on its
 * --metrics-port. A name that is in neither fails the test, listed with the alert or panel it came from.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { KubeClient } from '../../../operator/runtime/kube-client.ts';
import { kubeConfigForTests, testKubeconfigPath } from '../../cluster/test-kube.ts';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';
import { type K8sObject, renderChart } from '../../support/helm.ts';
import { exposedNames, metricNames } from '../../support/promql-metric-names.ts';
import { connectClient } from '../server/support/mcp-harness.ts';
import { MAIN_TS, type SpawnedServer, spawnServer } from '../server/support/spawn-server.ts';
import { installCrd } from './crd-support.ts';
import {
  applyPlexMcpServer,
  applyTokenSecret,
  deleteObject,
  ensureNamespace,
  freePort,
  spawnOperatorProcess,
  testClient,
  waitFor,
  waitForReady,
} from './operator-helpers.ts';

const ns = `metrics-${randomBytes(3).toString('hex')}`;

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

describe.skipIf(!inject('kubeconfig'))(
  'chart monitoring: alert rules and dashboard over real metrics',
  () => {
    let sim: PlexSimulator;
    let server: SpawnedServer;
    let operator: ChildProcess | undefined;
    let operatorExited: Promise<unknown> | undefined;
    let client: KubeClient;
    let serverNames: Set<string>;
    let operatorNames: Set<string>;
    let queries: Query[];

    beforeAll(async () => {
      const scrape = async (url: string) => {
        const response = await fetch(url);
        expect(response.status).toBe(200);
        return exposedNames(await response.text());
      };

      // The server process, used once through MCP so the tool and Plex metrics carry samples.
      const plexToken = randomBytes(12).toString('hex');
      const authToken = randomBytes(24).toString('hex');
      sim = await startPlexSimulator({ port: 0, token: plexToken });
      server = spawnServer(MAIN_TS, [], {
        PLEX_SERVER_URL: sim.url,
        PLEX_TOKEN: plexToken,
        AUTH_TOKEN: authToken,
        SERVER_PORT: '0',
        LOG_LEVEL: 'info', // listening() waits for the 'HTTP server listening' line
      });
      const serverUrl = `http://127.0.0.1:${await server.listening()}`;
      const mcp = await connectClient(`${serverUrl}/mcp`, authToken, 'modern');
      await mcp.callTool({ name: 'list_libraries', arguments: {} });
      await mcp.close();
      serverNames = await scrape(`${serverUrl}/metrics`);

      // The operator process as the chart runs it (leader election on), reconciling one resource.
      const kc = kubeConfigForTests();
      client = testClient(kc);
      await installCrd(kc);
      await ensureNamespace(client, ns);
      await applyTokenSecret(client, ns);
      await applyPlexMcpServer(client, ns, 'scraped', { redis: { mode: 'Disabled' } });
      const metricsPort = await freePort();
      const child = spawnOperatorProcess({
        kubeconfig: testKubeconfigPath(),
        namespace: ns,
        metricsPort,
        healthPort: await freePort(),
        podName: 'operator-metrics-0',
        logLevel: 'warn',
      });
      child.stderr.pipe(process.stderr);
      operator = child;
      operatorExited = new Promise((resolve) => child.once('exit', resolve));
      await waitForReady(client, ns, 'scraped');
      operatorNames = await waitFor(
        async () => {
          const names = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
          return names.has('reconcile_total') && names.has('leader_election_master_status')
            ? names
            : undefined;
        },
        { timeoutMs: 30_000, description: "the operator's metrics endpoint" },
      );

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
      operator?.kill('SIGTERM');
      await operatorExited;
      await server?.stop();
      await sim?.close();
      if (client) await deleteObject(client, { apiVersion: 'v1', plural: 'namespaces' }, '', ns);
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
        'PlexMcpEventStreamDown',
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
      expect(metricNames('label_values(plexmcp_tool_calls_total{namespace=~"$namespace"}, service)')).toEqual(
        ['plexmcp_tool_calls_total'],
      );
      expect(metricNames('histogram_quantile(0.95, sum by (le) (rate(x_bucket[$__rate_interval])))')).toEqual(
        ['x_bucket'],
      );
    });
  },
);
