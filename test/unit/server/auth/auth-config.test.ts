import { describe, expect, it } from 'vitest';
import { allowedCategories, supportedScopes } from '../../../../server/auth/scopes.ts';
import { loadConfig } from '../../../../server/config/config.ts';
import { DEFAULT_OAUTH_SCOPES } from '../../../../server/config/env-schema.ts';

const BASE = { PLEX_SERVER_URL: 'http://127.0.0.1:32400', PLEX_TOKEN: 'plex-token' };
const TOKEN = 'a'.repeat(32);
const OAUTH = {
  MCP_PUBLIC_URL: 'https://plex-mcp.example.com/mcp',
  OAUTH_ISSUER: 'https://auth.example.com',
};

function problems(env: Record<string, string>): string[] {
  const result = loadConfig({ ...BASE, ...env }, 'http');
  return result.ok ? [] : result.problems;
}

describe('auth settings', () => {
  it('AUTH_MODE=plex needs MCP_PUBLIC_URL and PLEX_SIGN_IN_KEY, not AUTH_TOKEN or an issuer', () => {
    expect(problems({ AUTH_MODE: 'plex' })).toEqual([
      expect.stringMatching(/^MCP_PUBLIC_URL: is required with AUTH_MODE=plex/),
      expect.stringMatching(/^PLEX_SIGN_IN_KEY: is required with AUTH_MODE=plex/),
    ]);
    expect(
      problems({ AUTH_MODE: 'plex', MCP_PUBLIC_URL: OAUTH.MCP_PUBLIC_URL, PLEX_SIGN_IN_KEY: 'short' }),
    ).toEqual(['PLEX_SIGN_IN_KEY: must be at least 32 characters long']);
    const result = loadConfig(
      {
        ...BASE,
        AUTH_MODE: 'plex',
        MCP_PUBLIC_URL: OAUTH.MCP_PUBLIC_URL,
        PLEX_SIGN_IN_KEY: TOKEN,
        PLEX_ALLOWED_USERS: 'alice, Bob ,',
      },
      'http',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.server.authToken).toBeUndefined();
    expect(result.config.auth.oauth).toBeUndefined();
    expect(result.config.plex.plexTv).toEqual({
      url: 'https://plex.tv',
      resourcesUrl: 'https://clients.plex.tv',
    });
    expect(result.config.auth.plexSignIn).toEqual({
      key: TOKEN,
      allowedUsers: ['alice', 'Bob'],
      plexAppAuthUrl: 'https://app.plex.tv/auth',
      timeoutMs: 600_000,
      scopes: DEFAULT_OAUTH_SCOPES,
    });
  });

  it('default to AUTH_MODE=bearer with AUTH_TOKEN required, and no OAuth', () => {
    const result = loadConfig({ ...BASE, AUTH_TOKEN: TOKEN }, 'http');
    expect(result.ok && result.config.auth).toEqual({
      mode: 'bearer',
      publicUrl: undefined,
      oauth: undefined,
      plexSignIn: undefined,
    });
    expect(problems({})).toEqual([
      expect.stringMatching(/^AUTH_TOKEN: is required for the HTTP transport with AUTH_MODE=bearer/),
    ]);
  });

  it('AUTH_MODE=oauth needs MCP_PUBLIC_URL and OAUTH_ISSUER, not AUTH_TOKEN (and drops one that is set)', () => {
    expect(problems({ AUTH_MODE: 'oauth' })).toEqual([
      expect.stringMatching(/^MCP_PUBLIC_URL: is required with AUTH_MODE=oauth/),
      expect.stringMatching(/^OAUTH_ISSUER: is required with AUTH_MODE=oauth/),
    ]);
    const result = loadConfig({ ...BASE, ...OAUTH, AUTH_MODE: 'oauth', AUTH_TOKEN: TOKEN }, 'http');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.server.authToken).toBeUndefined();
    expect(result.config.auth.oauth).toEqual({
      issuer: OAUTH.OAUTH_ISSUER,
      audiences: [OAUTH.MCP_PUBLIC_URL],
      jwksUrl: undefined,
      scopes: DEFAULT_OAUTH_SCOPES,
      clockSkewSeconds: 30,
      jwksRefreshCooldownSeconds: 30,
      introspection: undefined,
    });
  });

  it('AUTH_MODE=bearer+oauth needs both the token and the OAuth settings', () => {
    expect(problems({ ...OAUTH, AUTH_MODE: 'bearer+oauth' })).toEqual([
      expect.stringMatching(/^AUTH_TOKEN: is required .*AUTH_MODE=bearer\+oauth/),
    ]);
    expect(problems({ AUTH_TOKEN: TOKEN, AUTH_MODE: 'bearer+oauth' })).toHaveLength(2);
  });

  it('refuses an unknown mode, a plain-http issuer off loopback, a URL with a query, and bad scope maps', () => {
    expect(problems({ AUTH_TOKEN: TOKEN, AUTH_MODE: 'saml' })).toEqual([
      'AUTH_MODE: must be one of bearer, oauth, bearer+oauth, plex',
    ]);
    const bad = problems({
      AUTH_MODE: 'oauth',
      MCP_PUBLIC_URL: 'https://plex-mcp.example.com/mcp?x=1',
      OAUTH_ISSUER: 'http://auth.example.com',
      OAUTH_SCOPES: 'write=plex:write',
    });
    expect(bad.map((p) => p.split(':')[0])).toEqual(['MCP_PUBLIC_URL', 'OAUTH_ISSUER', 'OAUTH_SCOPES']);
    expect(problems({ ...OAUTH, AUTH_MODE: 'oauth', OAUTH_ISSUER: 'http://127.0.0.1:8443' })).toEqual([]);
  });

  it('OAUTH_SCOPES overrides some categories, OAUTH_AUDIENCE takes a list, introspection needs all three', () => {
    const result = loadConfig(
      {
        ...BASE,
        ...OAUTH,
        AUTH_MODE: 'oauth',
        OAUTH_SCOPES: 'library=media:write, read=media:read',
        OAUTH_AUDIENCE: 'plex-mcp, https://plex-mcp.example.com/mcp',
      },
      'http',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const oauth = result.config.auth.oauth;
    expect(oauth?.scopes).toEqual({ read: 'media:read', playback: 'plex:playback', library: 'media:write' });
    expect(oauth?.audiences).toEqual(['plex-mcp', 'https://plex-mcp.example.com/mcp']);
    expect(
      problems({
        ...OAUTH,
        AUTH_MODE: 'oauth',
        OAUTH_INTROSPECTION_URL: 'https://auth.example.com/introspect',
      }),
    ).toEqual([
      expect.stringMatching(
        /^OAUTH_INTROSPECTION_CLIENT_ID: is required when OAUTH_INTROSPECTION_URL is set/,
      ),
      expect.stringMatching(
        /^OAUTH_INTROSPECTION_CLIENT_SECRET: is required when OAUTH_INTROSPECTION_URL is set/,
      ),
    ]);
  });

  it('never echoes the introspection secret in a problem', () => {
    const secret = 'x';
    const out = problems({ ...OAUTH, AUTH_MODE: 'oauth', OAUTH_INTROSPECTION_CLIENT_SECRET: secret });
    expect(out.length).toBeGreaterThan(0);
    expect(out.join('\n')).not.toMatch(/=x\b|"x"/);
  });
});

describe('scopes to tool categories', () => {
  const info = (scopes: string[]) => ({ token: 't', clientId: 'c', scopes });
  it('the static token (no AuthInfo) gets every category; a token those its scopes name', () => {
    expect([...allowedCategories(undefined, DEFAULT_OAUTH_SCOPES)]).toEqual(['read', 'playback', 'library']);
    expect([...allowedCategories(info(['plex:read', 'openid']), DEFAULT_OAUTH_SCOPES)]).toEqual(['read']);
    expect([...allowedCategories(info(['plex:library']), DEFAULT_OAUTH_SCOPES)]).toEqual(['library']);
    expect([...allowedCategories(info([]), DEFAULT_OAUTH_SCOPES)]).toEqual([]);
    expect(supportedScopes(DEFAULT_OAUTH_SCOPES)).toEqual(['plex:read', 'plex:playback', 'plex:library']);
  });
});
