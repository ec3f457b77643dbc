import { describe, expect, it } from 'vitest';
import { parsePlexMcpServer } from '../../../operator/api/v1alpha1/index.ts';

function resource(spec: Record<string, unknown>, name = 'living-room') {
  return {
    apiVersion: 'plexmcp.dev/v1alpha1',
    kind: 'PlexMcpServer',
    metadata: { name, namespace: 'media', uid: 'u-1', generation: 3 },
    spec,
  };
}

const minimalSpec = { plex: { url: 'http://plex.media.svc:32400', tokenSecretRef: { name: 'plex-token' } } };

function errorsOf(obj: unknown): string[] {
  const result = parsePlexMcpServer(obj);
  if (result.ok) throw new Error('expected the resource to be refused');
  return result.errors;
}

describe('parsePlexMcpServer defaults', () => {
  it('applies every schema default to a minimal resource', () => {
    const result = parsePlexMcpServer(resource(minimalSpec));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const spec = result.value.spec;
    expect(spec.plex.tokenSecretRef.key).toBe('token');
    expect(spec.cache).toEqual({ enabled: true });
    expect(spec.redis).toEqual({ mode: 'Managed' });
    expect(spec.service).toEqual({ type: 'ClusterIP', port: 8080 });
    expect(spec.replicas).toBeUndefined();
    expect(result.value.metadata.uid).toBe('u-1');
  });

  it('keeps given values and defaults the password key of an external Redis', () => {
    const result = parsePlexMcpServer(
      resource({
        ...minimalSpec,
        replicas: 2,
        cache: { enabled: false, ttlSeconds: { search: 60 } },
        redis: {
          mode: 'External',
          external: { url: 'rediss://r.cache:6380/0', passwordSecretRef: { name: 'r' } },
        },
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.spec.replicas).toBe(2);
    expect(result.value.spec.cache).toEqual({ enabled: false, ttlSeconds: { search: 60 } });
    expect(result.value.spec.redis.external?.passwordSecretRef?.key).toBe('password');
  });

  it('reads timestamps a client library turned into Date objects', () => {
    const when = new Date('2026-11-21T22:00:00Z');
    const condition = {
      type: 'Ready',
      status: 'True',
      reason: 'Reconciled',
      message: 'ok',
      lastTransitionTime: when,
    };
    const result = parsePlexMcpServer({
      ...resource(minimalSpec),
      metadata: { ...resource(minimalSpec).metadata, creationTimestamp: when, deletionTimestamp: when },
      status: { observedGeneration: 3, conditions: [condition] },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.status?.conditions?.[0]?.lastTransitionTime).toBe('2026-11-21T22:00:00.000Z');
    expect(result.value.metadata.deletionTimestamp).toBe('2026-11-21T22:00:00.000Z');
  });

  it('ignores a malformed status instead of refusing the resource', () => {
    const result = parsePlexMcpServer({ ...resource(minimalSpec), status: { conditions: 'nonsense' } });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.status).toBeUndefined();
  });
});

describe('parsePlexMcpServer refusals (mirroring the CRD rules)', () => {
  it('refuses a Plex URL whose scheme is not http or https, naming the field', () => {
    const errors = errorsOf(
      resource({ ...minimalSpec, plex: { ...minimalSpec.plex, url: 'ftp://plex:32400' } }),
    );
    expect(errors).toEqual([expect.stringMatching(/^spec\.plex\.url: plex\.url must be an absolute http/)]);
  });

  it('refuses a Plex URL that is not a URL at all', () => {
    expect(
      errorsOf(resource({ ...minimalSpec, plex: { ...minimalSpec.plex, url: 'plex:32400 nope' } })),
    ).toHaveLength(1);
  });

  it('refuses External Redis without external settings', () => {
    const errors = errorsOf(resource({ ...minimalSpec, redis: { mode: 'External' } }));
    expect(errors).toEqual(['spec.redis: redis.external.url is required when redis.mode is External']);
  });

  it('refuses external settings unless the mode is External', () => {
    const errors = errorsOf(resource({ ...minimalSpec, redis: { external: { url: 'redis://r:6379' } } }));
    expect(errors).toEqual(['spec.redis: redis.external may only be set when redis.mode is External']);
  });

  it('refuses a non-redis scheme for the external Redis URL', () => {
    const errors = errorsOf(
      resource({ ...minimalSpec, redis: { mode: 'External', external: { url: 'http://r' } } }),
    );
    expect(errors[0]).toMatch(/redis\.external\.url must be a redis:\/\/ or rediss:\/\/ URL/);
  });

  it.each([0, 86_401, 1.5])('refuses a TTL of %s', (ttl) => {
    const errors = errorsOf(resource({ ...minimalSpec, cache: { ttlSeconds: { sessions: ttl } } }));
    expect(errors.some((e) => e.startsWith('spec.cache.ttlSeconds.sessions:'))).toBe(true);
  });

  it.each([1, 86_400])('accepts the TTL bound %s', (ttl) => {
    expect(parsePlexMcpServer(resource({ ...minimalSpec, cache: { ttlSeconds: { onDeck: ttl } } })).ok).toBe(
      true,
    );
  });

  it('refuses unknown enum values with the field path', () => {
    const errors = errorsOf(
      resource({ ...minimalSpec, service: { type: 'ExternalName' }, logLevel: 'loud' }),
    );
    expect(errors.map((e) => e.split(':')[0]).sort()).toEqual(['spec.logLevel', 'spec.service.type']);
  });

  it('refuses names the children cannot be derived from', () => {
    expect(errorsOf(resource(minimalSpec, 'x'.repeat(58)))[0]).toMatch(/metadata\.name must be a DNS label/);
    expect(errorsOf(resource(minimalSpec, '1plex'))[0]).toMatch(/starting with a letter/);
    expect(parsePlexMcpServer(resource(minimalSpec, 'x'.repeat(57))).ok).toBe(true);
  });

  it('refuses a missing spec, a missing token reference and a wrong kind', () => {
    expect(errorsOf({ ...resource(minimalSpec), spec: undefined })).toEqual([
      expect.stringMatching(/^spec:/),
    ]);
    expect(errorsOf(resource({ plex: { url: 'http://p' } }))).toEqual([
      expect.stringMatching(/^spec\.plex\.tokenSecretRef:/),
    ]);
    expect(errorsOf({ ...resource(minimalSpec), kind: 'Pod' })).toEqual([expect.stringMatching(/^kind:/)]);
  });

  it('never throws on garbage', () => {
    for (const garbage of [null, 42, 'x', [], {}]) expect(parsePlexMcpServer(garbage).ok).toBe(false);
  });
});
