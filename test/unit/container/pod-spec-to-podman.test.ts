// The container smoke test runs what the operator renders; these pin the translation of a rendered pod into podman
// flags, so a security setting can neither be dropped on the way nor invented.
import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { hashSecretData, renderPlexMcpServer } from '../../../cdk8s/plex-mcp-server/index.ts';
import { parsePlexMcpServer } from '../../../operator/api/v1alpha1/index.ts';
import { expandVariables, lookupIn, planContainer } from '../../container/pod-spec-to-podman.ts';

function rendered() {
  const parsed = parsePlexMcpServer({
    apiVersion: 'plexmcp.dev/v1alpha1',
    kind: 'PlexMcpServer',
    metadata: { name: 'demo', namespace: 'media', uid: 'u1', generation: 1 },
    spec: {
      plex: { url: 'http://127.0.0.1:32400', tokenSecretRef: { name: 'plex-token' } },
      redis: { mode: 'Managed' },
    },
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const children = renderPlexMcpServer(parsed.value, {
    defaultServerImage: 'plex-mcp:test',
    secretsChecksum: hashSecretData({ plexToken: 'p', authToken: 'a', redisPassword: 'r' }),
    generatedSecrets: {
      authToken: 'auth-token-value',
      confirmKey: 'confirm-key-value',
      redisPassword: 'redis-password-value',
    },
  });
  const objects = [
    ...children,
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'plex-token' },
      data: { token: Buffer.from('plex-token-value').toString('base64') },
    },
  ];
  const deployment = (component: string) =>
    children.find(
      (c) => c.kind === 'Deployment' && c.metadata?.labels?.['app.kubernetes.io/component'] === component,
    ) as V1Deployment;
  return { objects, server: deployment('server'), redis: deployment('redis') };
}

describe('planContainer', () => {
  const { objects, server, redis } = rendered();
  const serverPod = server.spec?.template.spec as NonNullable<
    NonNullable<V1Deployment['spec']>['template']['spec']
  >;
  const plan = planContainer(serverPod, serverPod.containers[0] as never, lookupIn(objects));

  it("carries the rendered server container's security context into flags", () => {
    expect(plan.flags).toEqual(
      expect.arrayContaining([
        '--user',
        '10001:10001',
        '--group-add',
        '10001',
        '--cap-drop=ALL',
        '--read-only',
      ]),
    );
    expect(plan.flags.join(' ')).toContain('--security-opt no-new-privileges');
    expect(plan.flags.join(' ')).not.toContain('seccomp=unconfined');
    expect(plan.flags.join(' ')).toMatch(/--tmpfs \/tmp:rw,mode=1777,size=67108864/);
    expect(plan.flags.join(' ')).toContain(`--entrypoint ${JSON.stringify(['plex-mcp-server'])}`);
    expect(plan.expect).toMatchObject({
      uid: 10001,
      gid: 10001,
      noNewPrivileges: true,
      allCapabilitiesDropped: true,
      readOnlyRoot: true,
    });
  });

  it('sets the rendered memory limit as the cgroup limit, without swap', () => {
    const index = plan.flags.indexOf('--memory');
    expect(plan.flags[index + 1]).toBe(String(256 * 2 ** 20));
    expect(plan.flags[plan.flags.indexOf('--memory-swap') + 1]).toBe(String(256 * 2 ** 20));
  });

  it('resolves env, envFrom and Secret references like the kubelet', () => {
    expect(plan.env.PLEX_TOKEN).toBe('plex-token-value');
    expect(plan.env.AUTH_TOKEN).toBe('auth-token-value');
    expect(plan.env.REDIS_PASSWORD).toBe('redis-password-value');
    expect(plan.env.PLEX_SERVER_URL).toBe('http://127.0.0.1:32400');
    expect(plan.flags.join(' ')).not.toContain('auth-token-value');
  });

  it("expands $(VAR) in the Redis container's args", () => {
    const redisPod = redis.spec?.template.spec as typeof serverPod;
    const redisPlan = planContainer(redisPod, redisPod.containers[0] as never, lookupIn(objects));
    expect(redisPlan.args).toContain('redis-password-value');
    expect(redisPlan.expect.uid).toBe(999);
    expect(expandVariables('$$(KEEP) $(A) $(MISSING)', { A: 'x' })).toBe('$(KEEP) x $(MISSING)');
  });

  it('refuses what it cannot reproduce instead of dropping it', () => {
    const withHostPath = {
      ...serverPod,
      volumes: [{ name: 'tmp', hostPath: { path: '/var' } }],
    };
    expect(() => planContainer(withHostPath, serverPod.containers[0] as never, lookupIn(objects))).toThrow(
      /not an emptyDir/,
    );
    const localhostSeccomp = {
      ...serverPod.containers[0],
      securityContext: { ...serverPod.containers[0]?.securityContext, seccompProfile: { type: 'Localhost' } },
    };
    expect(() => planContainer(serverPod, localhostSeccomp as never, lookupIn(objects))).toThrow(
      /seccomp profile Localhost/,
    );
    expect(() => planContainer(serverPod, serverPod.containers[0] as never, lookupIn([]))).toThrow(
      /not rendered/,
    );
  });
});
