/** The plex:// resources this server offers, and which of them a change makes out of date. */
import type { CacheableKind } from '../cache/tool-cache.ts';

export const SERVER_URI = 'plex://server';
export const LIBRARIES_URI = 'plex://libraries';
export const SESSIONS_URI = 'plex://sessions';
export const PLAYLISTS_URI = 'plex://playlists';
export const ITEM_TEMPLATE = 'plex://item/{id}';

export const itemUri = (id: string): string => `plex://item/${id}`;

export const FIXED_URIS = [SERVER_URI, LIBRARIES_URI, SESSIONS_URI, PLAYLISTS_URI] as const;

/** Resources whose content a dropped cache kind changes (a write through a tool on this replica). */
export function urisForKind(kind: CacheableKind): string[] {
  switch (kind) {
    case 'sessions':
      return [SESSIONS_URI, SERVER_URI];
    case 'libraries':
      return [LIBRARIES_URI];
    case 'playlists':
      return [PLAYLISTS_URI];
    default:
      return [];
  }
}
