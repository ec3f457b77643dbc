/**
 * The binary refuses a bad environment: exit code != 0 (78, EX_CONFIG), one stderr line per bad variable naming
 * it, and never the value of a secret.
 */
import { describe, expect, it } from 'vitest';
import { MAIN_TS, spawnServer } from './support/spawn-server.ts';

const SHORT_AUTH = 'short-auth-token-value-x';
const PLEX_SECRET = 'plex-secret-value-that-must-not-print';
const REDIS_SECRET = 'redis-password-in-url-must-not-print';

describe('configuration errors', () => {
  it('exits 78 with one line per problem, naming each variable and no secret value', async () => {
    const server = spawnServer(MAIN_TS, [], {
      PLEX_SERVER_URL: 'ftp://plex.local',
      PLEX_TOKEN: PLEX_SECRET,
      AUTH_TOKEN: SHORT_AUTH,
      SERVER_PORT: 'eighty',
      PLEX_TIMEOUT: '-3',
      CACHE_ENABLED: 'maybe',
      CACHE_TTL_SEARCH: '0',
      REDIS_URL: `http://user:${REDIS_SECRET}@redis:6379`,
      LOG_LEVEL: 'loud',
    });
    const code = await server.exited;
    expect(code).toBe(78);
    const stderr = server.stderr();
    const problems = stderr
      .split('\n')
      .filter((l) => l.startsWith('  '))
      .map((l) => l.trim());
    const variables = problems.map((l) => l.split(':')[0]);
    expect(variables).toEqual([
      'AUTH_TOKEN',
      'CACHE_ENABLED',
      'CACHE_TTL_SEARCH',
      'LOG_LEVEL',
      'PLEX_SERVER_URL',
      'PLEX_TIMEOUT',
      'REDIS_URL',
      'SERVER_PORT',
    ]);
    expect(stderr).toContain('AUTH_TOKEN: must be at least 32 characters long');
    for (const secret of [SHORT_AUTH, PLEX_SECRET, REDIS_SECRET]) expect(stderr).not.toContain(secret);
    expect(server.stdout()).toBe('');
  });

  it('names missing required variables; AUTH_TOKEN is required for HTTP only', async () => {
    const http = spawnServer(MAIN_TS, [], {});
    expect(await http.exited).toBe(78);
    expect(http.stderr()).toMatch(/^ {2}AUTH_TOKEN: is required/m);
    expect(http.stderr()).toMatch(/^ {2}PLEX_SERVER_URL: is required$/m);
    expect(http.stderr()).toMatch(/^ {2}PLEX_TOKEN: is required$/m);

    const stdio = spawnServer(MAIN_TS, ['--stdio'], { PLEX_TOKEN: PLEX_SECRET });
    expect(await stdio.exited).toBe(78);
    expect(stdio.stderr()).not.toContain('AUTH_TOKEN');
    expect(stdio.stderr()).toMatch(/^ {2}PLEX_SERVER_URL: is required$/m);
    expect(stdio.stderr()).not.toContain(PLEX_SECRET);
    expect(stdio.stdout()).toBe('');
  });

  it('rejects unknown arguments with exit code 2', async () => {
    const server = spawnServer(MAIN_TS, ['--bogus'], {});
    expect(await server.exited).toBe(2);
    expect(server.stderr()).toContain('--bogus');
  });
});
