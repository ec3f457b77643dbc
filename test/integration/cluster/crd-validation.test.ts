/**
 * The generated CRD on a real API server: it installs, `kubectl explain` has a description for every field,
 * the example is accepted with the same defaults the operator's parser applies, and invalid resources are
 * refused with the CEL rules' messages.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import {
  buildPlexMcpServerCrd,
  GROUP,
  PLURAL,
  parsePlexMcpServer,
  VERSION,
} from '../../../operator/api/v1alpha1/index.ts';
import { kubeConfigForTests, testKubeconfigPath, waitFor } from '../../cluster/test-kube.ts';
import { installCrd, refusal } from './crd-support.ts';

// biome-ignore lint/suspicious/noExplicitAny: API responses are read as JSON; the shapes are asserted.
type Json = Record<string, any>;

const namespace = `crd-${randomBytes(3).toString('hex')}`;
const example = parse(readFileSync('examples/plexmcpserver.yaml', 'utf8')) as {
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
};

function resource(name: string, spec: Record<string, unknown>) {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: 'PlexMcpServer', metadata: { name, namespace }, spec };
}

const plex = { url: 'http://plex.media.svc:32400', tokenSecretRef: { name: 'plex-token' } };

function kubectl(args: string[]): string {
  return execFileSync('kubectl', ['--kubeconfig', testKubeconfigPath(), ...args], { encoding: 'utf8' });
}

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!inject('kubeconfig'))('PlexMcpServer CRD on the API server', () => {
  let kc: KubeConfig;
  let custom: CustomObjectsApi;
  let crd: V1CustomResourceDefinition;

  const create = (body: object) =>
    custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, body });

  beforeAll(async () => {
    kc = kubeConfigForTests();
    custom = kc.makeApiClient(CustomObjectsApi);
    crd = await installCrd(kc);
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await kc
      ?.makeApiClient(CoreV1Api)
      .deleteNamespace({ name: namespace })
      .catch(() => undefined);
  });

  it('is established with its names, status subresource and printer columns', () => {
    expect(crd.spec.names.shortNames).toEqual(['pms']);
    expect(crd.spec.names.categories).toEqual(['plex', 'mcp']);
    const version = crd.spec.versions[0];
    expect(version?.subresources?.status).toEqual({});
    expect(version?.additionalPrinterColumns?.map((c) => c.name)).toEqual([
      'Ready',
      'Reason',
      'Endpoint',
      'Auth',
      'Public',
      'Replicas',
      'Age',
    ]);
  });

  it('is stored with every default and CEL rule of the generated schema', () => {
    type Found = { rules: string[]; defaults: Record<string, unknown> };
    const collect = (node: Json, out: Found, path = ''): Found => {
      for (const rule of node['x-kubernetes-validations'] ?? []) out.rules.push(`${path}: ${rule.rule}`);
      if (node.default !== undefined) out.defaults[path] = node.default;
      for (const [key, child] of Object.entries(node.properties ?? {}))
        collect(child as Json, out, `${path}.${key}`);
      if (node.items) collect(node.items, out, `${path}[]`);
      return out;
    };
    const generated = buildPlexMcpServerCrd().spec.versions as Json[];
    const expected = collect(generated[0]?.schema.openAPIV3Schema, { rules: [], defaults: {} });
    const stored = collect(crd.spec.versions[0]?.schema?.openAPIV3Schema as Json, {
      rules: [],
      defaults: {},
    });
    // The API server sorts properties; order aside, nothing may be lost on the way.
    expect(stored.rules.sort()).toEqual(expected.rules.sort());
    expect(stored.defaults).toEqual(expected.defaults);
    expect(stored.rules.length).toBeGreaterThanOrEqual(10);
  });

  it('keeps a description on every field as stored by the API server', () => {
    const missing: string[] = [];
    const walk = (node: Json, path: string) => {
      if (path !== '.metadata' && !node.description) missing.push(path || '<root>');
      for (const [key, child] of Object.entries(node.properties ?? {})) walk(child as Json, `${path}.${key}`);
      if (node.items) walk(node.items, `${path}[]`);
      if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}.*`);
    };
    walk(crd.spec.versions[0]?.schema?.openAPIV3Schema as Json, '');
    expect(missing).toEqual([]);
  });

  it.skipIf(!hasKubectl())('reads well in kubectl explain', async () => {
    const text = await waitFor(
      () => {
        const out = kubectl(['explain', 'pms.spec.redis']);
        return out.includes('mode') ? out : undefined;
      },
      { description: 'kubectl explain pms.spec.redis', timeoutMs: 30_000 },
    );
    expect(text).toContain('Where the server keeps its cache');
    expect(text).toMatch(/Managed: the operator deploys a private Redis/);
    expect(kubectl(['explain', 'pms.spec.cache.ttlSeconds.search'])).toContain(
      'search_media results stay fresh',
    );
  });

  it('accepts the example and defaults it exactly as the operator parser does', async () => {
    const created = (await create({ ...example, metadata: { ...example.metadata, namespace } })) as Json;
    const parsed = parsePlexMcpServer(created);
    expect(parsed.ok).toBe(true);
    const fromFile = parsePlexMcpServer({ ...example, metadata: { ...example.metadata, namespace } });
    expect(fromFile.ok && created.spec).toEqual(fromFile.ok ? fromFile.value.spec : undefined);
  });

  it('fills the same defaults as the parser into a minimal resource', async () => {
    const created = (await create(resource('minimal', { plex }))) as Json;
    expect(created.spec).toEqual({
      plex: { ...plex, tokenSecretRef: { name: 'plex-token', key: 'token' }, events: true },
      cache: { enabled: true },
      redis: { mode: 'Managed' },
      service: { type: 'ClusterIP', port: 8080 },
      auth: { mode: 'Bearer' },
      networkPolicy: { enabled: true },
    });
    const parsed = parsePlexMcpServer(resource('minimal', { plex }));
    expect(parsed.ok && parsed.value.spec).toEqual(created.spec);
  });

  it.each([
    [
      'a Plex URL with a non-http scheme',
      'bad-scheme',
      { plex: { ...plex, url: 'ftp://plex:32400' } },
      'plex.url must be an absolute http:// or https:// URL',
    ],
    [
      'a Plex URL that is no URL',
      'no-url',
      { plex: { ...plex, url: 'just words' } },
      'plex.url must be an absolute http:// or https:// URL',
    ],
    [
      'External Redis without a URL',
      'ext-no-url',
      { plex, redis: { mode: 'External' } },
      'redis.external.url is required when redis.mode is External',
    ],
    [
      'external settings with Managed Redis',
      'ext-managed',
      { plex, redis: { mode: 'Managed', external: { url: 'redis://r:6379' } } },
      'redis.external may only be set when redis.mode is External',
    ],
    [
      'an external Redis URL with a wrong scheme',
      'ext-http',
      { plex, redis: { mode: 'External', external: { url: 'http://r:6379' } } },
      'redis.external.url must be a redis:// or rediss:// URL',
    ],
    [
      'a TTL of 0',
      'ttl-zero',
      { plex, cache: { ttlSeconds: { search: 0 } } },
      'cache.ttlSeconds.search must be between 1 and 86400 seconds',
    ],
    [
      'a TTL above 24 h',
      'ttl-big',
      { plex, cache: { ttlSeconds: { onDeck: 86_401 } } },
      'cache.ttlSeconds.onDeck must be between 1 and 86400 seconds',
    ],
    [
      'an image with a space',
      'image-space',
      { plex, image: 'plex-mcp:1 --privileged' },
      'image must be an image reference such as ghcr.io/acme/plex-mcp:1.2.3',
    ],
    [
      'an image with a newline',
      'image-newline',
      { plex, image: 'plex-mcp:1\nevil' },
      'image must be an image reference',
    ],
    [
      'a managed Redis image with a control character',
      'redis-image-ctl',
      { plex, redis: { mode: 'Managed', managed: { image: 'redis:7\u0007' } } },
      'redis.managed.image must be an image reference',
    ],
    [
      'a Plex URL with user info',
      'url-userinfo',
      { plex: { ...plex, url: 'http://admin:secret@plex:32400' } },
      'plex.url must not carry user info',
    ],
    [
      'a Plex URL with a token in its query string',
      'url-query',
      { plex: { ...plex, url: 'http://plex:32400/?X-Plex-Token=abc' } },
      'plex.url must not have a query string or fragment',
    ],
    [
      'an external Redis URL with a password',
      'redis-password-url',
      { plex, redis: { mode: 'External', external: { url: 'redis://:hunter2@r:6379' } } },
      'redis.external.url must not carry a password',
    ],
    [
      'a token Secret name with a path',
      'secret-path',
      { plex: { ...plex, tokenSecretRef: { name: '../x' } } },
      'plex.tokenSecretRef.name must be the name of a Secret',
    ],
    [
      'a token Secret name with a namespace',
      'secret-ns',
      { plex: { ...plex, tokenSecretRef: { name: 'ns/x' } } },
      'plex.tokenSecretRef.name must be the name of a Secret',
    ],
    [
      'a Redis password Secret that is no name',
      'redis-secret-name',
      {
        plex,
        redis: { mode: 'External', external: { url: 'redis://r:6379', passwordSecretRef: { name: 'A B' } } },
      },
      'redis.external.passwordSecretRef.name must be the name of a Secret',
    ],
    [
      'a Secret key with shell characters',
      'secret-key',
      { plex: { ...plex, tokenSecretRef: { name: 'plex-token', key: 'token;rm' } } },
      'plex.tokenSecretRef.key must be a Secret key',
    ],
    [
      'a cpu quantity that is no quantity',
      'cpu-abc',
      { plex, resources: { requests: { cpu: 'abc' } } },
      'must be a quantity: a non-negative number',
    ],
    [
      'a negative memory limit',
      'memory-negative',
      { plex, resources: { limits: { memory: '-64Mi' } } },
      'must be a quantity',
    ],
    [
      'an absurd integer quantity',
      'cpu-huge',
      { plex, resources: { limits: { cpu: 10_000_000_000 } } },
      'must be a quantity',
    ],
    [
      'a managed Redis memory quantity that is no quantity',
      'redis-memory',
      { plex, redis: { mode: 'Managed', managed: { resources: { limits: { memory: '1 GB' } } } } },
      'must be a quantity',
    ],
    [
      'a PriorityClass name that is no name',
      'priority-name',
      { plex, scheduling: { priorityClassName: 'High Priority' } },
      'scheduling.priorityClassName must be the name of a PriorityClass',
    ],
  ])('refuses %s with the rule’s message', async (_what, name, spec, message) => {
    const { code, message: text } = await refusal(create(resource(name, spec)));
    expect(code).toBe(422);
    expect(text).toContain(message);
    // The operator's parser refuses the same object with the same message.
    const parsed = parsePlexMcpServer(resource(name, spec));
    expect(parsed.ok ? [] : parsed.errors.join('\n')).toContain(message);
  });

  it('accepts quantities as integers and strings, and images with registry ports and digests', async () => {
    await create(
      resource('good-values', {
        plex: { ...plex, url: 'https://plex.example.com:443/base' },
        image: `registry.lan:5000/plex-mcp@sha256:${'a'.repeat(64)}`,
        resources: { requests: { cpu: 1, memory: '64Mi' }, limits: { cpu: '0.5', memory: '1.5Gi' } },
        redis: {
          mode: 'Managed',
          managed: { image: 'redis:7.4-alpine', resources: { limits: { memory: 134217728 } } },
        },
      }),
    );
  });

  it('refuses a name the children cannot be named after', async () => {
    const { code, message } = await refusal(create(resource('x'.repeat(58), { plex })));
    expect(code).toBe(422);
    expect(message).toContain('metadata.name must be a DNS label of at most 57 characters');
  });

  it.skipIf(!hasKubectl())('shows Ready, Endpoint and Replicas from the status in kubectl get', async () => {
    await create(resource('columns', { plex }));
    const endpoint = `http://columns.${namespace}.svc.cluster.local:8080/mcp`;
    await custom.patchNamespacedCustomObjectStatus(
      {
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        name: 'columns',
        body: {
          status: {
            conditions: [
              {
                type: 'Ready',
                status: 'True',
                reason: 'Reconciled',
                message: 'ok',
                lastTransitionTime: new Date().toISOString(),
              },
            ],
            endpoint,
            readyReplicas: 1,
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const table = kubectl(['-n', namespace, 'get', 'pms', 'columns']);
    expect(table).toMatch(/NAME\s+READY\s+ENDPOINT\s+REPLICAS\s+AGE/);
    expect(table).toMatch(new RegExp(`columns\\s+True\\s+${endpoint.replaceAll('.', '\\.')}\\s+1\\s+`));
  });

  it('refuses auth settings the server could not run with, each with its own message', async () => {
    const oauth = { issuer: 'https://auth.example.com/realms/home' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        { mode: 'OAuth', publicURL: 'https://x.example.com/mcp' },
        'auth.oauth.issuer is required when auth.mode is OAuth',
      ],
      [{ mode: 'Bearer', oauth }, 'auth.oauth may only be set when auth.mode is OAuth or BearerAndOAuth'],
      [
        {
          mode: 'OAuth',
          oauth: { issuer: 'http://auth.example.com' },
          publicURL: 'https://x.example.com/mcp',
        },
        'auth.oauth.issuer must be an absolute https:// URL',
      ],
      [
        { mode: 'OAuth', oauth },
        'auth.publicURL (or spec.gateway, or spec.ingress with tlsSecretName) is required',
      ],
    ];
    for (const [i, [auth, expected]] of cases.entries()) {
      const { code, message } = await refusal(create(resource(`auth-bad-${i}`, { plex, auth })));
      expect(code, JSON.stringify(auth)).toBe(422);
      expect(message).toContain(expected);
      // The operator's parser refuses it with the same words.
      const parsed = parsePlexMcpServer(resource(`auth-bad-${i}`, { plex, auth }));
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.errors.join('\n')).toContain(expected);
    }
  });

  it('refuses a tools policy the server could not read, and stores a valid one as given', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        { libraries: ['Movies, TV Shows'] },
        'tools.libraries entries are library names or ids and must not contain a comma',
      ],
      [{ libraries: ['   '] }, 'tools.libraries entries must not be blank'],
      [{ writeAccess: 'library' }, 'Unsupported value'],
      [{ libraries: ['Movies', 'Movies'] }, 'Duplicate value'],
    ];
    for (const [i, [tools, expected]] of cases.entries()) {
      const { code, message } = await refusal(create(resource(`tools-bad-${i}`, { plex, tools })));
      expect(code, JSON.stringify(tools)).toBe(422);
      expect(message).toContain(expected);
    }
    const tools = { writeAccess: 'Playback', libraries: ['Movies', '4'] };
    const stored = (await create(resource('tools-good', { plex, tools }))) as { spec: { tools: unknown } };
    expect(stored.spec.tools).toEqual(tools);
  });

  it.skipIf(!hasKubectl())(
    'kubectl get pms -o wide shows the auth mode and the public endpoint',
    async () => {
      const publicURL = 'https://plex-mcp.example.com/mcp';
      await create(
        resource('wide', {
          plex,
          auth: { mode: 'OAuth', oauth: { issuer: 'https://auth.example.com/realms/home' }, publicURL },
        }),
      );
      await custom.patchNamespacedCustomObjectStatus(
        {
          group: GROUP,
          version: VERSION,
          namespace,
          plural: PLURAL,
          name: 'wide',
          body: { status: { publicEndpoint: publicURL } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      const narrow = kubectl(['-n', namespace, 'get', 'pms', 'wide']);
      expect(narrow).not.toMatch(/AUTH/);
      const wide = kubectl(['-n', namespace, 'get', 'pms', 'wide', '-o', 'wide']);
      expect(wide).toMatch(/NAME\s+READY\s+REASON\s+ENDPOINT\s+AUTH\s+PUBLIC\s+REPLICAS\s+AGE/);
      expect(wide).toMatch(/wide\s+.*\sOAuth\s+https:\/\/plex-mcp\.example\.com\/mcp\s/);
    },
  );
});
