// `GET /photo/:/transcode` (REFERENCE §3.4 "Art", OpenAPI `transcodeImage`): resizes a library image. The simulator
// has no image files, so it paints each source image procedurally (colours and shapes derived from the image path,
// so the same path always gives the same picture) directly at the output size, then encodes it as a real JPEG, PNG
// or PPM. Sizing follows the spec's parameters: fit inside width x height keeping the aspect ratio (`minSize=1`:
// cover instead), never larger than the source unless `upscale=1`.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runInThisContext } from 'node:vm';
import type { SimCatalog, SimItem } from './catalog.ts';
import { BadRequestError } from './queries.ts';

// The encoders load on the first image request, not with the simulator: most runs never ask for one. Both are
// CommonJS, so a synchronous require keeps the route handlers synchronous like the others.
const require = createRequire(import.meta.url);

interface JpegEncoder {
  encode(image: { data: Buffer; width: number; height: number }, quality: number): Buffer;
}
let jpegEncoder: JpegEncoder | undefined;

/**
 * One reusable jpeg-js encoder. The package exports only a one-shot encode() that builds its Huffman and colour
 * tables anew on every call, which is most of the time for a poster (measured: ~220 ms of ~380 ms for 240x360 on a
 * loaded 2-core machine); its JPEGEncoder object is reusable but not exported, so it is taken from the file.
 */
function jpeg(): JpegEncoder {
  if (!jpegEncoder) {
    const file = require.resolve('jpeg-js/lib/encoder.js');
    const wrapped = `(function (module, Buffer) {\n${readFileSync(file, 'utf8')}\n;return JPEGEncoder;\n})`;
    const JPEGEncoder = runInThisContext(wrapped, { filename: file })({}, Buffer) as new (
      q: number,
    ) => JpegEncoder;
    jpegEncoder = new JPEGEncoder(90);
  }
  return jpegEncoder;
}

const png = () => (require('pngjs') as typeof import('pngjs')).PNG;

export class PhotoNotFoundError extends Error {}

export interface TranscodedPhoto {
  contentType: 'image/jpeg' | 'image/png' | 'image/x-portable-pixmap';
  data: Buffer;
  width: number;
  height: number;
}

/** Largest side the simulator renders (real PMS is bounded by its source files; ours are virtual). */
export const MAX_OUTPUT_SIDE = 4000;

/** Source pixel size of each kind of library image, like the files Plex's agents download. */
function sourceSize(item: SimItem, kind: string): { width: number; height: number } {
  if (kind === 'art') return { width: 1920, height: 1080 };
  switch (item.type) {
    case 'episode':
      return { width: 1280, height: 720 };
    case 'artist':
    case 'album':
    case 'track':
      return { width: 1000, height: 1000 };
    case 'photo':
    case 'photoalbum':
      return { width: 1600, height: 1200 };
    default:
      return { width: 1000, height: 1500 };
  }
}

/** The catalog image a `url` parameter names: a server path that one item really carries (thumb, art, composite). */
function findSource(catalog: SimCatalog, url: string): { item: SimItem; kind: string } {
  const match = /^\/library\/metadata\/(\d+)\/(thumb|art|composite)\/\d+$/.exec(url);
  const item = match ? catalog.byRatingKey.get(match[1] ?? '') : undefined;
  const kind = match?.[2] ?? '';
  if (!item) throw new PhotoNotFoundError(`no image at ${url}`);
  const carried = kind === 'art' ? item.art : item.thumb;
  if (carried !== url) throw new PhotoNotFoundError(`no image at ${url}`);
  return { item, kind };
}

function optionalInt(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw new BadRequestError(`${name} must be an integer`);
  const value = Number(raw);
  if (value < min || value > max) throw new BadRequestError(`${name} must be between ${min} and ${max}`);
  return value;
}

const flag = (query: URLSearchParams, name: string) => ['1', 'true'].includes(query.get(name) ?? '');

/** Output size for a source, per the spec's width/height/minSize/upscale semantics. */
export function outputSize(
  source: { width: number; height: number },
  box: { width?: number | undefined; height?: number | undefined },
  options: { minSize: boolean; upscale: boolean },
): { width: number; height: number } {
  const scales = [
    box.width === undefined ? undefined : box.width / source.width,
    box.height === undefined ? undefined : box.height / source.height,
  ].filter((s): s is number => s !== undefined);
  let scale = scales.length === 0 ? 1 : options.minSize ? Math.max(...scales) : Math.min(...scales);
  if (!options.upscale) scale = Math.min(scale, 1);
  const clamp = (n: number) => Math.max(1, Math.min(MAX_OUTPUT_SIDE, Math.round(n)));
  return { width: clamp(source.width * scale), height: clamp(source.height * scale) };
}

/**
 * Encoded answers by catalog and query: jpeg-js is pure JS (tens of ms per poster), and the same thumbnails are
 * asked for again and again by tests and the demo. Bounded so a long-running simulator cannot grow without limit.
 */
const encodedCache = new WeakMap<SimCatalog, Map<string, TranscodedPhoto>>();
const ENCODED_CACHE_ENTRIES = 500;

export function transcodePhoto(catalog: SimCatalog, query: URLSearchParams): TranscodedPhoto {
  let cache = encodedCache.get(catalog);
  if (!cache) {
    cache = new Map();
    encodedCache.set(catalog, cache);
  }
  const key = [...query]
    .filter(([name]) => name !== 'X-Plex-Token')
    .sort()
    .join('&');
  const hit = cache.get(key);
  if (hit) return hit;
  const photo = render(catalog, query);
  if (cache.size >= ENCODED_CACHE_ENTRIES) cache.delete(cache.keys().next().value ?? '');
  cache.set(key, photo);
  return photo;
}

function render(catalog: SimCatalog, query: URLSearchParams): TranscodedPhoto {
  const url = query.get('url');
  if (!url) throw new BadRequestError('url is required');
  const format = (query.get('format') ?? 'jpg').toLowerCase();
  if (!['jpg', 'jpeg', 'png', 'ppm'].includes(format))
    throw new BadRequestError('format must be jpg, png or ppm');
  const width = optionalInt(query, 'width', 1, 100_000);
  const height = optionalInt(query, 'height', 1, 100_000);
  const quality = optionalInt(query, 'quality', -1, 127) ?? -1;
  const { item, kind } = findSource(catalog, url);
  const size = outputSize(
    sourceSize(item, kind),
    { width, height },
    { minSize: flag(query, 'minSize'), upscale: flag(query, 'upscale') },
  );
  const rgba = paint(url, size.width, size.height);
  if (format === 'png') {
    const PNG = png();
    const image = new PNG({ width: size.width, height: size.height });
    rgba.copy(image.data);
    return { contentType: 'image/png', data: PNG.sync.write(image), ...size };
  }
  if (format === 'ppm') return { contentType: 'image/x-portable-pixmap', data: toPpm(rgba, size), ...size };
  // quality: -1 = the default ("highest" per the spec; 90 here); 0..127 mapped onto the encoder's 1..100.
  const jpegQuality = quality < 0 ? 90 : Math.max(1, Math.round((quality / 127) * 100));
  const encoded = jpeg().encode({ data: rgba, width: size.width, height: size.height }, jpegQuality);
  return { contentType: 'image/jpeg', data: encoded, ...size };
}

function toPpm(rgba: Buffer, size: { width: number; height: number }): Buffer {
  const header = Buffer.from(`P6\n${size.width} ${size.height}\n255\n`, 'ascii');
  const rgb = Buffer.alloc(size.width * size.height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i] ?? 0;
    rgb[j + 1] = rgba[i + 1] ?? 0;
    rgb[j + 2] = rgba[i + 2] ?? 0;
  }
  return Buffer.concat([header, rgb]);
}

/**
 * An RGBA picture for one image path: a two-colour vertical gradient, a lighter disc and a dark band, all placed in
 * fractions of the frame so every output size shows the same picture. Colours come from a hash of the path.
 */
function paint(path: string, width: number, height: number): Buffer {
  const h = createHash('sha256').update(path).digest();
  const byte = (i: number) => h[i] ?? 0;
  const top = [byte(0), byte(1), byte(2)];
  const bottom = [byte(3) >> 1, byte(4) >> 1, byte(5) >> 1];
  const disc = { x: 0.2 + (byte(6) / 255) * 0.6, y: 0.15 + (byte(7) / 255) * 0.35, r: 0.12 + byte(8) / 1200 };
  const bandTop = 0.62 + (byte(9) / 255) * 0.15;
  const bandBottom = bandTop + 0.08;
  const out = Buffer.alloc(width * height * 4);
  const radius = disc.r * Math.min(width, height);
  const cx = disc.x * width;
  const cy = disc.y * height;
  const row = [0, 0, 0];
  const lit = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    const t = height === 1 ? 0 : y / (height - 1);
    const shade = t >= bandTop && t <= bandBottom ? 0.35 : 1;
    for (let c = 0; c < 3; c++) {
      const base = (top[c] ?? 0) * (1 - t) + (bottom[c] ?? 0) * t;
      row[c] = Math.round(base * shade);
      lit[c] = Math.round((base + (255 - base) * 0.6) * shade);
    }
    const dy = y - cy;
    // The disc's extent on this row, so the pixel loop only copies colours.
    const half = dy * dy <= radius * radius ? Math.sqrt(radius * radius - dy * dy) : -1;
    for (let x = 0, o = y * width * 4; x < width; x++, o += 4) {
      const colour = half >= 0 && Math.abs(x - cx) <= half ? lit : row;
      out[o] = colour[0] ?? 0;
      out[o + 1] = colour[1] ?? 0;
      out[o + 2] = colour[2] ?? 0;
      out[o + 3] = 255;
    }
  }
  return out;
}
