// The family the "Sign in with Plex" tests and `npm run demo -- --plex-sign-in` use: an owner, a Home member with a
// PIN, a managed kid profile with a PIN, a friend the server shares one library with, and a stranger. The same
// people on both doubles: plex.tv (accounts, resources with each one's server token) and the Plex Media Server
// (each token with its own watch state and sharing).
import { randomBytes } from 'node:crypto';
import type { SimPersonOptions } from './people.ts';
import type { PlexTvPersonOptions } from './plex-tv.ts';

export interface Household {
  /** The owner's server token: PLEX_TOKEN, and the owner's resources accessToken. */
  ownerToken: string;
  plexTv: PlexTvPersonOptions[];
  sim: SimPersonOptions[];
}

const token = () => randomBytes(15).toString('base64url');

export function household(): Household {
  const ownerToken = token();
  const partner = token();
  const kid = token();
  const friend = token();
  return {
    ownerToken,
    plexTv: [
      { id: 1, username: 'owner', title: 'Olivia', access: 'owner', serverToken: ownerToken },
      { id: 11, username: 'partner', title: 'Pat', access: 'home', serverToken: partner, pin: '2468' },
      { id: 12, username: 'kid', title: 'Kid', access: 'home', serverToken: kid, managed: true, pin: '1357' },
      { id: 21, username: 'friend', title: 'Fran', access: 'friend', serverToken: friend },
      { id: 31, username: 'stranger', title: 'Stan', access: 'none' },
    ],
    sim: [
      { token: partner, accountID: 20_000_011, name: 'partner' },
      { token: kid, accountID: 20_000_012, name: 'Kid' },
      { token: friend, accountID: 30_000_021, name: 'friend', sections: ['1'] },
    ],
  };
}
