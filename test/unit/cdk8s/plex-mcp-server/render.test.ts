import { describe, expect, it } from 'vitest';
import {
  allChildRefs,
  generateSecretValue,
  mcpEndpoint,
  renderAuthSecret,
  renderPlexMcpServer,
  renderRedisSecret,
  wantedChildRefs,
} from '../../../../cdk8s/plex-mcp-server/index.ts';
import { CONFIG_CHECKSUM_ANNOTATION } from '../../../../operator/api/v1alpha1/index.ts';
import { find, makeInputs, makeResource } from '../fixtures.ts';

const checksumOf = (objects: unknown[]) =>
  find(objects, 'Deployment', 'living-room').spec.template.metadata.annotations[
    CONFIG_CHECKSUM_ANNOTATION
  ] as string;

describe('renderPlexMcpServer: the children', () => {
  it('renders every child of the contract for Managed Redis, in apply order', () => {
    const objects = renderPlexMcpServer(makeResource(), makeInputs());
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'ConfigMap/living-room-config',
      'NetworkPolicy/living-room-redis',
      'Service/living-room-redis',
      'Deployment/living-room-redis',
      'NetworkPolicy/living-room-server',
      'Service/living-room',
      'Deployment/living-room',
    ]);
    for (const o of objects) expect(o.metadata?.namespace).toBe('media');
  });

  it('renders no Redis children for External and Disabled', () => {
    const external = makeResource({ redis: { mode: 'External', external: { url: 'redis://r.cache:6379' } } });
    const disabled = makeResource({ redis: { mode: 'Disabled' } });
    for (const resource of [external, disabled]) {
      const kinds = renderPlexMcpServer(resource, makeInputs()).map((o) => `${o.kind}/${o.metadata?.name}`);
      expect(kinds).toEqual([
        'ConfigMap/living-room-config',
        'NetworkPolicy/living-room-server',
        'Service/living-room',
        'Deployment/living-room',
      ]);
    }
  });

  it('labels every child per the contract and makes the resource its controller owner', () => {
    for (const o of renderPlexMcpServer(makeResource(), makeInputs())) {
      const component = o.metadata?.name?.endsWith('-redis') ? 'redis' : 'server';
      expect(o.metadata?.labels).toEqual({
        'app.kubernetes.io/name': 'plex-mcp',
        'app.kubernetes.io/instance': 'living-room',
        'app.kubernetes.io/component': component,
        'app.kubernetes.io/managed-by': 'plex-mcp-operator',
      });
      expect(o.metadata?.ownerReferences).toEqual([
        {
          apiVersion: 'plexmcp.dev/v1alpha1',
          kind: 'PlexMcpServer',
          name: 'living-room',
          uid: '0b5c7f1e-uid',
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
  });

  it('allChildRefs covers every rendered child and the generated Secrets', () => {
    const resource = makeResource();
    const inputs = {
      ...makeInputs(),
      generatedSecrets: {
        authToken: 'a'.repeat(43),
        confirmKey: 'c'.repeat(43),
        redisPassword: 'p'.repeat(43),
      },
    };
    // Every feature on; spec.gateway and spec.ingress exclude each other, so two renders between them.
    const everything = {
      autoscaling: { maxReplicas: 3 },
      monitoring: { serviceMonitor: true },
      networkPolicy: {
        ingressFrom: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }],
      },
    };
    const withGateway = makeResource({
      ...everything,
      gateway: { parentRef: { name: 'public' }, hostname: 'mcp.example.com' },
    });
    const withIngress = makeResource({
      ...everything,
      ingress: { className: 'nginx', host: 'mcp.example.com' },
    });
    const rendered = new Set(
      [withGateway, withIngress].flatMap((r) =>
        renderPlexMcpServer(r, inputs).map((o) => `${o.apiVersion} ${o.kind} ${o.metadata?.name}`),
      ),
    );
    const refs = allChildRefs(resource).map((r) => `${r.apiVersion} ${r.kind} ${r.name}`);
    expect(refs.sort()).toEqual([...rendered].sort());
    expect(
      allChildRefs(resource)
        .filter((r) => r.generated)
        .map((r) => r.name),
    ).toEqual(['living-room-auth', 'living-room-redis']);
  });

  it.each(['Managed', 'External', 'Disabled'] as const)(
    'wantedChildRefs names exactly what the spec renders with redis mode %s, generated Secrets included',
    (mode) => {
      const redis = mode === 'External' ? { mode, external: { url: 'redis://r:6379' } } : { mode };
      const resource = makeResource({ redis });
      const inputs = {
        ...makeInputs(),
        generatedSecrets: {
          authToken: 'a'.repeat(43),
          confirmKey: 'c'.repeat(43),
          redisPassword: 'p'.repeat(43),
        },
      };
      const rendered = renderPlexMcpServer(resource, inputs).map((o) => `${o.kind} ${o.metadata?.name}`);
      expect(
        wantedChildRefs(resource)
          .map((r) => `${r.kind} ${r.name}`)
          .sort(),
      ).toEqual(rendered.sort());
    },
  );

  it('has no owner references when the resource has no uid (rendered from a file)', () => {
    const objects = renderPlexMcpServer(makeResource({}, { uid: undefined }), makeInputs());
    for (const o of objects) expect(o.metadata?.ownerReferences).toBeUndefined();
  });

  it('is deterministic: the same input gives identical objects, down to key order', () => {
    const a = JSON.stringify(renderPlexMcpServer(makeResource({ replicas: 2 }), makeInputs()));
    const b = JSON.stringify(renderPlexMcpServer(makeResource({ replicas: 2 }), makeInputs()));
    expect(a).toBe(b);
  });
});

describe('renderPlexMcpServer: the server Deployment', () => {
  const deployment = find(renderPlexMcpServer(makeResource(), makeInputs()), 'Deployment', 'living-room');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  it('runs as the restricted Pod Security Standard asks', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  it('probes the three health endpoints on the named http port', () => {
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.startupProbe.httpGet).toEqual({ path: '/health/startup', port: 'http', scheme: 'HTTP' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http', scheme: 'HTTP' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http', scheme: 'HTTP' });
  });

  it('takes config from the ConfigMap and secrets only through secretKeyRef', () => {
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'living-room-config' } }]);
    expect(container.env).toEqual([
      { name: 'SERVER_HOST', value: '0.0.0.0' },
      { name: 'PLEX_TOKEN', valueFrom: { secretKeyRef: { name: 'plex-token', key: 'token' } } },
      { name: 'AUTH_TOKEN', valueFrom: { secretKeyRef: { name: 'living-room-auth', key: 'AUTH_TOKEN' } } },
      {
        name: 'CONFIRM_TOKEN_KEY',
        valueFrom: { secretKeyRef: { name: 'living-room-auth', key: 'CONFIRM_TOKEN_KEY' } },
      },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'living-room-redis', key: 'password' } } },
    ]);
    expect(container.command).toEqual(['plex-mcp-server']);
    expect(container.args).toBeUndefined();
  });

  it('uses the default image and resources unless the spec sets them', () => {
    expect(container.image).toBe('plex-mcp:0.1.0');
    expect(container.resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { memory: '256Mi' },
    });
    const custom = find(
      renderPlexMcpServer(
        makeResource({
          image: 'my/plex-mcp:2',
          imagePullPolicy: 'Always',
          resources: { limits: { memory: '256Mi', cpu: 1 } },
        }),
        makeInputs(),
      ),
      'Deployment',
      'living-room',
    ).spec.template.spec.containers[0];
    expect(custom.image).toBe('my/plex-mcp:2');
    expect(custom.imagePullPolicy).toBe('Always');
    expect(custom.resources).toEqual({ limits: { cpu: '1', memory: '256Mi' } });
  });

  it('omits replicas when unset so an HPA owns it, and sets it when given', () => {
    expect('replicas' in deployment.spec).toBe(false);
    const scaled = find(
      renderPlexMcpServer(makeResource({ replicas: 3 }), makeInputs()),
      'Deployment',
      'living-room',
    );
    expect(scaled.spec.replicas).toBe(3);
    const zero = find(
      renderPlexMcpServer(makeResource({ replicas: 0 }), makeInputs()),
      'Deployment',
      'living-room',
    );
    expect(zero.spec.replicas).toBe(0);
  });

  it('applies the scheduling overrides', () => {
    const scheduling = {
      nodeSelector: { 'kubernetes.io/arch': 'arm64' },
      tolerations: [{ key: 'media', operator: 'Exists', effect: 'NoSchedule' }],
      affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } },
      priorityClassName: 'home-critical',
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
      ],
    };
    const objects = renderPlexMcpServer(makeResource({ scheduling }), makeInputs());
    expect(find(objects, 'Deployment', 'living-room').spec.template.spec).toMatchObject(scheduling);
    const redisPod = find(objects, 'Deployment', 'living-room-redis').spec.template.spec;
    expect(redisPod.nodeSelector).toEqual(scheduling.nodeSelector);
    expect(redisPod.affinity).toBeUndefined();
  });

  it('selects its pods by instance and component, and the Service targets the named port', () => {
    const selector = {
      'app.kubernetes.io/name': 'plex-mcp',
      'app.kubernetes.io/instance': 'living-room',
      'app.kubernetes.io/component': 'server',
    };
    expect(deployment.spec.selector).toEqual({ matchLabels: selector });
    const service = find(
      renderPlexMcpServer(makeResource({ service: { type: 'NodePort', port: 9000 } }), makeInputs()),
      'Service',
      'living-room',
    );
    expect(service.spec).toEqual({
      type: 'NodePort',
      selector,
      ports: [{ name: 'http', port: 9000, targetPort: 'http', protocol: 'TCP' }],
    });
    expect(mcpEndpoint(makeResource({ service: { port: 9000 } }))).toBe(
      'http://living-room.media.svc.cluster.local:9000/mcp',
    );
  });
});

describe('renderPlexMcpServer: the config checksum', () => {
  const base = checksumOf(renderPlexMcpServer(makeResource(), makeInputs()));

  it('is a sha256 and stays the same for the same config and secrets', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(checksumOf(renderPlexMcpServer(makeResource(), makeInputs()))).toBe(base);
  });

  it('changes when a TTL changes', () => {
    const changed = checksumOf(
      renderPlexMcpServer(makeResource({ cache: { ttlSeconds: { search: 61 } } }), makeInputs()),
    );
    expect(changed).not.toBe(base);
  });

  it('changes when the Plex token (or any referenced secret) changes', () => {
    expect(checksumOf(renderPlexMcpServer(makeResource(), makeInputs({ plexToken: 'tok-2' })))).not.toBe(
      base,
    );
    expect(
      checksumOf(renderPlexMcpServer(makeResource(), makeInputs({ plexToken: 'tok-1', authToken: 'a' }))),
    ).not.toBe(base);
  });

  it('does not change for edits that do not reach the pods config (service port, replicas, labels)', () => {
    const other = makeResource(
      { replicas: 4, service: { port: 9000 } },
      { labels: { team: 'media' }, generation: 7 },
    );
    expect(checksumOf(renderPlexMcpServer(other, makeInputs()))).toBe(base);
  });

  it('never puts a secret value into any rendered object', () => {
    const text = JSON.stringify(
      renderPlexMcpServer(makeResource(), makeInputs({ plexToken: 'super-secret-plex-token' })),
    );
    expect(text).not.toContain('super-secret-plex-token');
  });
});

describe('renderPlexMcpServer: the ConfigMap', () => {
  const data = (spec: Record<string, unknown>) =>
    find(renderPlexMcpServer(makeResource(spec), makeInputs()), 'ConfigMap', 'living-room-config').data;

  it('carries the non-secret env with the names the server reads, and nothing unset', () => {
    expect(data({})).toEqual({
      AUTH_MODE: 'bearer',
      CACHE_ENABLED: 'true',
      NODE_OPTIONS: '--max-old-space-size=128 --max-semi-space-size=16',
      PLEX_CLIENT_IDENTIFIER: 'plex-mcp.media.living-room',
      PLEX_EVENTS: 'true',
      PLEX_SERVER_URL: 'http://plex.media.svc:32400',
      REDIS_TLS: 'false',
      REDIS_URL: 'redis://living-room-redis:6379',
      SERVER_PORT: '8080',
    });
  });

  it('sizes the Node heap from the memory limit the resource sets', () => {
    expect(data({ resources: { limits: { memory: '1Gi' } } }).NODE_OPTIONS).toBe(
      '--max-old-space-size=512 --max-semi-space-size=16',
    );
    expect(data({ resources: { limits: { memory: '128Mi' } } }).NODE_OPTIONS).toBe(
      '--max-old-space-size=64 --max-semi-space-size=8',
    );
  });

  it('caps malloc arenas at a tight memory limit only (the design 100Mi)', () => {
    const tight = data({ resources: { limits: { memory: '100Mi' } } });
    expect(tight.NODE_OPTIONS).toBe('--max-old-space-size=44 --max-semi-space-size=2');
    expect(tight.MALLOC_ARENA_MAX).toBe('2');
    expect(data({ resources: { limits: { memory: '128Mi' } } }).MALLOC_ARENA_MAX).toBeUndefined();
    expect(data({}).MALLOC_ARENA_MAX).toBeUndefined();
  });

  it('maps every TTL, stale window, Plex knob and log level', () => {
    const ttlSeconds = { search: 1, mediaDetails: 2, libraries: 3, sessions: 4, recentlyAdded: 5, onDeck: 6 };
    expect(
      data({
        plex: {
          url: 'https://plex.example.com',
          tokenSecretRef: { name: 't' },
          timeoutSeconds: 5,
          maxConnections: 4,
          events: false,
        },
        cache: { enabled: false, ttlSeconds, staleSeconds: 0 },
        logLevel: 'debug',
      }),
    ).toMatchObject({
      CACHE_ENABLED: 'false',
      CACHE_TTL_SEARCH: '1',
      CACHE_TTL_MEDIA_DETAILS: '2',
      CACHE_TTL_LIBRARIES: '3',
      CACHE_TTL_SESSIONS: '4',
      CACHE_TTL_RECENTLY_ADDED: '5',
      CACHE_TTL_ON_DECK: '6',
      CACHE_STALE_TTL: '0',
      PLEX_TIMEOUT: '5',
      PLEX_MAX_CONNECTIONS: '4',
      PLEX_EVENTS: 'false',
      PLEX_SERVER_URL: 'https://plex.example.com',
      LOG_LEVEL: 'debug',
    });
  });

  it('points an External Redis at its URL with TLS, and reads its password from the referenced Secret', () => {
    const spec = {
      redis: {
        mode: 'External',
        external: { url: 'rediss://r.cache:6380/1', passwordSecretRef: { name: 'redis-auth' } },
      },
    };
    expect(data(spec)).toMatchObject({ REDIS_URL: 'rediss://r.cache:6380/1', REDIS_TLS: 'true' });
    const env = find(renderPlexMcpServer(makeResource(spec), makeInputs()), 'Deployment', 'living-room').spec
      .template.spec.containers[0].env;
    expect(env).toContainEqual({
      name: 'REDIS_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } },
    });
  });

  it('bounds the in-memory cache by the memory limit when Redis is Disabled', () => {
    const disabled = data({ redis: { mode: 'Disabled' } });
    expect(disabled.REDIS_URL).toBeUndefined();
    // Half of what the default 256Mi limit's 128 MiB old space leaves after the 32 MiB reserve.
    expect(disabled.CACHE_MAX_BYTES).toBe(String(48 * 1024 * 1024));
    expect(
      data({ redis: { mode: 'Disabled' }, resources: { limits: { memory: '1Gi' } } }).CACHE_MAX_BYTES,
    ).toBe(String(240 * 1024 * 1024));
    expect(
      data({ redis: { mode: 'Disabled' }, resources: { limits: { memory: '100Mi' } } }).CACHE_MAX_BYTES,
    ).toBe(String(6 * 1024 * 1024));
  });
});

describe('renderPlexMcpServer: Managed Redis', () => {
  const objects = renderPlexMcpServer(makeResource(), makeInputs());
  const redis = find(objects, 'Deployment', 'living-room-redis');
  const container = redis.spec.template.spec.containers[0];

  it('runs redis:7.4-alpine as non-root with the password from its Secret, no persistence, bounded memory', () => {
    expect(container.image).toBe('redis:7.4-alpine');
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 999,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.args).toEqual([
      '--port',
      '6379',
      '--requirepass',
      '$(REDIS_PASSWORD)',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory',
      String(96 * 1024 * 1024),
      '--maxmemory-policy',
      'allkeys-lru',
    ]);
    expect(container.env).toEqual([
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'living-room-redis', key: 'password' } } },
    ]);
    expect(container.readinessProbe.tcpSocket).toEqual({ port: 'redis' });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 'redis' });
    expect(redis.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  it('sizes maxmemory from a custom memory limit', () => {
    const custom = find(
      renderPlexMcpServer(
        makeResource({ redis: { managed: { resources: { limits: { memory: '512Mi' } } } } }),
        makeInputs(),
      ),
      'Deployment',
      'living-room-redis',
    ).spec.template.spec.containers[0].args;
    expect(custom[custom.indexOf('--maxmemory') + 1]).toBe(String(384 * 1024 * 1024));
  });

  it('admits only this instance’s server pods on 6379 through the NetworkPolicy', () => {
    const policy = find(objects, 'NetworkPolicy', 'living-room-redis');
    expect(policy.spec).toEqual({
      podSelector: {
        matchLabels: {
          'app.kubernetes.io/name': 'plex-mcp',
          'app.kubernetes.io/instance': 'living-room',
          'app.kubernetes.io/component': 'redis',
        },
      },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              podSelector: {
                matchLabels: {
                  'app.kubernetes.io/name': 'plex-mcp',
                  'app.kubernetes.io/instance': 'living-room',
                  'app.kubernetes.io/component': 'server',
                },
              },
            },
          ],
          ports: [{ protocol: 'TCP', port: 6379 }],
        },
      ],
    });
    // The policy's allowed peers are exactly the server Deployment's pods.
    const serverPodLabels = find(objects, 'Deployment', 'living-room').spec.template.metadata.labels;
    expect(serverPodLabels).toMatchObject(policy.spec.ingress[0].from[0].podSelector.matchLabels);
    expect(redis.spec.template.metadata.labels).toMatchObject(policy.spec.podSelector.matchLabels);
    expect(find(objects, 'Service', 'living-room-redis').spec.selector).toEqual(
      policy.spec.podSelector.matchLabels,
    );
  });
});

describe('generated Secrets', () => {
  it('generateSecretValue gives 32 random bytes as 43 base64url characters, different each time', () => {
    const a = generateSecretValue();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(generateSecretValue()).not.toBe(a);
  });

  it('renders the auth and redis Secrets with the contract keys and owner', () => {
    const resource = makeResource();
    const auth = renderAuthSecret(resource, { authToken: 'the-auth-token', confirmKey: 'the-confirm-key' });
    expect(auth.metadata?.name).toBe('living-room-auth');
    expect(Buffer.from(auth.data?.AUTH_TOKEN ?? '', 'base64').toString()).toBe('the-auth-token');
    expect(Buffer.from(auth.data?.CONFIRM_TOKEN_KEY ?? '', 'base64').toString()).toBe('the-confirm-key');
    expect(Object.keys(renderAuthSecret(resource, { confirmKey: 'k' }).data ?? {})).toEqual([
      'CONFIRM_TOKEN_KEY',
    ]);
    expect(auth.metadata?.ownerReferences?.[0]?.controller).toBe(true);
    const redis = renderRedisSecret(resource, 'pw');
    expect(redis.metadata?.name).toBe('living-room-redis');
    expect(redis.metadata?.labels?.['app.kubernetes.io/component']).toBe('redis');
    expect(Buffer.from(redis.data?.password ?? '', 'base64').toString()).toBe('pw');
  });

  it('are included in the render only when their values are given', () => {
    const inputs = {
      ...makeInputs(),
      generatedSecrets: {
        authToken: 'a'.repeat(43),
        confirmKey: 'c'.repeat(43),
        redisPassword: 'p'.repeat(43),
      },
    };
    const names = renderPlexMcpServer(makeResource(), inputs)
      .filter((o) => o.kind === 'Secret')
      .map((o) => o.metadata?.name);
    expect(names).toEqual(['living-room-auth', 'living-room-redis']);
    expect(() =>
      renderPlexMcpServer(makeResource(), {
        ...makeInputs(),
        generatedSecrets: { authToken: 'a'.repeat(43), confirmKey: 'c'.repeat(43) },
      }),
    ).toThrow(/redisPassword is required/);
    expect(() =>
      renderPlexMcpServer(makeResource(), {
        ...makeInputs(),
        generatedSecrets: { authToken: 'a'.repeat(43), redisPassword: 'p'.repeat(43) },
      }),
    ).toThrow(/confirmKey is required/);
  });
});
