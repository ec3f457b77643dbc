// Playback history (/status/sessions/history/all): who watched what, when, on which device. Generated from the
// catalog's watch state (the owner's views) plus recent views by the other accounts, all relative to the
// catalog's "now"; playback that finishes adds an entry, a scrobble does not (REFERENCE.md §3.10).

import type { SimCatalog, SimItem } from './catalog.ts';
import { createPrng } from './prng.ts';
import type { Json } from './render.ts';

export interface SimHistoryEntry {
  historyId: number;
  ratingKey: string;
  accountID: number;
  /** Id of a `/devices` entry (the player). */
  deviceID: number;
  /** Unix seconds. */
  viewedAt: number;
}

export interface SimDevice {
  id: number;
  name: string;
  platform: string;
  clientIdentifier: string;
  createdAt: number;
}

export interface HistoryFilter {
  accountID?: number | undefined;
  librarySectionID?: number | undefined;
  metadataItemID?: string | undefined;
  /** viewedAt>=value (or > when `exclusive`). */
  viewedAtMin?: { value: number; exclusive: boolean } | undefined;
  viewedAtMax?: { value: number; exclusive: boolean } | undefined;
}

const DAY = 86_400;

/** The devices PMS knows: one per player, ids in player order. */
export function devicesOf(catalog: SimCatalog): SimDevice[] {
  return catalog.players.map((p, i) => ({
    id: i + 1,
    name: p.name,
    platform: p.platform,
    clientIdentifier: p.machineIdentifier,
    createdAt: catalog.now - (400 - i * 50) * DAY,
  }));
}

export class HistoryStore {
  readonly #catalog: SimCatalog;
  #entries: SimHistoryEntry[] = [];
  #nextId = 1;

  constructor(catalog: SimCatalog) {
    this.#catalog = catalog;
    this.reset();
  }

  reset(): void {
    this.#entries = generateHistory(this.#catalog);
    this.#nextId = this.#entries.length + 1;
  }

  add(entry: Omit<SimHistoryEntry, 'historyId'>): SimHistoryEntry {
    const added = { ...entry, historyId: this.#nextId++ };
    this.#entries.push(added);
    return added;
  }

  get(historyId: number): SimHistoryEntry | undefined {
    return this.#entries.find((e) => e.historyId === historyId);
  }

  remove(historyId: number): boolean {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((e) => e.historyId !== historyId);
    return this.#entries.length < before;
  }

  /** Matching entries, newest first (PMS's order for sort=viewedAt:desc; `asc` reverses it). */
  list(filter: HistoryFilter, ascending = false): SimHistoryEntry[] {
    const c = this.#catalog;
    const within = (entry: SimHistoryEntry): boolean => {
      const item = c.byRatingKey.get(entry.ratingKey);
      if (filter.accountID !== undefined && entry.accountID !== filter.accountID) return false;
      if (filter.librarySectionID !== undefined && item?.librarySectionID !== filter.librarySectionID)
        return false;
      if (
        filter.metadataItemID !== undefined &&
        entry.ratingKey !== filter.metadataItemID &&
        item?.parentRatingKey !== filter.metadataItemID &&
        item?.grandparentRatingKey !== filter.metadataItemID
      )
        return false;
      const min = filter.viewedAtMin;
      if (min && (min.exclusive ? entry.viewedAt <= min.value : entry.viewedAt < min.value)) return false;
      const max = filter.viewedAtMax;
      if (max && (max.exclusive ? entry.viewedAt >= max.value : entry.viewedAt > max.value)) return false;
      return true;
    };
    const out = this.#entries
      .filter(within)
      .sort((a, b) => b.viewedAt - a.viewedAt || b.historyId - a.historyId);
    return ascending ? out.reverse() : out;
  }
}

/** One history entry as PMS sends it (REFERENCE.md §3.9; librarySectionID is a string there). */
export function historyMetadata(entry: SimHistoryEntry, item: SimItem): Json {
  const out: Json = {
    historyKey: `/status/sessions/history/${entry.historyId}`,
    key: item.key,
    ratingKey: item.ratingKey,
    librarySectionID: String(item.librarySectionID),
    title: item.title,
    type: item.type,
    thumb: item.thumb,
    viewedAt: entry.viewedAt,
    accountID: entry.accountID,
    deviceID: entry.deviceID,
  };
  if (item.originallyAvailableAt) out.originallyAvailableAt = item.originallyAvailableAt;
  if (item.index !== undefined) out.index = item.index;
  if (item.parentIndex !== undefined) out.parentIndex = item.parentIndex;
  if (item.parentTitle) out.parentTitle = item.parentTitle;
  if (item.grandparentTitle) out.grandparentTitle = item.grandparentTitle;
  if (item.parentKey) out.parentKey = item.parentKey;
  if (item.grandparentKey) out.grandparentKey = item.grandparentKey;
  return out;
}

/**
 * The owner's last view of every watched movie, episode and track (at its lastViewedAt, on the TV for video and
 * the iPad for music), then a deterministic set of recent views by the other accounts (the last 3 weeks).
 */
function generateHistory(catalog: SimCatalog): SimHistoryEntry[] {
  const rng = createPrng(catalog.seed ^ 0x5eed);
  const [owner, ...others] = catalog.accounts;
  const entries: Omit<SimHistoryEntry, 'historyId'>[] = [];
  if (owner) {
    for (const item of [...catalog.movies, ...catalog.episodes, ...catalog.tracks]) {
      if (!item.viewCount || item.lastViewedAt === undefined) continue;
      entries.push({
        ratingKey: item.ratingKey,
        accountID: owner.id,
        deviceID: item.type === 'track' ? 2 : 1,
        viewedAt: item.lastViewedAt,
      });
    }
  }
  const pool = [...catalog.movies, ...catalog.episodes, ...catalog.tracks];
  others.forEach((account, a) => {
    const views = 6 + rng.int(0, 6);
    for (let i = 0; i < views && pool.length > 0; i++) {
      const item = pool[rng.int(0, pool.length - 1)] as SimItem;
      entries.push({
        ratingKey: item.ratingKey,
        accountID: account.id,
        deviceID: 2 + ((a + i) % Math.max(1, catalog.players.length - 1)),
        viewedAt: catalog.now - rng.int(600, 21 * DAY),
      });
    }
  });
  // Ids in time order, as a real server assigns them.
  entries.sort((x, y) => x.viewedAt - y.viewedAt || Number(x.ratingKey) - Number(y.ratingKey));
  return entries.map((e, i) => ({ ...e, historyId: i + 1 }));
}
