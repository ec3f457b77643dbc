import { z } from 'zod';

/**
 * Kinds of item our tools talk about, by Plex's type names. Their `type=` numbers: movie 1, show 2, season 3,
 * episode 4, artist 8, album 9, track 10, photo 13 (not the 5-9 the OpenAPI MediaType enum claims for music/photos).
 */
export const MEDIA_TYPES = [
  'movie',
  'show',
  'season',
  'episode',
  'artist',
  'album',
  'track',
  'photo',
] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** One library item as lists show it (search hits, recently added, on deck, a session's media). */
export const MediaItemSchema = z.object({
  id: z.string().describe('Plex ratingKey; pass it to get_media_details'),
  type: z.string().describe('movie, show, season, episode, artist, album, track, photo, ...'),
  title: z.string(),
  year: z.number().int().optional(),
  summary: z.string().optional(),
  library_id: z.string().optional().describe('Id of the library section holding the item'),
  library_name: z.string().optional(),
  show_title: z.string().optional().describe('For episodes and seasons: the show'),
  season_number: z.number().int().optional(),
  episode_number: z.number().int().optional(),
  artist: z.string().optional().describe('For albums and tracks'),
  album: z.string().optional().describe('For tracks'),
  duration_ms: z.number().int().nonnegative().optional(),
  added_at: z.string().optional().describe('ISO 8601 time the item was added to Plex'),
  rating: z.number().optional(),
  content_rating: z.string().optional(),
  view_count: z.number().int().nonnegative().optional(),
  view_offset_ms: z.number().int().nonnegative().optional().describe('Resume position'),
  thumb: z.string().optional().describe('Server path of the poster (needs the Plex token to fetch)'),
});
export type MediaItem = z.infer<typeof MediaItemSchema>;

/** A child in get_media_details: a season (with episode counts), an episode, an album, a track. */
export const ChildItemSchema = MediaItemSchema.extend({
  leaf_count: z.number().int().nonnegative().optional().describe('Episodes or tracks below'),
  unwatched_count: z.number().int().nonnegative().optional(),
});
export type ChildItem = z.infer<typeof ChildItemSchema>;

/** How people name an item: `Show S01E02 "Title"`, `Artist - Track`, or the title. */
export function displayTitle(item: MediaItem): string {
  if (item.type === 'episode' && item.show_title) {
    const s = item.season_number === undefined ? '' : `S${String(item.season_number).padStart(2, '0')}`;
    const e = item.episode_number === undefined ? '' : `E${String(item.episode_number).padStart(2, '0')}`;
    return `${item.show_title} ${s}${e} "${item.title}"`;
  }
  if ((item.type === 'track' || item.type === 'album') && item.artist)
    return `${item.artist} - ${item.title}`;
  return item.title;
}

export const CastMemberSchema = z.object({
  name: z.string(),
  role: z.string().optional().describe('Character played'),
});

export const ChapterSchema = z.object({
  index: z.number().int(),
  title: z.string().optional(),
  start_ms: z.number().int().nonnegative(),
  end_ms: z.number().int().nonnegative(),
});

export const MediaVersionSchema = z.object({
  resolution: z.string().optional(),
  video_codec: z.string().optional(),
  audio_codec: z.string().optional(),
  audio_channels: z.number().int().optional(),
  container: z.string().optional(),
  bitrate_kbps: z.number().int().optional(),
  duration_ms: z.number().int().optional(),
  file: z.string().optional(),
  size_bytes: z.number().optional(),
});

/** Everything get_media_details returns about one item. */
export const MediaDetailsSchema = MediaItemSchema.extend({
  tagline: z.string().optional(),
  studio: z.string().optional(),
  originally_available_at: z.string().optional().describe('Release date, YYYY-MM-DD'),
  audience_rating: z.number().optional(),
  genres: z.array(z.string()),
  directors: z.array(z.string()),
  writers: z.array(z.string()),
  countries: z.array(z.string()),
  cast: z.array(CastMemberSchema).optional().describe('Present when include_cast is true'),
  chapters: z.array(ChapterSchema).optional().describe('Present when include_chapters is true'),
  media: z.array(MediaVersionSchema).describe('One entry per file version'),
  child_count: z.number().int().optional().describe('Seasons of a show, albums of an artist, ...'),
  leaf_count: z.number().int().optional().describe('Episodes of a show or season, tracks of an album'),
  viewed_leaf_count: z.number().int().optional(),
  last_viewed_at: z.string().optional(),
  user_rating: z.number().optional().describe('Your rating, 0-10'),
});
export type MediaDetails = z.infer<typeof MediaDetailsSchema>;
