// oidc-provider's storage adapter (its documented Adapter interface) over the sealed store: every record it keeps
// (sessions, interactions, authorization codes, refresh tokens, grants, registered clients) sealed, in Redis or
// memory. Records that belong to a grant are indexed by it so revoking the grant removes them all, and a code's
// `consumed` mark is stored, so a replayed code is refused on every replica.

import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { SealedStore } from './sealed-store.ts';

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

/** Registered clients have no expiry of their own in oidc-provider; a year of disuse forgets one. */
const NO_EXPIRY_SECONDS = 365 * 86_400;

export function providerAdapter(store: SealedStore): new (name: string) => Adapter {
  return class SealedAdapter implements Adapter {
    readonly #name: string;
    constructor(name: string) {
      this.#name = name;
    }
    #key(id: string): string {
      return `${this.#name}:${id}`;
    }
    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const ttl = expiresIn > 0 ? expiresIn : NO_EXPIRY_SECONDS;
      await store.set(this.#key(id), payload, ttl);
      if (GRANTABLE.has(this.#name) && payload.grantId)
        await store.addToSet(`grant:${payload.grantId}`, this.#key(id), ttl);
      if (payload.uid) await store.set(`uid:${this.#name}:${payload.uid}`, id, ttl);
      if (payload.userCode) await store.set(`userCode:${payload.userCode}`, id, ttl);
    }
    async find(id: string): Promise<AdapterPayload | undefined> {
      return (await store.get(this.#key(id))) as AdapterPayload | undefined;
    }
    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = await store.get(`uid:${this.#name}:${uid}`);
      return typeof id === 'string' ? this.find(id) : undefined;
    }
    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await store.get(`userCode:${userCode}`);
      return typeof id === 'string' ? this.find(id) : undefined;
    }
    async consume(id: string): Promise<void> {
      const payload = await this.find(id);
      if (!payload) return;
      const remaining = typeof payload.exp === 'number' ? payload.exp - Math.floor(Date.now() / 1000) : 60;
      await store.set(this.#key(id), { ...payload, consumed: Math.floor(Date.now() / 1000) }, remaining);
    }
    async destroy(id: string): Promise<void> {
      await store.delete(this.#key(id));
    }
    async revokeByGrantId(grantId: string): Promise<void> {
      const members = await store.members(`grant:${grantId}`);
      await store.delete(...members, `grant:${grantId}`);
    }
  };
}
