import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../server/config/config.ts';

const BASE = {
  PLEX_SERVER_URL: 'http://plex.local:32400/',
  PLEX_TOKEN: 'plex-token',
  AUTH_TOKEN: 'a'.repeat(32),
};

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const result = loadConfig(BASE, 'http');
    if (!result.ok) throw new Error(result.problems.join());
    const c = result.config;
    expect(c.server).toMatchObject({ host: '127.0.0.1', port: 8080, allowedOrigins: [] });
    expect(c.plex).toMatchObject({
      url: 'http://plex.local:32400',
      timeoutMs: 30_000,
      maxConnections: 10,
      maxResponseBytes: 32 * 1024 * 1024,
    });
    expect(c.plex.clientIdentifier).toMatch(/^plex-mcp-[0-9a-f]{24}$/);
    expect(c.cache).toEqual({
      enabled: true,
      ttlSeconds: {
        search: 300,
        mediaDetails: 900,
        libraries: 900,
        sessions: 30,
        recentlyAdded: 120,
        onDeck: 120,
        poster: 86_400,
        accounts: 900,
        history: 60,
        browse: 300,
        playlists: 120,
        players: 30,
      },
      staleSeconds: 86_400,
      maxBytes: 48 * 1024 * 1024,
    });
    expect(c.redis).toEqual({ url: undefined, password: undefined, tls: false });
    expect(c.posters).toEqual({ width: 240, maxBytesPerImage: 65_536, maxBytesPerResult: 524_288 });
    expect(c.logLevel).toBe('info');
    expect(c.tools).toEqual({ writeAccess: 'library', libraries: [], confirmKey: undefined });
  });

  it('reads WRITE_ACCESS, PLEX_LIBRARIES and CONFIRM_TOKEN_KEY, and refuses a bad level or a short key', () => {
    const result = loadConfig(
      { ...BASE, WRITE_ACCESS: 'Playback', PLEX_LIBRARIES: 'Movies, 2,,', CONFIRM_TOKEN_KEY: 'k'.repeat(32) },
      'http',
    );
    if (!result.ok) throw new Error(result.problems.join());
    expect(result.config.tools).toEqual({
      writeAccess: 'playback',
      libraries: ['Movies', '2'],
      confirmKey: 'k'.repeat(32),
    });
    const bad = loadConfig({ ...BASE, WRITE_ACCESS: 'all', CONFIRM_TOKEN_KEY: 'short' }, 'http');
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems).toEqual([
      'CONFIRM_TOKEN_KEY: must be at least 32 characters long',
      'WRITE_ACCESS: must be one of none, playback, library',
    ]);
  });

  it('refuses a PLEX_SERVER_URL copied from Plex Web, saying which URL to use; a proxy base path is fine', () => {
    for (const url of [
      'http://host:32400/web/index.html#!/',
      'http://host:32400/#!/',
      'http://host:32400/web',
    ]) {
      const result = loadConfig({ ...BASE, PLEX_SERVER_URL: url }, 'http');
      expect(result.ok, url).toBe(false);
      if (result.ok) continue;
      expect(result.problems).toEqual([
        "PLEX_SERVER_URL: is the Plex Web app's address; use the server's base URL without /web or #..., e.g. http://host:32400",
      ]);
    }
    const proxied = loadConfig({ ...BASE, PLEX_SERVER_URL: 'https://example.com/plex/' }, 'http');
    expect(proxied.ok && proxied.config.plex.url).toBe('https://example.com/plex');
  });

  it('parses every override', () => {
    const result = loadConfig(
      {
        ...BASE,
        SERVER_HOST: '0.0.0.0',
        SERVER_PORT: '9000',
        PLEX_TIMEOUT: '2.5',
        PLEX_MAX_CONNECTIONS: '4',
        PLEX_CLIENT_IDENTIFIER: 'my-id',
        REDIS_URL: 'rediss://redis:6380/1',
        REDIS_PASSWORD: 'pw',
        REDIS_TLS: 'TRUE',
        CACHE_ENABLED: 'false',
        CACHE_TTL_SESSIONS: '5',
        CACHE_STALE_TTL: '0',
        MCP_ALLOWED_ORIGINS: 'https://App.example.com, claude.ai',
        LOG_LEVEL: 'DEBUG',
        POSTER_WIDTH: '320',
        POSTER_MAX_BYTES: '2048',
        POSTER_RESULT_MAX_BYTES: '8192',
        CACHE_TTL_POSTER: '60',
      },
      'http',
    );
    if (!result.ok) throw new Error(result.problems.join());
    const c = result.config;
    expect(c.server).toMatchObject({
      host: '0.0.0.0',
      port: 9000,
      allowedOrigins: ['https://app.example.com', 'https://claude.ai'],
    });
    expect(c.plex).toMatchObject({ timeoutMs: 2_500, maxConnections: 4, clientIdentifier: 'my-id' });
    expect(c.redis).toEqual({ url: 'rediss://redis:6380/1', password: 'pw', tls: true });
    expect(c.cache.enabled).toBe(false);
    expect(c.cache.ttlSeconds.sessions).toBe(5);
    expect(c.cache.staleSeconds).toBe(0);
    expect(c.logLevel).toBe('debug');
    expect(c.posters).toEqual({ width: 320, maxBytesPerImage: 2048, maxBytesPerResult: 8192 });
    expect(c.cache.ttlSeconds.poster).toBe(60);
  });

  it('keeps the same derived client identifier for the same Plex URL', () => {
    const a = loadConfig(BASE, 'http');
    const b = loadConfig({ ...BASE, AUTH_TOKEN: 'b'.repeat(40) }, 'http');
    const other = loadConfig({ ...BASE, PLEX_SERVER_URL: 'http://other:32400' }, 'http');
    if (!a.ok || !b.ok || !other.ok) throw new Error('config');
    expect(a.config.plex.clientIdentifier).toBe(b.config.plex.clientIdentifier);
    expect(a.config.plex.clientIdentifier).not.toBe(other.config.plex.clientIdentifier);
  });

  it('needs AUTH_TOKEN for HTTP but not for stdio', () => {
    const { AUTH_TOKEN: _, ...withoutAuth } = BASE;
    const http = loadConfig(withoutAuth, 'http');
    expect(http.ok).toBe(false);
    if (!http.ok) expect(http.problems).toEqual([expect.stringMatching(/^AUTH_TOKEN: is required/)]);
    expect(loadConfig(withoutAuth, 'stdio').ok).toBe(true);
  });

  it('reports one line per bad variable without echoing values', () => {
    const secret = 'short-secret';
    const result = loadConfig(
      {
        ...BASE,
        AUTH_TOKEN: secret,
        SERVER_PORT: '70000',
        CACHE_TTL_ON_DECK: '86401',
        REDIS_URL: `redis://:${secret}@x:y`,
      },
      'http',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.split(':')[0])).toEqual([
      'AUTH_TOKEN',
      'CACHE_TTL_ON_DECK',
      'REDIS_URL',
      'SERVER_PORT',
    ]);
    expect(result.problems.join('\n')).not.toContain(secret);
  });
});
