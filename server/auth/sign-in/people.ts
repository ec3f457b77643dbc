// The people signed in with Plex, by the subject of their access tokens (their plex.tv account uuid): the Plex
// access each tool call of theirs uses. Sealed in the store (sealed-store.ts) like every other sign-in record.
// Ending a person's sign-in (their Plex token stopped working) removes the record and every grant they hold, so
// their access and refresh tokens stop working on every replica at once.

import type { PlexRole } from '../plex-tv/server-access.ts';
import type { SealedStore } from './sealed-store.ts';

export interface SignedInPerson {
  /** The access tokens' `sub`: the plex.tv account (or Home profile) uuid. Not a secret. */
  subject: string;
  username: string;
  /** Display name (a managed Home profile has only this). */
  title: string;
  role: PlexRole;
  /** Their access token for this Plex Media Server. A secret. */
  serverToken: string;
  /** Their plex.tv token (kept for Home switches and a later token refresh). A secret. */
  plexTvToken: string;
  signedInAt: number;
}

/** As long as the longest refresh token: a person who keeps using the server stays signed in. */
export const PERSON_TTL_SECONDS = 30 * 86_400;

export interface People {
  get(subject: string): Promise<SignedInPerson | undefined>;
  save(person: SignedInPerson): Promise<void>;
  /** Remembers a grant of this person's, so `end` revokes it too. */
  addGrant(subject: string, grantId: string): Promise<void>;
  /** Signs the person out everywhere: their record, their grants and every token of those grants. */
  end(subject: string): Promise<void>;
}

export function createPeople(store: SealedStore, revokeGrant: (grantId: string) => Promise<void>): People {
  const key = (subject: string) => `person:${subject}`;
  return {
    async get(subject) {
      const value = (await store.get(key(subject))) as SignedInPerson | undefined;
      return value?.subject === subject ? value : undefined;
    },
    save: (person) => store.set(key(person.subject), person, PERSON_TTL_SECONDS),
    addGrant: (subject, grantId) => store.addToSet(`person-grants:${subject}`, grantId, PERSON_TTL_SECONDS),
    async end(subject) {
      const grants = await store.members(`person-grants:${subject}`);
      await store.delete(key(subject), `person-grants:${subject}`);
      await Promise.all(grants.map((g) => revokeGrant(g)));
    },
  };
}
