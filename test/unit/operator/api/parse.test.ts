import { describe, expect, it } from 'vitest';
import { parsePlexMcpServer } from '../../../../operator/api/v1alpha1/index.ts';

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

describe('parsePlexMcpServer refuses what cannot be used safely (mirroring the CRD rules)', () => {
  const withPlex = (plex: Record<string, unknown>) =>
    resource({ ...minimalSpec, plex: { ...minimalSpec.plex, ...plex } });

  it.each([
    ['spaces', 'plex mcp:1'],
    ['a newline', 'plex-mcp:1\nevil'],
    ['a control character', 'plex-mcp:1\u0007'],
    ['a leading dash', '-plex-mcp'],
  ])('refuses an image with %s, saying what an image reference is', (_what, image) => {
    expect(errorsOf(resource({ ...minimalSpec, image }))).toEqual([
      expect.stringMatching(/^spec\.image: image must be an image reference such as ghcr\.io/),
    ]);
    const managed = errorsOf(resource({ ...minimalSpec, redis: { mode: 'Managed', managed: { image } } }));
    expect(managed[0]).toMatch(/redis\.managed\.image must be an image reference/);
  });

  it.each(['ghcr.io/acme/plex-mcp:1.2.3', `registry.lan:5000/plex-mcp@sha256:${'a'.repeat(64)}`, 'redis'])(
    'accepts the image %s',
    (image) => {
      expect(parsePlexMcpServer(resource({ ...minimalSpec, image })).ok).toBe(true);
    },
  );

  it('refuses a Plex URL with user info, a query string or a fragment', () => {
    expect(errorsOf(withPlex({ url: 'http://admin:secret@plex:32400' }))).toEqual([
      expect.stringMatching(/^spec\.plex\.url: plex\.url must not carry user info/),
    ]);
    expect(errorsOf(withPlex({ url: 'http://plex:32400/?X-Plex-Token=abc' }))).toEqual([
      expect.stringMatching(/^spec\.plex\.url: plex\.url must not have a query string or fragment/),
    ]);
    expect(errorsOf(withPlex({ url: 'http://plex:32400/#t' }))[0]).toMatch(/query string or fragment/);
    // A newline the WHATWG parser would silently drop is refused, as CEL's isURL() refuses it.
    expect(errorsOf(withPlex({ url: 'http://plex:32400/\n' }))[0]).toMatch(/absolute http/);
    expect(parsePlexMcpServer(withPlex({ url: 'https://plex.example.com:443/base/path' })).ok).toBe(true);
  });

  it('refuses a password in the external Redis URL but accepts an ACL user name', () => {
    const external = (url: string) =>
      resource({ ...minimalSpec, redis: { mode: 'External', external: { url } } });
    expect(errorsOf(external('redis://:hunter2@r:6379'))[0]).toMatch(
      /redis\.external\.url must not carry a password/,
    );
    expect(errorsOf(external('redis://app:hunter2@r:6379'))[0]).toMatch(/must not carry a password/);
    expect(parsePlexMcpServer(external('redis://app@r:6379/0')).ok).toBe(true);
  });

  it.each(['../x', 'ns/x', 'Plex-Token', 'plex token', '-x'])('refuses the Secret name %j', (name) => {
    expect(errorsOf(withPlex({ tokenSecretRef: { name } }))).toEqual([
      expect.stringMatching(
        /^spec\.plex\.tokenSecretRef\.name: plex\.tokenSecretRef\.name must be the name of a Secret/,
      ),
    ]);
    const external = resource({
      ...minimalSpec,
      redis: { mode: 'External', external: { url: 'redis://r:6379', passwordSecretRef: { name } } },
    });
    expect(errorsOf(external)[0]).toMatch(
      /redis\.external\.passwordSecretRef\.name must be the name of a Secret/,
    );
  });

  it('refuses a Secret key Kubernetes would not allow (it is quoted in a kubectl command of a message)', () => {
    expect(errorsOf(withPlex({ tokenSecretRef: { name: 'plex-token', key: 'token; rm -rf ~' } }))[0]).toMatch(
      /plex\.tokenSecretRef\.key must be a Secret key/,
    );
    expect(
      parsePlexMcpServer(withPlex({ tokenSecretRef: { name: 'plex.token', key: 'X-Plex_Token.1' } })).ok,
    ).toBe(true);
  });

  it('refuses a PriorityClass name that is no object name', () => {
    expect(
      errorsOf(resource({ ...minimalSpec, scheduling: { priorityClassName: 'High Priority' } }))[0],
    ).toMatch(/scheduling\.priorityClassName must be the name of a PriorityClass/);
  });

  it.each(['abc', '-1', '1e3', '10Mb', '', ' 1', '1234567890', '0.1234567890'])(
    'refuses the quantity %j in the server and the managed Redis resources',
    (bad) => {
      expect(errorsOf(resource({ ...minimalSpec, resources: { requests: { cpu: bad } } }))).toEqual([
        expect.stringMatching(/^spec\.resources\.requests\.cpu: must be a quantity: a non-negative number/),
      ]);
      const redis = resource({
        ...minimalSpec,
        redis: { mode: 'Managed', managed: { resources: { limits: { memory: bad } } } },
      });
      expect(errorsOf(redis)[0]).toMatch(
        /^spec\.redis\.managed\.resources\.limits\.memory: must be a quantity/,
      );
    },
  );

  it.each([-1, 1_000_000_000, 1.5])('refuses the integer quantity %s', (bad) => {
    expect(
      errorsOf(resource({ ...minimalSpec, resources: { limits: { cpu: bad } } })).length,
    ).toBeGreaterThan(0);
  });

  it.each(['500m', '0.5', '2', '64Mi', '1Gi', '1.5G', '999999999Ti'])('accepts the quantity %j', (good) => {
    expect(
      parsePlexMcpServer(resource({ ...minimalSpec, resources: { requests: { memory: good, cpu: 1 } } })).ok,
    ).toBe(true);
  });
});
