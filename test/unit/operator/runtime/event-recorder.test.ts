import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { EventRecorder } from '../../../../operator/runtime/event-recorder.ts';
import {
  KubeClient,
  type KubeRequestOptions,
  type KubeVerb,
} from '../../../../operator/runtime/kube-client.ts';
import { FakeClock } from '../fake-clock.ts';

/** Holds every request open until release(), to observe how many are in flight. */
class GatedClient extends KubeClient {
  readonly bodies: unknown[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly gates: Array<() => void> = [];
  constructor() {
    super(new KubeConfig());
  }
  override async request<T>(_verb: KubeVerb, _path: string, options: KubeRequestOptions = {}): Promise<T> {
    this.bodies.push(options.body);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise<void>((resolve) => this.gates.push(resolve));
    this.inFlight--;
    return {} as T;
  }
  async releaseAll(): Promise<void> {
    while (this.gates.length > 0) {
      for (const gate of this.gates.splice(0)) gate();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

const target = {
  apiVersion: 'plexmcp.dev/v1alpha1',
  kind: 'PlexMcpServer',
  name: 'pms',
  namespace: 'media',
  uid: 'u1',
};

describe('EventRecorder', () => {
  it('drops an identical event within the window and sends it again after', async () => {
    const client = new GatedClient();
    const clock = new FakeClock();
    const events = new EventRecorder({ client, clock, logger: pino({ level: 'silent' }), instance: 'op-1' });
    events.record(target, 'Warning', 'TokenSecretNotFound', 'Secret "t" was not found');
    events.record(target, 'Warning', 'TokenSecretNotFound', 'Secret "t" was not found');
    events.record(target, 'Normal', 'Ready', 'MCP server is available');
    await client.releaseAll();
    expect(client.bodies).toHaveLength(2);
    expect(client.bodies[0]).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      type: 'Warning',
      reason: 'TokenSecretNotFound',
      note: 'Secret "t" was not found',
      reportingController: 'plexmcp.dev/plex-mcp-operator',
      reportingInstance: 'op-1',
      regarding: { kind: 'PlexMcpServer', name: 'pms', namespace: 'media', uid: 'u1' },
    });
    expect((client.bodies[0] as { metadata: { name: string } }).metadata.name).toMatch(/^pms\.[0-9a-f]+$/);
  });

  it('keeps at most 4 events in flight during a burst and sends them all', async () => {
    const client = new GatedClient();
    const events = new EventRecorder({
      client,
      clock: new FakeClock(),
      logger: pino({ level: 'silent' }),
      instance: 'op-1',
    });
    for (let i = 0; i < 20; i++)
      events.record({ ...target, name: `pms-${i}` }, 'Normal', 'Applied', 'created');
    expect(client.inFlight).toBe(4);
    await client.releaseAll();
    expect(client.maxInFlight).toBe(4);
    expect(client.bodies).toHaveLength(20);
  });
});
