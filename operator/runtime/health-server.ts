// The operator's HTTP endpoints: /healthz (the process runs) and /readyz (it can do its job: caches synced while
// leading, or waiting as a standby) for kubelet probes on the health port; /metrics for Prometheus on the metrics
// port. Plain node:http: three fixed routes need no framework.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthChecks {
  ready(): { ready: boolean; detail: Record<string, unknown> };
}

export interface ListeningServer {
  port: number;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<ListeningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

export function startHealthServer(
  checks: HealthChecks,
  port: number,
  host = '0.0.0.0',
): Promise<ListeningServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (path === '/readyz') {
      const { ready, detail } = checks.ready();
      res
        .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ready ? 'ok' : 'not ready', ...detail }));
      return;
    }
    res.writeHead(404).end();
  });
  return listen(server, port, host);
}

export function startMetricsServer(
  registry: Registry,
  port: number,
  host = '0.0.0.0',
): Promise<ListeningServer> {
  const server = createServer((req, res) => {
    if ((req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry
      .metrics()
      .then((body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body))
      .catch(() => res.writeHead(500).end());
  });
  return listen(server, port, host);
}
