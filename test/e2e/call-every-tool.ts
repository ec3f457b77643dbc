// Calls each MCP tool of a running plex-mcp server through the real MCP client and checks the
// answers against the Plex simulator's catalog (regenerated here from the same seed and size, so the checks
// work whether the simulator runs in-process, as a local process, or in a kind cluster).
//
// Used by test/e2e/kind-e2e.sh (as a CLI, through a port-forward) and by the default suite's
// test/integration/cluster/e2e-local-*.test.ts (as a library). Assertions use node:assert so it runs outside
// vitest too.
//
// CLI: AUTH_TOKEN=<bearer> node test/e2e/call-every-tool.ts --url http://127.0.0.1:8080/mcp [--items N] [--seed S]
//      (the token comes from the environment, never from argv, where `ps` would show it)
import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';
import { Client, StreamableHTTPClientTransport, type Tool } from '@modelcontextprotocol/client';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { DEFAULT_ITEMS, DEFAULT_SEED, generateCatalog, type SimCatalog } from '../plex-sim/catalog.ts';
import { onDeck, recentlyAdded } from '../plex-sim/queries.ts';

export const TOOL_NAMES = [
  'search_media',
  'get_media_details',
  'list_libraries',
  'get_playback_status',
  'control_playback',
  'get_recently_added',
  'get_on_deck',
  'get_plex_status',
  'get_watch_history',
  'browse_library',
  'list_playlists',
  'get_playlist',
  'list_players',
  'mark_watched',
  'mark_unwatched',
  'rate_media',
  'create_playlist',
  'add_to_playlist',
  'remove_from_playlist',
  'delete_playlist',
  'play_media',
  'refresh_library',
] as const;

export interface CallEveryToolOptions {
  /** The server's MCP endpoint, e.g. http://127.0.0.1:8080/mcp */
  url: string;
  authToken: string;
  /** The simulator's catalog (or one generated with the same seed and items). */
  catalog: SimCatalog;
  /** 'modern' negotiates 2026-07-28; 'legacy' uses the 2025 handshake. */
  era?: 'legacy' | 'modern';
  log?: (line: string) => void;
}

export interface ToolCheck {
  tool: string;
  ms: number;
}

// biome-ignore lint/suspicious/noExplicitAny: structured content is checked against the tool's own JSON Schema first
type Structured = Record<string, any>;

/** Connects, lists the tools, calls each one (control_playback twice: pause then play), asserts every answer. */
export async function callEveryTool(options: CallEveryToolOptions): Promise<ToolCheck[]> {
  const { catalog } = options;
  const log = options.log ?? (() => {});
  const client = new Client(
    { name: 'plex-mcp-e2e', version: '1.0.0' },
    { versionNegotiation: { mode: options.era === 'legacy' ? 'legacy' : 'auto' } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(options.url), {
      requestInit: { headers: { Authorization: `Bearer ${options.authToken}` } },
    }),
  );
  const checks: ToolCheck[] = [];
  try {
    const tools: Tool[] = (await client.listTools()).tools;
    assert.deepEqual(tools.map((t) => t.name).sort(), [...TOOL_NAMES].sort(), 'tools/list names every tool');
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validators = new Map(
      tools.map((t) => {
        assert.ok(t.outputSchema, `${t.name} advertises an outputSchema`);
        return [t.name, ajv.compile(t.outputSchema)] as const;
      }),
    );

    async function call(name: string, args: Record<string, unknown> = {}): Promise<Structured> {
      const started = performance.now();
      const result = await client.callTool({ name, arguments: args });
      const text = ((result.content ?? []) as { type: string; text?: string }[])
        .filter((c) => c.type === 'text')
        .map((c) => c.text ?? '')
        .join('\n');
      assert.ok(!result.isError, `${name}(${JSON.stringify(args)}) failed: ${text}`);
      const validate = validators.get(name);
      assert.ok(
        validate?.(result.structuredContent),
        `${name} structuredContent matches its outputSchema: ${ajv.errorsText(validate?.errors)}`,
      );
      assert.ok(text.length > 0, `${name} has a text answer`);
      const ms = performance.now() - started;
      checks.push({ tool: name, ms });
      log(`ok   ${name} ${JSON.stringify(args)} (${ms.toFixed(0)} ms)`);
      return result.structuredContent as Structured;
    }

    const status = await call('get_plex_status');
    assert.equal(status.reachable, true, 'Plex is reachable');
    assert.equal(status.machine_identifier, catalog.server.machineIdentifier, 'the simulator answers');
    assert.equal(status.name, catalog.server.friendlyName);

    const libraries = await call('list_libraries');
    assert.deepEqual(
      libraries.libraries.map((l: Structured) => ({ id: l.id, name: l.name })),
      catalog.sections.map((s) => ({ id: s.key, name: s.title })),
      'list_libraries returns the catalog sections',
    );

    const movie = catalog.movies[Math.min(7, catalog.movies.length - 1)];
    assert.ok(movie, 'the catalog has movies');
    const found = await call('search_media', { query: movie.title, media_type: 'movie', limit: 20 });
    assert.ok(
      found.items.some((i: Structured) => i.id === movie.ratingKey && i.title === movie.title),
      `search_media finds "${movie.title}"`,
    );

    const details = await call('get_media_details', { media_id: movie.ratingKey, include_chapters: true });
    assert.equal(details.item.id, movie.ratingKey);
    assert.equal(details.item.title, movie.title);
    assert.equal(details.item.year, movie.year);
    assert.deepEqual(
      (details.item.cast ?? []).map((c: Structured) => c.name),
      (movie.Role ?? []).map((r) => r.tag),
      'get_media_details lists the cast',
    );

    const recent = await call('get_recently_added', { limit: 5 });
    assert.deepEqual(
      recent.items.map((i: Structured) => i.id),
      recentlyAdded(catalog)
        .slice(0, 5)
        .map((i) => i.ratingKey),
      'get_recently_added returns the newest items, newest first',
    );

    const deck = await call('get_on_deck', { limit: 5 });
    assert.deepEqual(
      deck.items.map((i: Structured) => i.id),
      onDeck(catalog)
        .slice(0, 5)
        .map((i) => i.ratingKey),
      'get_on_deck returns the partly watched items, most recent first',
    );

    const history = await call('get_watch_history', { limit: 5 });
    assert.ok(history.entries.length > 0, 'get_watch_history lists views');

    const browse = await call('browse_library', { library: 1, limit: 3 });
    assert.equal(browse.total, catalog.movies.length, 'browse_library counts every movie');

    const playlists = await call('list_playlists');
    assert.ok(playlists.count > 0, 'list_playlists lists the playlists');
    const playlist = await call('get_playlist', { playlist_id: playlists.playlists[0].id });
    assert.equal(playlist.playlist.id, playlists.playlists[0].id);

    const players = await call('list_players');
    assert.deepEqual(
      players.players.map((p: Structured) => p.name),
      catalog.players.map((p) => p.name),
      'list_players lists the players',
    );

    const playback = await call('get_playback_status');
    assert.deepEqual(
      playback.sessions.map((s: Structured) => s.state).sort(),
      ['paused', 'playing'],
      'the simulator starts with one playing and one paused session',
    );
    const playing = playback.sessions.find((s: Structured) => s.state === 'playing');
    const paused = await call('control_playback', { action: 'pause', session_id: playing.session_id });
    assert.equal(paused.requested_state, 'paused');
    const after = await call('get_playback_status', { user: playing.user });
    assert.equal(
      after.sessions.find((s: Structured) => s.session_id === playing.session_id)?.state,
      'paused',
      'control_playback paused the session',
    );
    // Leave the simulator as we found it, so the script can run twice against one deployment.
    await call('control_playback', { action: 'play', session_id: playing.session_id });

    // Writes, each undone (or without lasting effect), so the script can still run twice.
    const fresh = catalog.movies.find(
      (m) => !m.viewCount && !m.viewOffset && m.ratingKey !== playing.media.id,
    );
    assert.ok(fresh, 'the catalog has an unwatched movie');
    assert.equal((await call('mark_watched', { media_id: fresh.ratingKey })).watched, true);
    assert.equal((await call('mark_unwatched', { media_id: fresh.ratingKey })).watched, false);
    assert.equal((await call('rate_media', { media_id: fresh.ratingKey, stars: 4 })).rating, 8);
    const track = catalog.tracks[0];
    assert.ok(track, 'the catalog has tracks');
    const created = await call('create_playlist', { title: 'e2e playlist', media_ids: [track.ratingKey] });
    const added = await call('add_to_playlist', {
      playlist_id: created.playlist.id,
      media_ids: [track.ratingKey],
    });
    assert.equal(added.added, 1, 'add_to_playlist added the track again');
    const removal = { playlist_id: created.playlist.id, items: [track.ratingKey] };
    const preview = await call('remove_from_playlist', removal);
    assert.equal(preview.status, 'confirmation_required');
    assert.equal(
      (await call('remove_from_playlist', { ...removal, confirm: preview.confirm })).status,
      'done',
    );
    const deletion = await call('delete_playlist', { playlist_id: created.playlist.id });
    assert.equal(
      (await call('delete_playlist', { playlist_id: created.playlist.id, confirm: deletion.confirm })).status,
      'done',
    );
    const roku = catalog.players[2];
    assert.ok(roku, 'the catalog has a third player');
    const started = await call('play_media', { media_id: fresh.ratingKey, player: roku.name });
    assert.equal(started.player.id, roku.machineIdentifier);
    // Stopped at 0 ms it leaves no resume point and no history entry.
    await call('control_playback', { action: 'stop', player: roku.name });
    const scan = await call('refresh_library', { library: 'Movies' });
    assert.equal(scan.library.name, 'Movies');

    const called = new Set(checks.map((c) => c.tool));
    assert.deepEqual(
      [...TOOL_NAMES].filter((t) => !called.has(t)),
      [],
      'every tool was called',
    );
    return checks;
  } finally {
    await client.close();
  }
}

const CliArgs = z.object({
  url: z.url(),
  items: z.coerce.number().int().min(8).default(DEFAULT_ITEMS),
  seed: z.coerce.number().int().default(DEFAULT_SEED),
  era: z.enum(['legacy', 'modern']).default('modern'),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      items: { type: 'string' },
      seed: { type: 'string' },
      era: { type: 'string' },
    },
    strict: true,
  });
  const args = CliArgs.safeParse(values);
  const authToken = process.env.AUTH_TOKEN ?? '';
  if (!args.success || authToken.length < 32) {
    const problems = args.success ? [] : args.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`);
    if (authToken.length < 32)
      problems.push('AUTH_TOKEN: set it in the environment (at least 32 characters)');
    console.error(`call-every-tool: ${problems.join('; ')}`);
    process.exit(2);
  }
  const catalog = generateCatalog({ items: args.data.items, seed: args.data.seed });
  const checks = await callEveryTool({
    url: args.data.url,
    authToken,
    catalog,
    era: args.data.era,
    log: (line) => console.log(line),
  });
  console.log(`${checks.length} passed, 0 failed`);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(`call-every-tool: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  });
}
