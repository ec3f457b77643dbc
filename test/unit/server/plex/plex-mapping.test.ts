import { describe, expect, it } from 'vitest';
import {
  isPlexUnavailable,
  PlexBadResponseError,
  PlexNotFoundError,
  PlexUnauthorizedError,
  PlexUnavailableError,
} from '../../../../server/plex/errors.ts';
import { toMediaDetails, toMediaItem, toPlaybackSession } from '../../../../server/plex/mappers.ts';
import {
  HubsContainer,
  MediaItemContainer,
  MetadataContainer,
} from '../../../../server/plex/response-schemas.ts';
import { PlexCircuitOpenError, PlexTimeoutError } from '../../../../server/resilience/plex-failure.ts';
import { toToolError } from '../../../../server/tools/tool-error.ts';

describe('lenient Plex response schemas', () => {
  it('coerces numbers and booleans sent as strings, defaults missing arrays, drops broken members', () => {
    const parsed = MetadataContainer.parse({
      MediaContainer: {
        size: '2',
        librarySectionID: 1,
        Metadata: [
          {
            ratingKey: 150,
            type: 'episode',
            title: 'The Illusion of Truth',
            grandparentTitle: 'Babylon 5',
            parentIndex: '4',
            index: 8,
            duration: '2625089',
            addedAt: 1348327790,
            Genre: { tag: 'Sci-Fi' },
            Player: { state: 'paused', local: '1' },
          },
          { title: 'no ratingKey: dropped' },
        ],
      },
    });
    expect(parsed.MediaContainer.Metadata).toHaveLength(1);
    const m = parsed.MediaContainer.Metadata[0];
    expect(m).toMatchObject({ ratingKey: '150', parentIndex: 4, duration: 2625089, Role: [], Media: [] });
    expect(m?.Genre).toEqual([{ tag: 'Sci-Fi' }]);
    expect(m?.Player?.local).toBe(true);
    expect(parsed.MediaContainer.librarySectionID).toBe('1');
  });

  it('rejects a body without MediaContainer', () => {
    expect(HubsContainer.safeParse({ hello: 'world' }).success).toBe(false);
    expect(HubsContainer.safeParse('<html>').success).toBe(false);
  });

  it('keeps item hubs and tolerates tag hubs and empty hubs', () => {
    const parsed = HubsContainer.parse({
      MediaContainer: {
        Hub: [
          { type: 'movie', Metadata: [{ ratingKey: '1973', type: 'movie', title: 'W', score: '0.73' }] },
          { type: 'actor', Directory: [{ tag: 'Wallace Shawn' }] },
          { type: 'artist', size: 0 },
        ],
      },
    });
    expect(parsed.MediaContainer.Hub.map((h) => h.Metadata.length)).toEqual([1, 0, 0]);
  });
  it('parses list answers into the same media items with the compact schema as with the full one', () => {
    // Every kind of oddity the full schema tolerates, in the parts the compact one skips and in the ones it reads.
    const body = {
      MediaContainer: {
        size: '4',
        totalSize: 9,
        librarySectionID: 2,
        librarySectionTitle: 'TV',
        Metadata: [
          {
            ratingKey: 150,
            type: 'episode',
            title: 'T',
            grandparentTitle: 'Show',
            parentIndex: '4',
            index: 8.6,
            year: 'soon',
            addedAt: '1700000000',
            duration: 1_800_000,
            viewCount: -2,
            rating: '7.5',
            contentRating: '',
            thumb: 12,
            summary: true,
            Media: [{ Part: [{ Stream: 'x' }, 5] }, 'bad'],
            Genre: { tag: 'one, not a list' },
            Role: [null, { tag: 3 }],
            User: 'not an object',
            Player: [1, 2],
            extra: { nested: ['unknown'] },
          },
          { ratingKey: '', title: 'empty key: dropped by both' },
          'not an item',
          {
            ratingKey: '7',
            type: 'album',
            parentTitle: 'Artist',
            librarySectionID: '5',
            librarySectionTitle: 'Music',
          },
          { title: 'no key: dropped by both' },
          null,
          [{ ratingKey: '8' }],
          { ratingKey: true, title: 'boolean key: dropped by both' },
          { ratingKey: 0, year: ' ', index: '', parentIndex: '3e1', title: false, librarySectionID: 9.5 },
        ],
      },
    };
    const full = MetadataContainer.parse(body).MediaContainer;
    const compact = MediaItemContainer.parse(body).MediaContainer;
    const context = (c: typeof compact) => ({
      librarySectionID: c.librarySectionID,
      librarySectionTitle: c.librarySectionTitle,
    });
    const items = compact.Metadata.map((m) => toMediaItem(m, context(compact)));
    expect(items).toEqual(full.Metadata.map((m) => toMediaItem(m, context(full))));
    expect(items.map((i) => i.id)).toEqual(['150', '7', '0']);
    expect([compact.size, compact.totalSize]).toEqual([full.size, full.totalSize]);
    // Nothing the mapper does not read is copied.
    expect(Object.keys(compact.Metadata[0] ?? {})).not.toContain('Media');
    expect(Object.keys(compact.Metadata[0] ?? {})).not.toContain('extra');
  });
});

describe('mappers', () => {
  it('maps an episode with units converted (ms kept, unix seconds to ISO)', () => {
    const m = MetadataContainer.parse({
      MediaContainer: {
        Metadata: [
          {
            ratingKey: '150',
            type: 'episode',
            title: 'T',
            grandparentTitle: 'Show',
            parentIndex: 4,
            index: 8,
            addedAt: 1348327790,
            duration: 1000,
          },
        ],
      },
    }).MediaContainer.Metadata[0];
    if (!m) throw new Error('parse');
    expect(toMediaItem(m)).toEqual({
      id: '150',
      type: 'episode',
      title: 'T',
      show_title: 'Show',
      season_number: 4,
      episode_number: 8,
      duration_ms: 1000,
      added_at: '2012-09-22T15:29:50.000Z',
    });
  });

  it('maps details with cast and chapters only when asked', () => {
    const m = MetadataContainer.parse({
      MediaContainer: {
        Metadata: [
          {
            ratingKey: '1',
            type: 'movie',
            title: 'M',
            Role: [{ tag: 'A', role: 'Hero' }, { tag: 'B' }],
            Chapter: [{ index: 1, tag: 'Intro', startTimeOffset: 0, endTimeOffset: 1000 }],
            Media: [{ videoResolution: '1080', bitrate: '5741', Part: [{ file: '/m.mkv', size: 10 }] }],
          },
        ],
      },
    }).MediaContainer.Metadata[0];
    if (!m) throw new Error('parse');
    const plain = toMediaDetails(m, { includeCast: false, includeChapters: false });
    expect(plain.cast).toBeUndefined();
    expect(plain.chapters).toBeUndefined();
    expect(plain.media).toEqual([{ resolution: '1080', bitrate_kbps: 5741, file: '/m.mkv', size_bytes: 10 }]);
    const full = toMediaDetails(m, { includeCast: true, includeChapters: true });
    expect(full.cast).toEqual([{ name: 'A', role: 'Hero' }, { name: 'B' }]);
    expect(full.chapters).toEqual([{ index: 1, title: 'Intro', start_ms: 0, end_ms: 1000 }]);
  });

  it('maps a session: Session.id as session_id, progress, transcoding, unknown state', () => {
    const m = MetadataContainer.parse({
      MediaContainer: {
        Metadata: [
          {
            ratingKey: '5',
            type: 'movie',
            title: 'M',
            duration: 2000,
            viewOffset: 500,
            sessionKey: '41',
            User: { title: 'alice' },
            Player: { title: 'TV', machineIdentifier: 'abc', state: 'weird' },
            Session: { id: 'sess-1' },
            TranscodeSession: { key: 'x' },
          },
        ],
      },
    }).MediaContainer.Metadata[0];
    if (!m) throw new Error('parse');
    expect(toPlaybackSession(m)).toMatchObject({
      session_id: 'sess-1',
      user: 'alice',
      player: { name: 'TV', id: 'abc' },
      state: 'unknown',
      position_ms: 500,
      progress_percent: 25,
      transcoding: true,
    });
  });
});

describe('error classification', () => {
  it('maps Plex errors to tool error codes and stale-serving', () => {
    const cases: Array<[Error, string, boolean]> = [
      [new PlexUnauthorizedError('x', { status: 401 }), 'unauthorized', false],
      [new PlexNotFoundError('x', { status: 404 }), 'not_found', false],
      [new PlexUnavailableError('x', { status: 503 }), 'plex_unavailable', true],
      [new PlexBadResponseError('x'), 'plex_unavailable', true],
      [new PlexCircuitOpenError('/library/sections', 1_500), 'plex_unavailable', true],
      [new PlexTimeoutError('/library/sections', 30_000), 'plex_unavailable', true],
      // Recognised by class only: an error that merely carries cockatiel's class name is a bug, not an outage.
      [Object.assign(new Error('open'), { name: 'BrokenCircuitError' }), 'internal_error', false],
      [new TypeError('bug'), 'internal_error', false],
    ];
    for (const [error, code, stale] of cases) {
      expect(toToolError(error).code, error.name).toBe(code);
      expect(isPlexUnavailable(error), error.name).toBe(stale);
    }
    expect(new PlexUnavailableError('x').retryable).toBe(true);
    expect(new PlexBadResponseError('x').retryable).toBe(false);
    expect(new PlexUnauthorizedError('x').retryable).toBe(false);
  });

  it('internal errors do not leak their message to the assistant', () => {
    expect(toToolError(new Error('secret internals')).message).not.toContain('secret internals');
  });
});
