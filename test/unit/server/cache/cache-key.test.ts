import { describe, expect, it } from 'vitest';
import { cacheKey, canonicalArgs, kindPrefix, plexServerId } from '../../../../server/cache/cache-key.ts';

describe('cache keys', () => {
  const server = plexServerId('http://plex.local:32400');

  it('has the documented shape', () => {
    expect(cacheKey(server, 'search', { query: 'alien' })).toMatch(
      /^plexmcp:v1:[0-9a-f]{16}:search:[0-9a-f]{64}$/,
    );
  });

  it('ignores key order, omitted/null arguments, surrounding whitespace and Unicode composition', () => {
    const a = cacheKey(server, 'search', { query: 'Amélie', limit: 10 });
    expect(cacheKey(server, 'search', { limit: 10, query: 'Amélie' })).toBe(a);
    expect(
      cacheKey(server, 'search', { limit: 10, query: '  Amélie ', library: undefined, media_type: null }),
    ).toBe(a);
    // "e" + combining acute accent (NFD) is the same title as the precomposed "é" (NFC).
    expect(cacheKey(server, 'search', { query: 'Ame\u0301lie', limit: 10 })).toBe(a);
  });

  it('keeps different arguments, kinds and servers apart', () => {
    const base = cacheKey(server, 'search', { query: 'alien', limit: 10 });
    expect(cacheKey(server, 'search', { query: 'alien', limit: 11 })).not.toBe(base);
    expect(cacheKey(server, 'search', { query: 'Alien', limit: 10 })).not.toBe(base);
    expect(cacheKey(server, 'recentlyAdded', { query: 'alien', limit: 10 })).not.toBe(base);
    expect(cacheKey(plexServerId('http://other:32400'), 'search', { query: 'alien', limit: 10 })).not.toBe(
      base,
    );
    // A number and its string form are different arguments.
    expect(cacheKey(server, 'mediaDetails', { media_id: '1' })).not.toBe(
      cacheKey(server, 'mediaDetails', { media_id: 1 }),
    );
  });

  it('canonicalises nested objects and arrays deterministically', () => {
    expect(canonicalArgs({ b: [3, { y: 1, x: ' a ' }], a: true })).toBe('{"a":true,"b":[3,{"x":"a","y":1}]}');
  });

  it('derives one server id per Plex server, never exposing its URL or credentials', () => {
    expect(plexServerId('http://plex.local:32400/')).toBe(server);
    expect(plexServerId('http://PLEX.local:32400')).toBe(server);
    expect(plexServerId('http://user:secret@plex.local:32400')).toBe(server);
    expect(plexServerId('https://plex.local:32400')).not.toBe(server);
    const key = cacheKey(plexServerId('http://user:secret@plex.local:32400'), 'libraries', {});
    expect(key).not.toContain('secret');
    expect(key).not.toContain('plex.local');
  });

  it('puts every key of a kind under that kind prefix', () => {
    expect(cacheKey(server, 'sessions', { user: 'ann' }).startsWith(kindPrefix(server, 'sessions'))).toBe(
      true,
    );
    expect(cacheKey(server, 'search', { user: 'ann' }).startsWith(kindPrefix(server, 'sessions'))).toBe(
      false,
    );
  });
});
