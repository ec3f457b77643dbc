// spec.auth: its CEL rules (and their TypeScript twins, which the operator's parser applies), and what each mode
// renders: the ConfigMap settings the server reads, the bearer Secret only in the bearer modes.
import { describe, expect, it } from 'vitest';
import { renderPlexMcpServer } from '../../../cdk8s/plex-mcp-server/index.ts';
import { renderManifestsYaml } from '../../../cdk8s/render/render-manifests.ts';
import { parsePlexMcpServer } from '../../../operator/api/v1alpha1/index.ts';
import { find, makeInputs, makeResource } from '../cdk8s/fixtures.ts';

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
