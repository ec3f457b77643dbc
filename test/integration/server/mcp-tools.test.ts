/**
 * Each of the eight tools, called through the real MCP SDK client over HTTP (both protocol eras) against the Plex
 * simulator. Expected values come from the simulator's generated catalog, never from constants.
 */
import type { Client, Tool } from '@modelcontextprotocol/client';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { controlPlaybackTool } from '../../../server/tools/control-playback.ts';
import type { getMediaDetailsTool } from '../../../server/tools/get-media-details.ts';
import type { getOnDeckTool } from '../../../server/tools/get-on-deck.ts';
import type { getPlaybackStatusTool } from '../../../server/tools/get-playback-status.ts';
import type { getPlexStatusTool } from '../../../server/tools/get-plex-status.ts';
import type { getRecentlyAddedTool } from '../../../server/tools/get-recently-added.ts';
import type { listLibrariesTool } from '../../../server/tools/list-libraries.ts';
import type { searchMediaTool } from '../../../server/tools/search-media.ts';
import { TOOL_NAMES } from '../../e2e/call-every-tool.ts';
import type { SimItem } from '../../plex-sim/simulator.ts';
import { ERAS, errorCodeOf, errorMetaOf, type Harness, startHarness, textOf } from './support/mcp-harness.ts';

/** Structured results typed by the tools' own output schemas (the runtime check is the JSON Schema below). */
interface Outputs {
  search_media: z.output<typeof searchMediaTool.output>;
  get_media_details: z.output<typeof getMediaDetailsTool.output>;
  list_libraries: z.output<typeof listLibrariesTool.output>;
  get_playback_status: z.output<typeof getPlaybackStatusTool.output>;
  control_playback: z.output<typeof controlPlaybackTool.output>;
  get_recently_added: z.output<typeof getRecentlyAddedTool.output>;
  get_on_deck: z.output<typeof getOnDeckTool.output>;
  get_plex_status: z.output<typeof getPlexStatusTool.output>;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe.each(ERAS)('tools over HTTP (%s era)', (era) => {
  let client: Client;
  let tools: Tool[];
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validators = new Map<string, (v: unknown) => boolean>();

  beforeAll(async () => {
    client = await h.connect(era);
    tools = (await client.listTools()).tools;
    for (const tool of tools)
      if (tool.outputSchema) validators.set(tool.name, ajv.compile(tool.outputSchema));
  });
  beforeEach(() => {
    h.sim.reset();
  });

  /** Calls a tool, asserts success and that structuredContent matches the advertised output schema. */
  async function call<N extends keyof Outputs>(
    name: N,
    args: Record<string, unknown> = {},
  ): Promise<Outputs[N]> {
    const result = await client.callTool({ name, arguments: args });
    expect(result.isError, `${name} failed: ${textOf(result)}`).toBeFalsy();
    const validate = validators.get(name);
    expect(validate, `${name} has no outputSchema`).toBeDefined();
    const ok = validate?.(result.structuredContent);
    expect(ok, `${name} structuredContent does not match its outputSchema`).toBe(true);
    expect(textOf(result).length).toBeGreaterThan(0);
    return result.structuredContent as Outputs[N];
  }

  it('negotiates the protocol revision of its era', () => {
    const version = client.getNegotiatedProtocolVersion();
    if (era === 'modern') expect(version).toBe('2026-07-28');
    else expect(version).toMatch(/^2025-/);
  });

  it('lists every tool, each with a description, outputSchema and annotations', () => {
    expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);
    for (const tool of tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(40);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(tool.annotations?.openWorldHint, tool.name).toBe(false);
      if (tool.name === 'control_playback') {
        expect(tool.annotations).toMatchObject({
          readOnlyHint: false,
          destructiveHint: false,
          idempotentHint: false,
        });
      } else if (tool.annotations?.readOnlyHint !== true) {
        // The other writes are checked one by one in mcp-library-writes.test.ts.
        expect(tool.annotations?.readOnlyHint, tool.name).toBe(false);
      }
    }
    const search = tools.find((t) => t.name === 'search_media');
    expect(search?.inputSchema.properties?.limit).toMatchObject({ minimum: 1, maximum: 100 });
    expect(search?.inputSchema.required).toEqual(['query']);
  });

  it('list_libraries returns the sections of the server', async () => {
    const out = await call('list_libraries');
    expect(out.libraries.map((l) => ({ id: l.id, name: l.name, type: l.type }))).toEqual(
      h.sim.catalog.sections.map((s) => ({ id: s.key, name: s.title, type: s.type })),
    );
    expect(out.count).toBe(h.sim.catalog.sections.length);
    expect(out.libraries[0]?.locations).toEqual(h.sim.catalog.sections[0]?.Location.map((l) => l.path));
  });

  it('search_media finds a movie by its title', async () => {
    const movie = h.sim.catalog.movies[7] as SimItem;
    const out = await call('search_media', { query: movie.title, limit: 20 });
    const hit = out.items.find((i) => i.id === movie.ratingKey);
    expect(hit).toMatchObject({ type: 'movie', title: movie.title, year: movie.year, library_id: '1' });
    expect(out.count).toBe(out.items.length);
  });

  it('search_media filters by media_type and by library name, and honours limit', async () => {
    const episode = h.sim.catalog.episodes[3] as SimItem;
    const word = episode.title.split(' ').at(-1) as string;
    const typed = await call('search_media', { query: word, media_type: 'episode', limit: 100 });
    expect(typed.items.length).toBeGreaterThan(0);
    expect(typed.items.every((i) => i.type === 'episode')).toBe(true);
    expect(typed.items.some((i) => i.id === episode.ratingKey)).toBe(true);

    const inShows = await call('search_media', { query: word, library: 'tv shows', limit: 100 });
    expect(inShows.library).toEqual({ id: '2', name: 'TV Shows' });
    expect(inShows.items.every((i) => i.library_id === '2')).toBe(true);

    const limited = await call('search_media', { query: 'the', limit: 2 });
    expect(limited.items).toHaveLength(2);
  });

  it('get_media_details returns the catalog item with cast, and chapters only when asked', async () => {
    const movie = h.sim.catalog.movies.find((m) => (m.Chapter?.length ?? 0) > 0) as SimItem;
    const out = await call('get_media_details', { media_id: movie.ratingKey });
    expect(out.item).toMatchObject({
      id: movie.ratingKey,
      title: movie.title,
      year: movie.year,
      type: 'movie',
    });
    expect(out.item.genres).toEqual(movie.Genre?.map((g) => g.tag));
    expect(out.item.directors).toEqual(movie.Director?.map((d) => d.tag));
    expect(out.item.cast?.map((c) => c.name)).toEqual(movie.Role?.map((r) => r.tag));
    expect(out.item.duration_ms).toBe(movie.duration);
    expect(out.item.chapters).toBeUndefined();

    const withChapters = await call('get_media_details', {
      media_id: Number(movie.ratingKey),
      include_cast: false,
      include_chapters: true,
    });
    expect(withChapters.item.cast).toBeUndefined();
    expect(withChapters.item.chapters?.map((c) => c.start_ms)).toEqual(
      movie.Chapter?.map((c) => c.startTimeOffset),
    );
  });

  it('get_media_details maps episodes to show, season and episode numbers', async () => {
    const episode = h.sim.catalog.episodes[5] as SimItem;
    const out = await call('get_media_details', { media_id: episode.ratingKey });
    expect(out.item).toMatchObject({
      type: 'episode',
      show_title: episode.grandparentTitle,
      season_number: episode.parentIndex,
      episode_number: episode.index,
    });
  });

  it('get_playback_status lists both sessions and filters by user and client', async () => {
    const all = await call('get_playback_status');
    expect(all.count).toBe(2);
    const states = all.sessions.map((s) => s.state).sort();
    expect(states).toEqual(['paused', 'playing']);
    const movieSession = all.sessions.find((s) => s.media.type === 'movie');
    expect(movieSession).toBeDefined();
    expect(movieSession?.media.id).toBe(h.sim.catalog.movies[0]?.ratingKey);
    expect(movieSession?.position_ms).toBe(Math.floor((h.sim.catalog.movies[0]?.duration ?? 0) * 0.35));

    const alice = h.sim.catalog.accounts[1]?.name as string;
    const byUser = await call('get_playback_status', { user: alice.toUpperCase() });
    expect(byUser.sessions.map((s) => s.user)).toEqual([alice]);

    const tv = h.sim.catalog.players[0]?.name as string;
    const byClient = await call('get_playback_status', { client: tv.slice(0, 6) });
    expect(byClient.sessions.map((s) => s.player.name)).toEqual([tv]);
  });

  it('control_playback pauses, seeks and stops a chosen session, and the change is visible', async () => {
    const before = await call('get_playback_status');
    const playing = before.sessions.find((s) => s.state === 'playing');
    expect(playing).toBeDefined();

    const paused = await call('control_playback', { action: 'pause', session_id: playing?.session_id });
    expect(paused).toMatchObject({
      action: 'pause',
      session_id: playing?.session_id,
      requested_state: 'paused',
    });
    const afterPause = await call('get_playback_status');
    expect(afterPause.sessions.find((s) => s.session_id === playing?.session_id)?.state).toBe('paused');

    await call('control_playback', { action: 'seek', session_id: playing?.session_id, position_ms: 60_000 });
    const afterSeek = await call('get_playback_status');
    expect(afterSeek.sessions.find((s) => s.session_id === playing?.session_id)?.position_ms).toBe(60_000);

    await call('control_playback', { action: 'stop', session_id: playing?.session_id });
    const afterStop = await call('get_playback_status');
    expect(afterStop.sessions.map((s) => s.session_id)).not.toContain(playing?.session_id);

    // One session left: session_id becomes optional.
    const resumed = await call('control_playback', { action: 'play' });
    expect(resumed.session_id).toBe(afterStop.sessions[0]?.session_id);
  });

  it('control_playback without session_id while two sessions play is invalid_request listing them', async () => {
    const result = await client.callTool({ name: 'control_playback', arguments: { action: 'pause' } });
    expect(result.isError).toBe(true);
    expect(errorCodeOf(result)).toBe('invalid_request');
    const sessions = errorMetaOf(result).sessions as Array<Record<string, string>>;
    expect(sessions).toHaveLength(2);
    for (const s of sessions)
      expect(Object.keys(s).sort()).toEqual(['player', 'session_id', 'state', 'title', 'user']);
    expect(textOf(result)).toContain('session_id');
  });

  it('control_playback with an unknown session_id is not_found', async () => {
    const result = await client.callTool({
      name: 'control_playback',
      arguments: { action: 'stop', session_id: 'nope' },
    });
    expect(errorCodeOf(result)).toBe('not_found');
  });

  it('get_recently_added returns the newest items of a library, newest first', async () => {
    const expected = [...h.sim.catalog.movies].sort((a, b) => b.addedAt - a.addedAt).slice(0, 5);
    const out = await call('get_recently_added', { library: 'Movies', limit: 5 });
    expect(out.items.map((i) => i.id)).toEqual(expected.map((m) => m.ratingKey));
    expect(out.items[0]?.added_at).toBe(new Date((expected[0]?.addedAt ?? 0) * 1000).toISOString());

    const byId = await call('get_recently_added', { library: '1', limit: 5 });
    expect(byId.items.map((i) => i.id)).toEqual(expected.map((m) => m.ratingKey));

    const global = await call('get_recently_added', { limit: 50 });
    expect(global.items).toHaveLength(50);
    const times = global.items.map((i) => Date.parse(i.added_at ?? ''));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('get_on_deck returns partly watched items with their resume position', async () => {
    const out = await call('get_on_deck', { limit: 25 });
    expect(out.count).toBeGreaterThan(0);
    expect(out.user).toBe(h.sim.catalog.server.myPlexUsername);
    for (const item of out.items) {
      const source = h.sim.catalog.byRatingKey.get(item.id) as SimItem;
      expect(item.position_ms).toBe(source.viewOffset ?? 0);
      if (source.type === 'movie') expect(source.viewOffset).toBeGreaterThan(0);
    }
    const limited = await call('get_on_deck', { limit: 1, user: h.sim.catalog.server.myPlexUsername });
    expect(limited.items).toHaveLength(1);
  });

  it('get_on_deck for another account is invalid_request naming the token owner', async () => {
    const alice = h.sim.catalog.accounts[1]?.name as string;
    const result = await client.callTool({ name: 'get_on_deck', arguments: { user: alice } });
    expect(errorCodeOf(result)).toBe('invalid_request');
    expect(textOf(result)).toContain(h.sim.catalog.server.myPlexUsername);
  });

  it('get_plex_status reports the server identity', async () => {
    const out = await call('get_plex_status');
    expect(out).toMatchObject({
      reachable: true,
      name: h.sim.catalog.server.friendlyName,
      version: h.sim.catalog.server.version,
      platform: h.sim.catalog.server.platform,
      machine_identifier: h.sim.machineIdentifier,
      owner: h.sim.catalog.server.myPlexUsername,
      active_sessions: 2,
    });
  });
});
