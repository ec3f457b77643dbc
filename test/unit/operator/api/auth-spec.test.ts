// spec.auth: its CEL rules (and their TypeScript twins, which the operator's parser applies), and what each mode
// renders: the ConfigMap settings the server reads, the bearer Secret only in the bearer modes.
import { describe, expect, it } from 'vitest';
import { desiredState, renderPlexMcpServer } from '../../../../cdk8s/plex-mcp-server/index.ts';
import { renderManifestsYaml } from '../../../../cdk8s/render/render-manifests.ts';
import { parsePlexMcpServer } from '../../../../operator/api/v1alpha1/index.ts';
import { find, makeInputs, makeResource } from '../../cdk8s/fixtures.ts';

const base = { plex: { url: 'http://plex:32400', tokenSecretRef: { name: 'plex-token' } } };
const errorsOf = (spec: Record<string, unknown>) => {
  const result = parsePlexMcpServer({
    apiVersion: 'plexmcp.dev/v1alpha1',
    kind: 'PlexMcpServer',
    metadata: { name: 'pms', namespace: 'media' },
    spec: { ...base, ...spec },
  });
  return result.ok ? [] : result.errors;
};
const oauth = { issuer: 'https://auth.example.com/realms/home' };

describe('spec.auth validation', () => {
  it('defaults to Bearer and accepts OAuth with an issuer and an https public URL', () => {
    expect(makeResource().spec.auth).toEqual({ mode: 'Bearer' });
    expect(
      errorsOf({ auth: { mode: 'OAuth', oauth, publicURL: 'https://plex-mcp.example.com/mcp' } }),
    ).toEqual([]);
    // A Gateway gives the public URL.
    expect(
      errorsOf({
        auth: { mode: 'BearerAndOAuth', oauth },
        gateway: { parentRef: { name: 'gw' }, hostname: 'plex-mcp.example.com' },
      }),
    ).toEqual([]);
  });

  it('refuses OAuth without an issuer, oauth settings in Bearer mode, http URLs, and OAuth without a public URL', () => {
    expect(errorsOf({ auth: { mode: 'OAuth', publicURL: 'https://x.example.com/mcp' } }).join('\n')).toMatch(
      /auth.oauth.issuer is required when auth.mode is OAuth/,
    );
    expect(errorsOf({ auth: { mode: 'Bearer', oauth } }).join('\n')).toMatch(/auth.oauth may only be set/);
    expect(
      errorsOf({
        auth: {
          mode: 'OAuth',
          oauth: { issuer: 'http://auth.example.com' },
          publicURL: 'https://x.example.com/mcp',
        },
      }).join('\n'),
    ).toMatch(/auth.oauth.issuer must be an absolute https:\/\/ URL/);
    expect(
      errorsOf({ auth: { mode: 'OAuth', oauth, publicURL: 'http://x.example.com/mcp' } }).join('\n'),
    ).toMatch(/auth.publicURL must be an absolute https:\/\/ URL/);
    expect(errorsOf({ auth: { mode: 'OAuth', oauth } }).join('\n')).toMatch(
      /auth.publicURL \(or spec.gateway, or spec.ingress with tlsSecretName\) is required/,
    );
    expect(errorsOf({ auth: { mode: 'Kerberos' } })).not.toEqual([]);
  });
});

describe('spec.auth SignInWithPlex', () => {
  it('needs a public URL (or a Gateway), takes allowed users, and refuses oauth settings or allowedUsers elsewhere', () => {
    expect(
      errorsOf({
        auth: {
          mode: 'SignInWithPlex',
          allowedUsers: ['olivia'],
          publicURL: 'https://plex-mcp.example.com/mcp',
        },
      }),
    ).toEqual([]);
    expect(errorsOf({ auth: { mode: 'SignInWithPlex' } }).join('\n')).toMatch(
      /auth.publicURL \(or spec.gateway, or spec.ingress with tlsSecretName\) is required when auth.mode is OAuth, BearerAndOAuth or SignInWithPlex/,
    );
    expect(
      errorsOf({ auth: { mode: 'SignInWithPlex', oauth, publicURL: 'https://x.example.com/mcp' } }).join(
        '\n',
      ),
    ).toMatch(/auth.oauth may only be set/);
    expect(errorsOf({ auth: { mode: 'Bearer', allowedUsers: ['olivia'] } }).join('\n')).toMatch(
      /auth.allowedUsers may only be set when auth.mode is SignInWithPlex/,
    );
  });

  it('renders AUTH_MODE=plex with the public URL and allowed users, the sign-in key from <name>-auth, no bearer token', () => {
    const resource = makeResource({
      auth: {
        mode: 'SignInWithPlex',
        allowedUsers: ['olivia', 'Pat'],
        publicURL: 'https://plex-mcp.example.com/mcp',
      },
      tools: { writeAccess: 'Playback' },
      redis: { mode: 'Disabled' },
    });
    const children = renderPlexMcpServer(resource, {
      ...makeInputs(),
      generatedSecrets: { signInKey: 's'.repeat(43) },
    });
    expect(find(children, 'ConfigMap', 'living-room-config').data).toMatchObject({
      AUTH_MODE: 'plex',
      MCP_PUBLIC_URL: 'https://plex-mcp.example.com/mcp',
      PLEX_ALLOWED_USERS: 'olivia,Pat',
    });
    const env = find(children, 'Deployment', 'living-room').spec.template.spec.containers[0].env as {
      name: string;
      valueFrom?: { secretKeyRef?: { name: string; key: string } };
    }[];
    expect(env.map((e) => e.name)).not.toContain('AUTH_TOKEN');
    expect(env.find((e) => e.name === 'PLEX_SIGN_IN_KEY')?.valueFrom?.secretKeyRef).toEqual({
      name: 'living-room-auth',
      key: 'PLEX_SIGN_IN_KEY',
    });
    const secret = find(children, 'Secret', 'living-room-auth');
    expect(Object.keys(secret.data)).toEqual(['PLEX_SIGN_IN_KEY']);
    // Egress to plex.tv (https) besides DNS and Plex.
    const policy = children.find(
      (c) => c.kind === 'NetworkPolicy' && JSON.stringify(c).includes('"Egress"'),
    ) as {
      spec: { egress: { ports: { port: number }[]; to?: unknown }[] };
    };
    expect(policy.spec.egress.some((r) => r.to === undefined && r.ports.some((p) => p.port === 443))).toBe(
      true,
    );
    // The GitOps render generates one, and keeps a given one.
    const yaml = renderManifestsYaml(
      `apiVersion: plexmcp.dev/v1alpha1\nkind: PlexMcpServer\nmetadata: {name: living-room}\nspec:\n  plex: {url: "http://plex:32400", tokenSecretRef: {name: plex-token}}\n  redis: {mode: Disabled}\n  tools: {writeAccess: Playback}\n  auth: {mode: SignInWithPlex, publicURL: "https://plex-mcp.example.com/mcp"}\n`,
      { namespace: 'media', defaultServerImage: 'plex-mcp:test', signInKey: 'k'.repeat(43) },
    );
    expect(yaml).toContain(`PLEX_SIGN_IN_KEY: ${Buffer.from('k'.repeat(43)).toString('base64')}`);
    expect(yaml).not.toContain('AUTH_TOKEN:');
  });

  it('the operator generates the sign-in key once into <name>-auth and never rotates or retires it', () => {
    const resource = makeResource({
      auth: { mode: 'SignInWithPlex', publicURL: 'https://plex-mcp.example.com/mcp' },
    });
    const auth = desiredState(resource, { defaultServerImage: 'img' }).generatedSecrets.auth;
    expect(auth?.keys).toEqual({ confirmKey: 'CONFIRM_TOKEN_KEY', signInKey: 'PLEX_SIGN_IN_KEY' });
    expect(auth?.rotates).toBeUndefined();
    expect(auth?.retiredKeys).toEqual(['AUTH_TOKEN']);
    const created = auth?.create();
    const key = Buffer.from(created?.data?.PLEX_SIGN_IN_KEY ?? '', 'base64').toString();
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(auth?.create().data?.PLEX_SIGN_IN_KEY ?? '', 'base64').toString()).not.toBe(key);
    // Leaving the mode keeps the key (coming back finds everyone still signed in).
    const bearer = desiredState(makeResource(), { defaultServerImage: 'img' }).generatedSecrets.auth;
    expect(bearer?.retiredKeys).not.toContain('PLEX_SIGN_IN_KEY');
  });
});

describe('what each auth mode renders', () => {
  it('OAuth: the settings in the ConfigMap, no AUTH_TOKEN env, and no bearer token from the render CLI', () => {
    const resource = makeResource({
      auth: {
        mode: 'OAuth',
        oauth: { ...oauth, audience: 'plex-mcp', jwksURL: 'https://auth.example.com/jwks' },
        publicURL: 'https://plex-mcp.example.com/mcp',
      },
    });
    const children = renderPlexMcpServer(resource, makeInputs());
    expect(find(children, 'ConfigMap', 'living-room-config').data).toMatchObject({
      AUTH_MODE: 'oauth',
      MCP_PUBLIC_URL: 'https://plex-mcp.example.com/mcp',
      OAUTH_ISSUER: oauth.issuer,
      OAUTH_AUDIENCE: 'plex-mcp',
      OAUTH_JWKS_URL: 'https://auth.example.com/jwks',
    });
    const env = find(children, 'Deployment', 'living-room').spec.template.spec.containers[0].env as {
      name: string;
    }[];
    expect(env.map((e) => e.name)).not.toContain('AUTH_TOKEN');

    const manifest = (tools: string) =>
      `apiVersion: plexmcp.dev/v1alpha1\nkind: PlexMcpServer\nmetadata: {name: living-room}\nspec:\n  plex: {url: "http://plex:32400", tokenSecretRef: {name: plex-token}}\n  redis: {mode: Disabled}\n  auth: {mode: OAuth, oauth: {issuer: "${oauth.issuer}"}, publicURL: "https://plex-mcp.example.com/mcp"}\n${tools}`;
    // Destructive tools (the default Library writes) still need the confirm-token key: `<name>-auth` holds only it.
    const yaml = renderManifestsYaml(manifest(''), {
      namespace: 'media',
      defaultServerImage: 'plex-mcp:test',
    });
    expect(yaml).toContain('name: living-room-auth');
    expect(yaml).toContain('CONFIRM_TOKEN_KEY:');
    expect(yaml).not.toContain('AUTH_TOKEN:');
    // Without them there is nothing to generate.
    const readOnly = renderManifestsYaml(manifest('  tools: {writeAccess: Playback}\n'), {
      namespace: 'media',
      defaultServerImage: 'plex-mcp:test',
    });
    expect(readOnly).not.toContain('living-room-auth');
    expect(readOnly).not.toMatch(/kind: Secret/);
  });

  it('BearerAndOAuth: both the token env and the OAuth settings; Bearer: AUTH_MODE=bearer and no OAuth keys', () => {
    const both = renderPlexMcpServer(
      makeResource({
        auth: { mode: 'BearerAndOAuth', oauth, publicURL: 'https://plex-mcp.example.com/mcp' },
      }),
      makeInputs(),
    );
    expect(find(both, 'ConfigMap', 'living-room-config').data.AUTH_MODE).toBe('bearer+oauth');
    const env = find(both, 'Deployment', 'living-room').spec.template.spec.containers[0].env as {
      name: string;
    }[];
    expect(env.map((e) => e.name)).toContain('AUTH_TOKEN');
    const bearer = find(
      renderPlexMcpServer(makeResource(), makeInputs()),
      'ConfigMap',
      'living-room-config',
    ).data;
    expect(bearer.AUTH_MODE).toBe('bearer');
    expect(Object.keys(bearer).filter((k) => k.startsWith('OAUTH_') || k === 'MCP_PUBLIC_URL')).toEqual([]);
  });
});
