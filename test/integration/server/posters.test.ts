/**
 * Poster thumbnails as image content blocks, through the real SDK client and server against the simulator's photo
 * transcoder: real JPEGs of the requested size within the byte bounds, cached, reported the same way in text and
 * structured content, and never a Plex token in a result or a log line.
 */
import { Writable } from 'node:stream';
import type { Client } from '@modelcontextprotocol/client';
import jpeg from 'jpeg-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerDeps } from '../../../server/app.ts';
import { startHttpServer } from '../../../server/http-server.ts';
import { POSTER_MEDIA_ID_META } from '../../../server/images/poster-fetch.ts';
import { connectClient, startSimulatorAndConfig, textOf } from './support/mcp-harness.ts';

interface ImageBlock {
  type: 'image';
  data: string;
  mimeType: string;
  _meta?: Record<string, unknown>;
}

const imagesOf = (result: { content?: unknown }) =>
  ((result.content ?? []) as Array<{ type: string }>).filter((c): c is ImageBlock => c.type === 'image');

async function startServer(env: Record<string, string>) {
  const { sim, config, plexToken, authToken } = await startSimulatorAndConfig({
    CACHE_ENABLED: 'true',
    LOG_LEVEL: 'trace',
    ...env,
  });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const deps = await createServerDeps(config, { logger: pino({ level: 'trace' }, sink) });
  const server = await startHttpServer(config, deps);
  const client = await connectClient(server.url, authToken, 'modern');
  return {
    sim,
    client,
    plexToken,
    lines,
    async close() {
      await client.close();
      await server.close({ graceMs: 500 });
      await deps.close();
      await sim.close();
    },
  };
}

type Running = Awaited<ReturnType<typeof startServer>>;

describe('posters', () => {
  let r: Running;
  let client: Client;
  beforeAll(async () => {
    r = await startServer({ POSTER_WIDTH: '200' });
    client = r.client;
  });
  afterAll(async () => {
    await r?.close();
  });

  it('get_media_details attaches the poster by default: a real JPEG fitted to the 200 x 300 box', async () => {
    const movie = r.sim.catalog.movies[0];
    if (!movie) throw new Error('catalog has no movie');
    const result = await client.callTool({
      name: 'get_media_details',
      arguments: { media_id: movie.ratingKey },
    });
    expect(result.isError).toBeFalsy();
    const [image, ...more] = imagesOf(result);
    expect(more).toEqual([]);
    expect(image?.mimeType).toBe('image/jpeg');
    expect(image?._meta?.[POSTER_MEDIA_ID_META]).toBe(movie.ratingKey);
    const bytes = Buffer.from(image?.data ?? '', 'base64');
    const decoded = jpeg.decode(bytes);
    // Movie posters are 2:3 at the source, so they fill the box exactly.
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: 200, height: 300 });
    expect(bytes.length).toBeLessThanOrEqual(64 * 1024);
    const structured = result.structuredContent as { posters: { attached: string[]; omitted: unknown[] } };
    expect(structured.posters).toEqual({ attached: [movie.ratingKey], omitted: [] });
    expect(textOf(result)).toContain('Posters: 1 attached.');
  });

  it('an episode thumbnail (16:9) keeps its aspect ratio inside the box', async () => {
    const episode = r.sim.catalog.episodes[0];
    if (!episode) throw new Error('catalog has no episode');
    const result = await client.callTool({
      name: 'get_media_details',
      arguments: { media_id: episode.ratingKey },
    });
    const decoded = jpeg.decode(Buffer.from(imagesOf(result)[0]?.data ?? '', 'base64'));
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: 200, height: 113 });
  });

  it('include_poster: false sends no image', async () => {
    const movie = r.sim.catalog.movies[1];
    const result = await client.callTool({
      name: 'get_media_details',
      arguments: { media_id: movie?.ratingKey, include_poster: false },
    });
    expect(imagesOf(result)).toEqual([]);
    expect(result.structuredContent).not.toHaveProperty('posters');
  });

  it('list tools attach posters only when asked, one per item, in item order', async () => {
    const plain = await client.callTool({ name: 'get_recently_added', arguments: { limit: 5 } });
    expect(imagesOf(plain)).toEqual([]);
    const result = await client.callTool({
      name: 'get_recently_added',
      arguments: { limit: 5, include_posters: true },
    });
    const items = (result.structuredContent as { items: { id: string }[] }).items;
    expect(items.length).toBe(5);
    expect(imagesOf(result).map((i) => i._meta?.[POSTER_MEDIA_ID_META])).toEqual(items.map((i) => i.id));
    for (const image of imagesOf(result))
      expect(jpeg.decode(Buffer.from(image.data, 'base64')).width).toBe(200);
  });

  it('posters are cached like other answers: a second identical call asks the transcoder nothing', async () => {
    const args = { name: 'get_on_deck', arguments: { limit: 3, include_posters: true } };
    await client.callTool(args);
    r.sim.resetRequestCounts();
    const again = await client.callTool(args);
    expect(imagesOf(again).length).toBeGreaterThan(0);
    expect(r.sim.requestCounts()['/photo/:/transcode'] ?? 0).toBe(0);
  });

  it('get_playback_status attaches the poster of each session', async () => {
    const result = await client.callTool({
      name: 'get_playback_status',
      arguments: { include_posters: true },
    });
    const sessions = (result.structuredContent as { sessions: { media: { id: string } }[] }).sessions;
    expect(sessions.length).toBe(2);
    expect(imagesOf(result).map((i) => i._meta?.[POSTER_MEDIA_ID_META])).toEqual(
      sessions.map((s) => s.media.id),
    );
  });

  it('no result and no log line carries the Plex token', async () => {
    const result = await client.callTool({
      name: 'search_media',
      arguments: { query: r.sim.catalog.movies[2]?.title ?? 'a', include_posters: true },
    });
    expect(JSON.stringify(result)).not.toContain(r.plexToken);
    expect(r.lines.length).toBeGreaterThan(0);
    expect(r.lines.join('')).toContain('/photo/:/transcode');
    expect(r.lines.join('')).not.toContain(r.plexToken);
  });
});

describe('poster byte bounds', () => {
  it('leaves out images over the per-image bound, and posters past the per-result budget, and says so', async () => {
    const tight = await startServer({ POSTER_WIDTH: '400', POSTER_MAX_BYTES: '1024' });
    try {
      const result = await tight.client.callTool({
        name: 'get_recently_added',
        arguments: { limit: 3, include_posters: true },
      });
      expect(imagesOf(result)).toEqual([]);
      const posters = (result.structuredContent as { posters: { omitted: { reason: string }[] } }).posters;
      expect(posters.omitted.map((o) => o.reason)).toEqual(['too_large', 'too_large', 'too_large']);
      expect(textOf(result)).toContain('Posters: 0 attached, 3 left out (3 too_large).');
    } finally {
      await tight.close();
    }

    const budget = await startServer({ POSTER_WIDTH: '200', POSTER_RESULT_MAX_BYTES: '1024' });
    try {
      const result = await budget.client.callTool({
        name: 'get_recently_added',
        arguments: { limit: 4, include_posters: true },
      });
      const posters = (result.structuredContent as { posters: { attached: string[]; omitted: unknown[] } })
        .posters;
      const total = imagesOf(result).reduce((n, i) => n + Buffer.from(i.data, 'base64').length, 0);
      expect(total).toBeLessThanOrEqual(1024);
      expect(posters.attached.length + posters.omitted.length).toBe(4);
      expect(posters.omitted).toContainEqual(expect.objectContaining({ reason: 'over_budget' }));
    } finally {
      await budget.close();
    }
  });
});
