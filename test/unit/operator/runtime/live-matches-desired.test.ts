import { describe, expect, it } from 'vitest';
import {
  APPLIED_HASH_ANNOTATION,
  liveMatchesDesired,
  parseQuantity,
  withAppliedHash,
} from '../../../../operator/runtime/live-matches-desired.ts';

const desiredDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'pms', namespace: 'media', labels: { app: 'plex-mcp' } },
  spec: {
    selector: { matchLabels: { app: 'plex-mcp' } },
    template: {
      metadata: { labels: { app: 'plex-mcp' }, annotations: { 'plexmcp.dev/config-checksum': 'abc' } },
      spec: {
        containers: [
          {
            name: 'server',
            image: 'plex-mcp:1',
            env: [{ name: 'A', value: '1' }],
            resources: { requests: { cpu: '1000m', memory: '0.5Gi' }, limits: { memory: '128Mi' } },
          },
        ],
        volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        tolerations: [],
      },
    },
  },
};

/** What the API server gives back: defaults filled in, quantities canonical, our hash annotation kept. */
function liveFrom(desired: typeof desiredDeployment) {
  const applied = withAppliedHash(desired);
  // biome-ignore lint/suspicious/noExplicitAny: a test fixture edited freely below
  const live = structuredClone(applied) as Record<string, any>;
  live.metadata.resourceVersion = '42';
  live.metadata.uid = 'u-1';
  live.metadata.managedFields = [{ manager: 'plex-mcp-operator' }];
  live.spec.replicas = 1;
  live.spec.strategy = { type: 'RollingUpdate' };
  const container = live.spec.template.spec.containers[0];
  container.imagePullPolicy = 'IfNotPresent';
  container.terminationMessagePath = '/dev/termination-log';
  container.resources.requests = { cpu: '1', memory: '512Mi' };
  delete live.spec.template.spec.tolerations; // empty lists are omitted on the wire
  live.status = { replicas: 1 };
  return { applied, live };
}

describe('liveMatchesDesired', () => {
  it('matches a live object that only adds defaults, status and canonical quantities', () => {
    const { applied, live } = liveFrom(desiredDeployment);
    expect(liveMatchesDesired(live, applied)).toBe(true);
  });

  it('sees drift in a field we own (someone edited the image)', () => {
    const { applied, live } = liveFrom(desiredDeployment);
    live.spec.template.spec.containers[0].image = 'evil:latest';
    expect(liveMatchesDesired(live, applied)).toBe(false);
  });

  it('sees a removed list item and a changed quantity', () => {
    const a = liveFrom(desiredDeployment);
    a.live.spec.template.spec.containers[0].env = [];
    expect(liveMatchesDesired(a.live, a.applied)).toBe(false);
    const b = liveFrom(desiredDeployment);
    b.live.spec.template.spec.containers[0].resources.limits.memory = '256Mi';
    expect(liveMatchesDesired(b.live, b.applied)).toBe(false);
  });

  it('sees a desired change even when it only removes a field (hash annotation differs)', () => {
    const { live } = liveFrom(desiredDeployment);
    // biome-ignore lint/suspicious/noExplicitAny: a test fixture edited freely below
    const smaller = structuredClone(desiredDeployment) as Record<string, any>;
    delete smaller.spec.template.spec.volumes;
    // A pure subset check would call this unchanged; the hash does not.
    expect(liveMatchesDesired(live, withAppliedHash(smaller))).toBe(false);
  });

  it('requires the hash annotation on the live object', () => {
    const { applied, live } = liveFrom(desiredDeployment);
    delete live.metadata.annotations[APPLIED_HASH_ANNOTATION];
    expect(liveMatchesDesired(live, applied)).toBe(false);
  });

  it('gives the same hash whatever the key order', () => {
    const reordered = {
      kind: desiredDeployment.kind,
      spec: desiredDeployment.spec,
      metadata: desiredDeployment.metadata,
      apiVersion: desiredDeployment.apiVersion,
    };
    const hashOf = (o: object) =>
      (withAppliedHash(o) as { metadata: { annotations: Record<string, string> } }).metadata.annotations[
        APPLIED_HASH_ANNOTATION
      ];
    expect(hashOf(reordered)).toBe(hashOf(desiredDeployment));
    expect(hashOf(reordered)).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('parseQuantity', () => {
  it.each([
    ['1', 1],
    ['1000m', 1],
    ['100m', 0.1],
    ['0.1', 0.1],
    ['128Mi', 134217728],
    ['0.5Gi', 536870912],
    ['1k', 1000],
    ['1e3', 1000],
    [2, 2],
  ])('%s = %s', (input, expected) => {
    expect(parseQuantity(input)).toBe(expected);
  });

  it('rejects non-quantities', () => {
    expect(parseQuantity('abc')).toBeUndefined();
    expect(parseQuantity('1Xi')).toBeUndefined();
  });
});

describe('list items', () => {
  it('match without apiVersion and kind (list responses leave them out of items)', () => {
    const { applied, live } = liveFrom(desiredDeployment);
    delete live.apiVersion;
    delete live.kind;
    expect(liveMatchesDesired(live, applied)).toBe(true);
  });
});
