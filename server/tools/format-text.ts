import type { MediaItem } from '../domain/media.ts';

/** Human-readable one-liners for tool texts; assistants quote these, so they name the id to use next. */
export function describeItem(item: MediaItem): string {
  let label = item.title;
  if (item.type === 'episode' && item.show_title) {
    const s = item.season_number === undefined ? '' : `S${String(item.season_number).padStart(2, '0')}`;
    const e = item.episode_number === undefined ? '' : `E${String(item.episode_number).padStart(2, '0')}`;
    label = `${item.show_title} ${s}${e} "${item.title}"`;
  } else if (item.type === 'track' && item.artist) {
    label = `${item.artist} - ${item.title}`;
  } else if (item.type === 'album' && item.artist) {
    label = `${item.artist} - ${item.title}`;
  }
  const year = item.year ? ` (${item.year})` : '';
  return `${label}${year} [${item.type}, id ${item.id}]`;
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
