/**
 * ServerVerifier, the verification component the controller calls on each reconcile, against a real server and the
 * Plex simulator, with in-memory caches standing in for the informers: pending until verified, then Verified and
 * PlexReachable with the server block; a verdict change asks for a reconcile; a Service without endpoints is never
 * reported as verified.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../operator/runtime/clock.ts';
import type { ObjectStore } from '../../../operator/runtime/informer.ts';
import { ServerVerifier, type VerifiedServer } from '../../../operator/verification/server-verifier.ts';
import { type RunningHttpServer, startHttpServer } from '../../../server/http-server.ts';
import type { PlexSimulator } from '../../plex-sim/simulator.ts';
import { startSimulatorAndConfig } from './support/mcp-harness.ts';

class MemoryStore implements ObjectStore<KubernetesObject> {
  readonly objects: KubernetesObject[] = [];
  get(name: string, namespace: string) {
    return this.objects.find((o) => o.metadata?.name === name && o.metadata?.namespace === namespace);
  }
  list(namespace?: string) {
    return this.objects.filter((o) => namespace === undefined || o.metadata?.namespace === namespace);
  }
}

const waitUntil = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('ServerVerifier', () => {
  let sim: PlexSimulator;
  let server: RunningHttpServer;
  let port: number;
  let closedPort: number;
  const slices = new MemoryStore();
  const secrets = new MemoryStore();
  const enqueued: string[] = [];
  /** HTTP requests the verifier sent (its onRequest). */
  let requests = 0;
  let verifier: ServerVerifier;

  const den: VerifiedServer = {
    namespace: 'media',
    name: 'den',
    serviceName: 'den',
    portName: 'http',
    authSecret: { name: 'den-auth', key: 'AUTH_TOKEN' },
    context: {
      plexUrl: 'http://plex:32400',
      tokenSecret: { name: 'plex-token', key: 'token' },
      authSecretName: 'den-auth',
    },
  };

  beforeAll(async () => {
    const started = await startSimulatorAndConfig();
    sim = started.sim;
    server = await startHttpServer(started.config);
    port = Number(new URL(server.url).port);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    secrets.objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'den-auth', namespace: 'media' },
      data: { AUTH_TOKEN: Buffer.from(started.authToken).toString('base64') },
    } as KubernetesObject);
    requests = 0;
    verifier = new ServerVerifier({
      clock: systemClock,
      endpointSlices: slices,
      secrets,
      enqueue: (key) => enqueued.push(key),
      clientVersion: 'test',
      timeoutMs: 3_000,
      onRequest: () => {
        requests++;
      },
      // The slices name pod IPs no process answers on here: map them to loopback, as the cluster tests do
      // (.7 is the real server, .8 a port nothing listens on).
      endpointOverride: (_key, endpoint) =>
        ({
          'http://10.244.0.7:8080': `http://127.0.0.1:${port}`,
          'http://10.244.0.8:8080': `http://127.0.0.1:${closedPort}`,
        })[endpoint.baseUrl],
    });
  });
  afterAll(async () => {
    verifier?.stop();
    await server?.close({ graceMs: 500 });
    await sim?.close();
  });

  it('says plainly that a Service without endpoints cannot be verified', () => {
    const status = verifier.observe(den, 'gen-1');
    expect(status.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Verified', 'Unknown', 'NotVerified'],
      ['PlexReachable', 'Unknown', 'NotVerified'],
    ]);
    expect(status.conditions[0]?.message).toContain('Service den has no endpoints yet');
    expect(status.server).toBeUndefined();
  });

  it('verifies the endpoint of the Service, asks for a reconcile, then reports Verified with the server block', async () => {
    slices.objects.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'den-abcde', namespace: 'media', labels: { 'kubernetes.io/service-name': 'den' } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080 }],
      endpoints: [{ addresses: ['10.244.0.7'], conditions: { ready: true } }],
    } as KubernetesObject);
    const pending = verifier.observe(den, 'gen-1');
    expect(pending.conditions[0]).toMatchObject({
      status: 'Unknown',
      message: 'Verification of the server is pending.',
    });
    await waitUntil(() => enqueued.includes('media/den'), 'a reconcile request');
    const verified = verifier.observe(den, 'gen-1');
    expect(verified.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Verified', 'True', 'Verified'],
      ['PlexReachable', 'True', 'PlexReachable'],
    ]);
    expect(verified.server).toMatchObject({
      name: 'plex-mcp',
      authMode: 'bearer',
      toolCount: expect.any(Number),
    });
    // One verification: the MCP handshake (discover or initialize, tools/list) and /health/ready, each counted.
    expect(requests).toBeGreaterThanOrEqual(3);
    const requestsOfOne = requests;
    // Observing again with nothing changed verifies nothing new and asks for nothing.
    const before = enqueued.length;
    verifier.observe(den, 'gen-1');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(enqueued.length).toBe(before);
    expect(requests).toBe(requestsOfOne);
  });

  it('reports a failed handshake when the endpoint answers nothing', async () => {
    const slice = slices.objects[0] as unknown as { endpoints: { addresses: string[] }[] };
    slice.endpoints[0] = { addresses: ['10.244.0.8'] }; // another pod, on which nothing listens
    const before = enqueued.length;
    verifier.observe({ ...den }, 'gen-1');
    await waitUntil(() => enqueued.length > before, 'a reconcile after the verdict changed');
    const status = verifier.observe(den, 'gen-1');
    expect(status.conditions[0]).toMatchObject({
      type: 'Verified',
      status: 'False',
      reason: 'HandshakeFailed',
    });
    expect(status.server).toBeUndefined();
  });
});
