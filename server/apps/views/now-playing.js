import {
  callTool,
  connect,
  displayTitle,
  el,
  formatTime,
  on,
  posterFrame,
  postersOf,
  textOf,
} from './bridge.js';

// The now-playing card for get_playback_status: per session the poster, title, user and player, a progress bar
// that moves while playing, and play/pause, stop and seek buttons. Every button is a control_playback call through
// the host (so its approval rules apply); the view then asks get_playback_status again for the real state.

const app = document.getElementById('app');
const SEEK_STEP_MS = 30_000;
const REFRESH_MS = 10_000;
let sessions = [];
let posters = new Map();
let hostCapabilities = {};
let note = '';
let busy = false;

function bar(session) {
  const track = el('div', 'progress seek');
  track.dataset.sessionId = session.session_id;
  track.title = 'Click to seek';
  const fill = el('div', 'fill');
  track.append(fill);
  track.addEventListener('click', (event) => {
    if (!session.duration_ms) return;
    const box = track.getBoundingClientRect();
    const fraction = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    act(session, 'seek', Math.round(fraction * session.duration_ms));
  });
  return track;
}

function button(session, action, label, text) {
  const node = el('button', 'control', text);
  node.type = 'button';
  node.dataset.action = action;
  node.setAttribute('aria-label', label);
  node.disabled = busy || !hostCapabilities.serverTools;
  node.addEventListener('click', () => {
    const position =
      action === 'back'
        ? session.position_ms - SEEK_STEP_MS
        : action === 'forward'
          ? session.position_ms + SEEK_STEP_MS
          : undefined;
    if (position === undefined) act(session, action);
    else act(session, 'seek', Math.max(0, Math.min(position, session.duration_ms ?? position)));
  });
  return node;
}

function sessionCard(session) {
  const node = el('article', 'session');
  node.dataset.sessionId = session.session_id;
  node.dataset.state = session.state;
  const frame = posterFrame('poster small', posters.get(session.media.id), session.media);
  const body = el('div', 'body');
  body.append(
    el('h2', 'title', displayTitle(session.media)),
    el('p', 'meta', `${session.user} on ${session.player.name}`),
    el('p', 'state', session.state),
    bar(session),
    el('p', 'time'),
  );
  const controls = el('div', 'controls');
  const playing = session.state === 'playing';
  controls.append(
    button(session, 'back', 'Back 30 seconds', '−30s'),
    playing ? button(session, 'pause', 'Pause', 'Pause') : button(session, 'play', 'Play', 'Play'),
    button(session, 'stop', 'Stop', 'Stop'),
    button(session, 'forward', 'Forward 30 seconds', '+30s'),
  );
  body.append(controls);
  node.append(frame, body);
  return node;
}

function render() {
  app.replaceChildren();
  if (note) app.append(el('p', 'note', note));
  if (sessions.length === 0) {
    app.append(el('p', 'note', 'Nothing is playing.'));
    return;
  }
  app.append(...sessions.map(sessionCard));
  updateProgress();
}

function updateProgress() {
  for (const session of sessions) {
    const card = app.querySelector(`article[data-session-id="${CSS.escape(session.session_id)}"]`);
    if (!card) continue;
    const fraction = session.duration_ms ? session.position_ms / session.duration_ms : 0;
    card.querySelector('.fill').style.width = `${(100 * Math.min(1, fraction)).toFixed(2)}%`;
    card.querySelector('.time').textContent =
      `${formatTime(session.position_ms)} / ${formatTime(session.duration_ms)}`;
  }
}

function show(result) {
  if (result.isError) {
    note = textOf(result);
    render();
    return;
  }
  sessions = (result.structuredContent?.sessions ?? []).map((s) => ({ ...s }));
  posters = new Map([...posters, ...postersOf(result)]);
  render();
}

async function refresh() {
  if (!hostCapabilities.serverTools) return;
  const missing = sessions.some((s) => !posters.has(s.media.id));
  show(await callTool('get_playback_status', missing ? { include_posters: true } : {}));
}

async function act(session, action, positionMs) {
  busy = true;
  note = '';
  render();
  try {
    const args = { action, session_id: session.session_id };
    if (action === 'seek') args.position_ms = positionMs;
    const result = await callTool('control_playback', args);
    note = textOf(result);
  } catch (error) {
    note = `Could not ${action}: ${error.message}`;
  } finally {
    busy = false;
  }
  await refresh().catch(() => render());
}

on('ui/notifications/tool-result', (result) => {
  show(result);
  refresh().catch(() => undefined);
});

// Between refreshes a playing session moves on by itself; the next refresh corrects any drift.
setInterval(() => {
  for (const session of sessions) {
    if (session.state === 'playing') {
      session.position_ms = Math.min(
        session.position_ms + 1000,
        session.duration_ms ?? Number.MAX_SAFE_INTEGER,
      );
    }
  }
  updateProgress();
}, 1000);
setInterval(() => refresh().catch(() => undefined), REFRESH_MS);

const init = await connect({ name: 'plex-now-playing', version: '1.0.0' });
hostCapabilities = init.hostCapabilities ?? {};
