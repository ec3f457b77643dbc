/** How big poster thumbnails are and how many bytes of them one answer may carry (POSTER_* settings). */
export interface PosterSettings {
  /** Width of the box a poster is fitted into, px; the box is 2:3 (a poster), so wide images come out shorter. */
  width: number;
  /** A thumbnail larger than this (raw bytes, before base64) is left out. */
  maxBytesPerImage: number;
  /** Raw bytes of all thumbnails in one tool result; posters past it are left out, in list order. */
  maxBytesPerResult: number;
}

export const DEFAULT_POSTER_SETTINGS: PosterSettings = Object.freeze({
  width: 240,
  maxBytesPerImage: 64 * 1024,
  maxBytesPerResult: 512 * 1024,
});

/** The transcoder box for a poster width: Plex fits the image inside it, keeping the aspect ratio. */
export function posterBox(settings: PosterSettings): { width: number; height: number } {
  return { width: settings.width, height: Math.round(settings.width * 1.5) };
}
