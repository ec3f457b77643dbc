import { describe, expect, it } from 'vitest';
import {
  referencedSecretNames,
  SecretReferenceIndex,
  splitKey,
} from '../../../../operator/controller/secret-reference-index.ts';

const pms = (namespace: string, name: string, token?: string, redisPassword?: string) => ({
  metadata: { namespace, name },
  spec: {
    plex: { url: 'http://plex:32400', ...(token ? { tokenSecretRef: { name: token } } : {}) },
    ...(redisPassword
      ? { redis: { mode: 'External', external: { passwordSecretRef: { name: redisPassword } } } }
      : {}),
  },
});

describe('SecretReferenceIndex', () => {
  it('maps a Secret to every resource of its namespace that references it', () => {
    const index = new SecretReferenceIndex();
    index.update(pms('a', 'one', 'plex-token'));
    index.update(pms('a', 'two', 'plex-token', 'redis-pw'));
    index.update(pms('b', 'three', 'plex-token'));
    expect(index.resourcesReferencing('a', 'plex-token').sort()).toEqual(['a/one', 'a/two']);
    expect(index.resourcesReferencing('a', 'redis-pw')).toEqual(['a/two']);
    expect(index.resourcesReferencing('b', 'plex-token')).toEqual(['b/three']);
    expect(index.resourcesReferencing('b', 'redis-pw')).toEqual([]);
  });

  it('follows a changed reference and forgets deleted resources', () => {
    const index = new SecretReferenceIndex();
    index.update(pms('a', 'one', 'old-token'));
    index.update(pms('a', 'one', 'new-token'));
    expect(index.resourcesReferencing('a', 'old-token')).toEqual([]);
    expect(index.resourcesReferencing('a', 'new-token')).toEqual(['a/one']);
    index.remove(pms('a', 'one', 'new-token'));
    expect(index.resourcesReferencing('a', 'new-token')).toEqual([]);
  });

  it('reads references leniently from invalid objects', () => {
    expect(referencedSecretNames({ spec: { plex: { tokenSecretRef: { name: 42 } } } })).toEqual([]);
    expect(referencedSecretNames({})).toEqual([]);
    expect(referencedSecretNames(pms('a', 'x', 's', 's'))).toEqual(['s']);
  });

  it('splits keys at the first slash', () => {
    expect(splitKey('ns/name')).toEqual({ namespace: 'ns', name: 'name' });
  });
});
