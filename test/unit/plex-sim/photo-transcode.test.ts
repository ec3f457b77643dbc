// The simulator's photo transcoder (`/photo/:/transcode`), over HTTP: real JPEG/PNG/PPM of the size the spec's
// parameters ask for, the same bytes for the same request, and PMS's errors for bad requests.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputSize } from '../../plex-sim/photo-transcode.ts';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';

const TOKEN = 'photo-test-token-0123456789';
let sim: PlexSimulator;
beforeAll(async () => {
  sim = await startPlexSimulator({ token: TOKEN, items: 120 });
});
afterAll(async () => {
  await sim.close();
});

async function transcode(params: Record<string, string>, token: string | null = TOKEN): Promise<Response> {
  const query = new URLSearchParams(params);
  return fetch(`${sim.url}/photo/:/transcode?${query}`, {
    headers: token === null ? {} : { 'X-Plex-Token': token },
  });
}

const movieThumb = () => sim.catalog.movies[0]?.thumb ?? '';

describe('/photo/:/transcode', () => {
  it('answers a JPEG fitted inside width x height (a 2:3 poster in a 300 x 300 box is 200 x 300)', async () => {
    const response = await transcode({ url: movieThumb(), width: '300', height: '300' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    const body = Buffer.from(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(body.length);
    const decoded = jpeg.decode(body);
    expect([decoded.width, decoded.height]).toEqual([200, 300]);
  });

  it('answers PNG and PPM when asked', async () => {
    const png = await transcode({ url: movieThumb(), width: '100', height: '150', format: 'png' });
    expect(png.headers.get('content-type')).toBe('image/png');
    const decoded = PNG.sync.read(Buffer.from(await png.arrayBuffer()));
    expect([decoded.width, decoded.height]).toEqual([100, 150]);
    const ppm = await transcode({ url: movieThumb(), width: '10', height: '15', format: 'ppm' });
    expect(ppm.headers.get('content-type')).toBe('image/x-portable-pixmap');
    const bytes = Buffer.from(await ppm.arrayBuffer());
    expect(bytes.subarray(0, 13).toString('ascii')).toBe('P6\n10 15\n255\n');
    expect(bytes.length).toBe(13 + 10 * 15 * 3);
  });

  it('is deterministic: the same request gives the same bytes, another image other bytes', async () => {
    const a = Buffer.from(
      await (await transcode({ url: movieThumb(), width: '64', height: '96' })).arrayBuffer(),
    );
    const b = Buffer.from(
      await (await transcode({ url: movieThumb(), width: '64', height: '96' })).arrayBuffer(),
    );
    const other = sim.catalog.movies[1]?.thumb ?? '';
    const c = Buffer.from(await (await transcode({ url: other, width: '64', height: '96' })).arrayBuffer());
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });

  it('needs the token, a url the library has, and valid parameters', async () => {
    expect((await transcode({ url: movieThumb(), width: '10' }, null)).status).toBe(401);
    expect((await transcode({ width: '10' })).status).toBe(400);
    expect((await transcode({ url: movieThumb(), width: 'wide' })).status).toBe(400);
    expect((await transcode({ url: movieThumb(), format: 'gif' })).status).toBe(400);
    expect((await transcode({ url: '/library/metadata/999999/thumb/1', width: '10' })).status).toBe(404);
    expect((await transcode({ url: 'https://example.com/poster.jpg', width: '10' })).status).toBe(404);
  });
});

describe('outputSize (spec semantics)', () => {
  const poster = { width: 1000, height: 1500 };
  it('fits inside the box, or covers it with minSize', () => {
    expect(outputSize(poster, { width: 300, height: 300 }, { minSize: false, upscale: false })).toEqual({
      width: 200,
      height: 300,
    });
    expect(outputSize(poster, { width: 300, height: 300 }, { minSize: true, upscale: false })).toEqual({
      width: 300,
      height: 450,
    });
  });
  it('scales by the one dimension given, and never up unless upscale', () => {
    expect(outputSize(poster, { width: 100 }, { minSize: false, upscale: false })).toEqual({
      width: 100,
      height: 150,
    });
    expect(outputSize(poster, { width: 2000 }, { minSize: false, upscale: false })).toEqual(poster);
    expect(outputSize(poster, { width: 2000 }, { minSize: false, upscale: true })).toEqual({
      width: 2000,
      height: 3000,
    });
  });
});
