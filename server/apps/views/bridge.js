// The view's side of the MCP Apps protocol (io.modelcontextprotocol/ui, 2026-01-26): JSON-RPC 2.0 over postMessage
// with the host window. The spec notes a view needs no SDK for this; ext-apps' App class would add ~650 KB of
// bundled client SDK and zod to every view, this file is about 3 KB. The browser tests drive it from ext-apps'
// own host side (AppBridge), which checks every message against the extension's schemas.
// Concatenated in front of each view by server/apps/view-html.ts (its `export`s are dropped there).

const PROTOCOL_VERSION = '2026-01-26';
const pending = new Map();
const handlers = new Map();
let nextId = 1;

function post(message) {
  window.parent.postMessage({ jsonrpc: '2.0', ...message }, '*');
}

window.addEventListener('message', (event) => {
  if (event.source !== window.parent) return;
  const message = event.data;
  if (message?.jsonrpc !== '2.0') return;
  if (message.method === undefined && pending.has(message.id)) {
    const { resolve, reject } = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) reject(new Error(message.error.message ?? 'host error'));
    else resolve(message.result);
    return;
  }
  if (message.method === undefined) return;
  const handler = handlers.get(message.method);
  if (message.id === undefined) {
    handler?.(message.params ?? {});
    return;
  }
  // Requests from the host: teardown and ping need an answer; anything else is not ours.
  if (handler || message.method === 'ping') {
    Promise.resolve(handler?.(message.params ?? {}))
      .then((result) => post({ id: message.id, result: result ?? {} }))
      .catch((error) => post({ id: message.id, error: { code: -32603, message: String(error) } }));
  } else {
    post({ id: message.id, error: { code: -32601, message: `no handler for ${message.method}` } });
  }
});

/** Registers the handler for a host notification or request (one per method). */
export function on(method, handler) {
  handlers.set(method, handler);
}

export function request(method, params) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    post({ id, method, params });
  });
}

export function notify(method, params) {
  post({ method, params });
}

/** `tools/call` through the host, so the host's approval rules apply. Resolves with the CallToolResult. */
export function callTool(name, args) {
  return request('tools/call', { name, arguments: args });
}

/**
 * The handshake: ui/initialize, then ui/notifications/initialized; afterwards the view reports its height as it
 * changes. Register handlers (tool-input, tool-result) before calling this: the host sends them right after.
 */
export async function connect(appInfo) {
  const init = await request('ui/initialize', {
    appInfo,
    appCapabilities: { availableDisplayModes: ['inline'] },
    protocolVersion: PROTOCOL_VERSION,
  });
  applyTheme(init?.hostContext);
  notify('ui/notifications/initialized', {});
  let lastHeight = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === lastHeight) return;
    lastHeight = height;
    notify('ui/notifications/size-changed', { height });
  }).observe(document.documentElement);
  on('ui/notifications/host-context-changed', applyTheme);
  on('ui/resource-teardown', () => ({}));
  return init ?? {};
}

/** The host's theme and CSS variables, when it sends them (the stylesheet has fallbacks for every variable). */
function applyTheme(context) {
  if (!context) return;
  if (context.theme) document.documentElement.dataset.theme = context.theme;
  const variables = context.styles?.variables ?? {};
  for (const [name, value] of Object.entries(variables)) {
    if (value) document.documentElement.style.setProperty(name, value);
  }
}

/** Image blocks of a result as data: URLs by media id (the server tags each with plexmcp.dev/media_id). */
export function postersOf(result) {
  const posters = new Map();
  for (const block of result?.content ?? []) {
    const id = block?._meta?.['plexmcp.dev/media_id'];
    if (block?.type === 'image' && typeof id === 'string') {
      posters.set(id, `data:${block.mimeType};base64,${block.data}`);
    }
  }
  return posters;
}

/** An element with a class and text (never innerHTML: titles come from the library). */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The poster of an item (a data: URL), or its first letter while there is none. */
export function posterFrame(className, src, item) {
  const frame = el('div', className);
  if (src) {
    const img = el('img');
    img.alt = '';
    img.src = src;
    frame.append(img);
  } else {
    frame.append(el('span', 'initial', (item.show_title ?? item.title ?? '?').slice(0, 1)));
  }
  return frame;
}

export function formatTime(ms) {
  const total = Math.max(0, Math.floor((ms ?? 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "Show — S1E2 Title", "Artist — Title" or the title alone. */
export function displayTitle(item) {
  if (item.type === 'episode' && item.show_title) {
    const code =
      item.season_number !== undefined && item.episode_number !== undefined
        ? `S${item.season_number}E${item.episode_number} `
        : '';
    return `${item.show_title} — ${code}${item.title}`;
  }
  if (item.type === 'track' && item.artist) return `${item.artist} — ${item.title}`;
  return item.title;
}

export function textOf(result) {
  return (result?.content ?? [])
    .filter((block) => block?.type === 'text')
    .map((block) => block.text)
    .join('\n');
}
