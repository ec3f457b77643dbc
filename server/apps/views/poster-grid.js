import {
  callTool,
  connect,
  displayTitle,
  el,
  on,
  posterFrame,
  postersOf,
  request,
  textOf,
} from './bridge.js';

// The poster grid for search_media, get_recently_added, get_on_deck and browse_library: one card per item with its
// poster, title, year and a progress bar for partly watched items. Posters come inline: when the result has none,
// the view asks the same tool again with include_posters (through the host). A click asks for the item's details.

const app = document.getElementById('app');
let args = {};
let items = [];
let posters = new Map();
let hostCapabilities = {};

function progressOf(item) {
  if (typeof item.progress_percent === 'number') return item.progress_percent;
  if (item.view_offset_ms && item.duration_ms) return (100 * item.view_offset_ms) / item.duration_ms;
  return 0;
}

function card(item) {
  const node = el('button', 'card');
  node.type = 'button';
  node.dataset.mediaId = item.id;
  node.title = `Details of ${displayTitle(item)}`;
  const frame = posterFrame('poster', posters.get(item.id), item);
  const progress = progressOf(item);
  if (progress > 0) {
    const bar = el('div', 'progress');
    const fill = el('div', 'fill');
    fill.style.width = `${Math.min(100, progress).toFixed(1)}%`;
    bar.append(fill);
    frame.append(bar);
  }
  const meta = [item.year, item.type === 'episode' ? undefined : item.type].filter(Boolean).join(' · ');
  node.append(frame, el('span', 'title', displayTitle(item)), el('span', 'meta', meta));
  node.addEventListener('click', () => askForDetails(item));
  return node;
}

function render(note) {
  app.replaceChildren();
  if (note) app.append(el('p', 'note', note));
  if (items.length === 0) {
    app.append(el('p', 'note', 'Nothing to show.'));
    return;
  }
  const grid = el('div', 'grid');
  grid.append(...items.map(card));
  app.append(grid);
}

async function askForDetails(item) {
  const text = `Show me the details of "${displayTitle(item)}" (media_id ${item.id}).`;
  if (hostCapabilities.message) {
    await request('ui/message', { role: 'user', content: [{ type: 'text', text }] });
    return;
  }
  const result = await callTool('get_media_details', { media_id: item.id, include_poster: false });
  render(textOf(result));
}

async function fetchPosters(toolName) {
  if (!toolName || !hostCapabilities.serverTools) return;
  const missing = items.some((item) => !posters.has(item.id));
  if (!missing) return;
  const result = await callTool(toolName, { ...args, include_posters: true });
  if (result?.isError) return;
  posters = new Map([...posters, ...postersOf(result)]);
  render();
}

on('ui/notifications/tool-input', (params) => {
  args = params.arguments ?? {};
});

on('ui/notifications/tool-result', (result) => {
  if (result.isError) {
    items = [];
    app.replaceChildren(el('p', 'error', textOf(result)));
    return;
  }
  items = result.structuredContent?.items ?? [];
  posters = postersOf(result);
  render();
  fetchPosters(result._meta?.['plexmcp.dev/tool']).catch((error) => {
    app.append(el('p', 'note', `Posters unavailable: ${error.message}`));
  });
});

const init = await connect({ name: 'plex-poster-grid', version: '1.0.0' });
hostCapabilities = init.hostCapabilities ?? {};
