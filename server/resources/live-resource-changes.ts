/**
 * Which plex:// resources a change from Plex's event stream makes out of date (server/live/plex-live.ts): the
 * resource side of the change map in server/live/change-map.ts.
 */

import { TIMELINE_CREATED, TIMELINE_DELETED } from '../live/plex-events.ts';
import type { LiveChange } from '../live/plex-live.ts';
import { FIXED_URIS, itemUri, LIBRARIES_URI, SERVER_URI, SESSIONS_URI } from './resource-uris.ts';

export function urisForChange(change: LiveChange): string[] {
  switch (change.kind) {
    case 'sessions':
      // Positions move while playing; the server resource only counts streams.
      return change.stateChanged ? [SESSIONS_URI, SERVER_URI] : [SESSIONS_URI];
    case 'stopped':
      return change.itemId ? [itemUri(change.itemId)] : [];
    case 'timeline':
      return change.entries.flatMap((e) =>
        e.state === TIMELINE_CREATED || e.state === TIMELINE_DELETED
          ? [itemUri(e.itemID), LIBRARIES_URI]
          : [itemUri(e.itemID)],
      );
    case 'activity':
      return change.activity.event === 'updated' || !change.activity.Activity.type.startsWith('library.')
        ? []
        : [LIBRARIES_URI];
    case 'resync':
      return [...FIXED_URIS];
  }
}
