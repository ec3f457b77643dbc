import { displayTitle, type MediaItem } from '../domain/media.ts';
import type { PlaybackSession } from '../domain/session.ts';

/** Human-readable one-liners for tool texts; assistants quote these, so they name the id to use next. */
export function describeItem(item: MediaItem): string {
  const year = item.year ? ` (${item.year})` : '';
  return `${displayTitle(item)}${year} [${item.type}, id ${item.id}]`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '?';
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${m}:${ss}`;
}

export function withWarning(text: string, warning: string | undefined): string {
  return warning ? `${warning}\n${text}` : text;
}

const AGO_UNITS: [number, string][] = [
  [365 * 86_400, 'year'],
  [30 * 86_400, 'month'],
  [7 * 86_400, 'week'],
  [86_400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
];

/** "3 days ago", "just now", "in 2 hours" (clock skew): every date in a text says how long ago it was. */
export function formatAgo(iso: string, nowMs: number = Date.now()): string {
  const seconds = Math.round((nowMs - Date.parse(iso)) / 1000);
  const abs = Math.abs(seconds);
  for (const [size, unit] of AGO_UNITS) {
    if (abs >= size) {
      const n = Math.floor(abs / size);
      const label = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return seconds >= 0 ? `${label} ago` : `in ${label}`;
    }
  }
  return 'just now';
}

/** `2026-01-31 (3 days ago)`. */
export function formatDate(iso: string, nowMs: number = Date.now()): string {
  return `${iso.slice(0, 10)} (${formatAgo(iso, nowMs)})`;
}

/** One playback session in a line, naming the session_id control_playback needs. */
export function describeSession(s: PlaybackSession): string {
  const position = `${formatDuration(s.position_ms)} / ${formatDuration(s.duration_ms)}`;
  // Some clients pass only the text to the model: it carries the stream facts the structured result has.
  const stream = [
    s.transcoding ? 'transcoding' : 'direct',
    s.bandwidth_kbps === undefined ? undefined : `${s.bandwidth_kbps} kbps`,
    s.location?.toUpperCase(),
  ].filter(Boolean);
  return `${s.user} is ${s.state} ${describeItem(s.media)} on ${s.player.name} at ${position}, ${stream.join(', ')} (session_id ${s.session_id})`;
}
