// The generated catalog: deterministic per seed, counts that add up to `items`, consistent hierarchy, and
// Plex's units (ms durations/offsets, unix-second timestamps, YYYY-MM-DD dates).

import { describe, expect, it } from 'vitest';
import { generateCatalog, leavesOf, type SimItem, splitCount } from '../../plex-sim/catalog.ts';
import { createPrng } from '../../plex-sim/prng.ts';

const YEAR_2000 = 946_684_800;
const YEAR_2030 = 1_893_456_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function allItems(c: ReturnType<typeof generateCatalog>): SimItem[] {
  return [
    c.movies,
    c.shows,
    c.seasons,
    c.episodes,
    c.artists,
    c.albums,
    c.tracks,
    c.photoAlbums,
    c.photos,
  ].flat();
}

describe('generateCatalog', () => {
  it('is deterministic: the same seed and size give an identical catalog', () => {
    const a = generateCatalog({ seed: 7, items: 150 });
    const b = generateCatalog({ seed: 7, items: 150 });
    expect(JSON.stringify(allItems(a))).toBe(JSON.stringify(allItems(b)));
    expect(a.server.machineIdentifier).toBe(b.server.machineIdentifier);
    expect(a.players).toEqual(b.players);
  });

  it('differs for a different seed', () => {
    const a = generateCatalog({ seed: 1, items: 150 });
    const b = generateCatalog({ seed: 2, items: 150 });
    expect(a.movies.map((m) => m.title)).not.toEqual(b.movies.map((m) => m.title));
    expect(a.server.machineIdentifier).not.toBe(b.server.machineIdentifier);
  });

  it.each([20, 200, 1234, 5000])('makes movies + episodes + tracks + photos add up to items=%i', (items) => {
    const c = generateCatalog({ items });
    expect(c.movies.length + c.episodes.length + c.tracks.length + c.photos.length).toBe(items);
    expect(c.movies.length).toBe(Math.round(items * 0.4));
    expect(c.shows.length).toBeGreaterThanOrEqual(2);
    expect(c.artists.length).toBeGreaterThanOrEqual(1);
    expect(c.photoAlbums.length).toBeGreaterThanOrEqual(1);
  });

  it('has the four sections with Plex ids and types', () => {
    const c = generateCatalog();
    expect(c.sections.map((s) => [s.key, s.type, s.title])).toEqual([
      ['1', 'movie', 'Movies'],
      ['2', 'show', 'TV Shows'],
      ['3', 'artist', 'Music'],
      ['4', 'photo', 'Photos'],
    ]);
  });

  it('gives every item a unique string ratingKey and a key that points at it', () => {
    const c = generateCatalog({ items: 500 });
    const items = allItems(c);
    expect(new Set(items.map((i) => i.ratingKey)).size).toBe(items.length);
    for (const item of items) {
      expect(item.ratingKey).toMatch(/^\d+$/);
      expect(c.byRatingKey.get(item.ratingKey)).toBe(item);
      expect(item.key.startsWith(`/library/metadata/${item.ratingKey}`)).toBe(true);
    }
  });

  it('uses milliseconds for durations and unix seconds for timestamps', () => {
    const c = generateCatalog({ items: 300 });
    for (const movie of c.movies) {
      expect(movie.duration).toBeGreaterThanOrEqual(80 * 60_000);
      expect(movie.duration).toBeLessThan(166 * 60_000);
    }
    for (const track of c.tracks) {
      expect(track.duration).toBeGreaterThanOrEqual(120_000);
      expect(track.duration).toBeLessThan(421_000);
    }
    for (const item of allItems(c)) {
      expect(item.addedAt).toBeGreaterThan(YEAR_2000);
      expect(item.addedAt).toBeLessThan(YEAR_2030);
      expect(item.updatedAt).toBeGreaterThanOrEqual(item.addedAt);
      if (item.lastViewedAt !== undefined) expect(item.lastViewedAt).toBeLessThan(YEAR_2030);
      if (item.originallyAvailableAt !== undefined) expect(item.originallyAvailableAt).toMatch(DATE);
      if (item.viewOffset !== undefined) {
        expect(item.viewOffset).toBeGreaterThan(0);
        expect(item.viewOffset).toBeLessThan(item.duration ?? 0);
      }
    }
  });

  it('gives movies full tags, media, contiguous chapters and markers inside the duration', () => {
    const c = generateCatalog();
    for (const movie of c.movies) {
      const duration = movie.duration ?? 0;
      expect(movie.Genre?.length).toBeGreaterThan(0);
      expect(movie.Director?.length).toBeGreaterThan(0);
      expect(movie.Writer?.length).toBeGreaterThan(0);
      expect(movie.Country?.length).toBeGreaterThan(0);
      expect(movie.Role?.length).toBeGreaterThanOrEqual(4);
      for (const role of movie.Role ?? []) {
        expect(role.role).toBeTruthy();
        expect(role.thumb).toMatch(/^https:\/\//);
        expect(role.filter).toBe(`actor=${role.id}`);
      }
      const part = movie.Media?.[0]?.Part[0];
      expect(part?.Stream.map((s) => s.streamType).slice(0, 2)).toEqual([1, 2]);
      const chapters = movie.Chapter ?? [];
      expect(chapters[0]?.startTimeOffset).toBe(0);
      expect(chapters.at(-1)?.endTimeOffset).toBe(duration);
      for (const [i, chapter] of chapters.slice(1).entries()) {
        expect(chapter.startTimeOffset).toBe(chapters[i]?.endTimeOffset);
      }
      for (const marker of movie.Marker ?? []) {
        expect(marker.startTimeOffset).toBeLessThan(marker.endTimeOffset);
        expect(marker.endTimeOffset).toBeLessThanOrEqual(duration);
      }
    }
  });

  it('links shows → seasons → episodes and artists → albums → tracks with parent/grandparent fields', () => {
    const c = generateCatalog({ items: 400 });
    for (const show of c.shows) {
      const seasons = c.childrenOf.get(show.ratingKey) ?? [];
      expect(seasons.length).toBe(show.childCount);
      const episodes = leavesOf(c, show);
      expect(episodes.length).toBe(show.leafCount);
      seasons.forEach((season, s) => {
        expect(season.index).toBe(s + 1);
        expect(season.parentRatingKey).toBe(show.ratingKey);
        (c.childrenOf.get(season.ratingKey) ?? []).forEach((episode, e) => {
          expect(episode.type).toBe('episode');
          expect(episode.index).toBe(e + 1);
          expect(episode.parentIndex).toBe(season.index);
          expect(episode.parentRatingKey).toBe(season.ratingKey);
          expect(episode.grandparentRatingKey).toBe(show.ratingKey);
          expect(episode.grandparentTitle).toBe(show.title);
        });
      });
      expect(show.viewedLeafCount).toBe(episodes.filter((e) => e.viewCount).length);
    }
    for (const track of c.tracks) {
      const album = c.byRatingKey.get(track.parentRatingKey ?? '');
      expect(album?.type).toBe('album');
      expect(track.grandparentRatingKey).toBe(album?.parentRatingKey);
    }
    for (const photo of c.photos)
      expect(c.byRatingKey.get(photo.parentRatingKey ?? '')?.type).toBe('photoalbum');
  });

  it('always has something on deck: an in-progress movie and a partly watched show', () => {
    for (const seed of [1, 2, 3, 99]) {
      const c = generateCatalog({ seed, items: 40 });
      expect(c.movies.some((m) => m.viewOffset)).toBe(true);
      expect(
        c.shows.some((s) => (s.viewedLeafCount ?? 0) > 0 && (s.viewedLeafCount ?? 0) < (s.leafCount ?? 0)),
      ).toBe(true);
    }
  });

  it('has three accounts and three players with distinct machine identifiers', () => {
    const c = generateCatalog();
    expect(c.accounts.map((a) => a.name)).toEqual(['plexadmin', 'alice', 'bob']);
    expect(new Set(c.players.map((p) => p.machineIdentifier)).size).toBe(3);
  });
});

describe('splitCount', () => {
  it('splits into positive parts with an exact sum', () => {
    const rng = createPrng(5);
    for (const [total, parts] of [
      [10, 3],
      [7, 7],
      [1000, 13],
    ] as const) {
      const counts = splitCount(rng, total, parts);
      expect(counts).toHaveLength(parts);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
    }
  });

  it('refuses a split that cannot give every part at least one', () => {
    expect(() => splitCount(createPrng(1), 2, 3)).toThrow();
  });
});
