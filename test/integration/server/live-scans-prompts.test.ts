/**
 * refresh_library and the prompts through real SDK clients in both protocol eras: a scan started with a progress
 * token reports Plex's activity events as increasing progress that ends at 100 before the result (which says
 * the scan finished); without a token it only starts the scan. The prompts are listed, filled in, and their
 * arguments complete from the cached library, genre and user names.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveHarness, startLive, timeUntil } from './support/live-harness.ts';
import { ERAS, textOf } from './support/mcp-harness.ts';

let h: LiveHarness;
beforeAll(async () => {
  h = await startLive({ scanStepMs: 80 });
  await h.allConnected();
});
afterAll(async () => {
  await h?.close();
});

describe.each(ERAS)('refresh_library (%s era)', (era) => {
  let client: Client;
  beforeAll(async () => {
    client = await h.connect(0, era);
  });

  it('with a progress token: progress in order from the scan’s events, ending at 100, then the result', async () => {
    const progress: { progress: number; total?: number; message?: string; at: number }[] = [];
    const before = h.sim.scansFinished();
    const result = await client.callTool(
      { name: 'refresh_library', arguments: { library: 'TV Shows' } },
      { onprogress: (p) => progress.push({ ...p, at: performance.now() }) },
    );
    const answeredAt = performance.now();
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      library: { id: '2', name: 'TV Shows' },
      finished: true,
      progress: 100,
    });
    expect(textOf(result)).toContain('finished');
    expect(h.sim.scansFinished()).toBe(before + 1);
    const values = progress.map((p) => p.progress);
    expect(values.length).toBeGreaterThanOrEqual(3);
    expect(values[0]).toBe(0);
    expect(values.at(-1)).toBe(100);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1] as number);
    expect(progress.every((p) => p.total === 100 && p.at <= answeredAt)).toBe(true);
    expect(progress[0]?.message).toContain('TV Shows');
  });

  it('without a progress token: starts the scan and answers at once', async () => {
    const before = h.sim.scansFinished();
    const result = await client.callTool({ name: 'refresh_library', arguments: { library: 'music' } });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ library: { name: 'Music' }, finished: false });
    expect(textOf(result)).toMatch(/Started scanning Music/);
    await timeUntil(async () => h.sim.scansFinished() > before, 5_000);
  });

  it('an unknown library is not_found, and no scan starts', async () => {
    const result = await client.callTool({
      name: 'refresh_library',
      arguments: { library: 'Documentaries' },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('[not_found]');
  });
});

/** The text of a prompt's one user message. */
function promptText(result: { messages: { content: unknown }[] }): string {
  const content = result.messages[0]?.content as { text?: string } | undefined;
  return content?.text ?? '';
}

describe.each(ERAS)('prompts and completions (%s era)', (era) => {
  let client: Client;
  beforeAll(async () => {
    client = await h.connect(0, era);
  });

  it('lists the three prompts with their arguments', async () => {
    const { prompts } = await client.listPrompts();
    const byName = Object.fromEntries(prompts.map((p) => [p.name, p.arguments?.map((a) => a.name)]));
    expect(byName).toEqual({
      movie_night: ['genre', 'max_minutes'],
      whats_new: ['days'],
      continue_watching: ['user'],
    });
    // Every argument says what it is, and none is required.
    for (const prompt of prompts)
      for (const argument of prompt.arguments ?? []) {
        expect(argument.description, `${prompt.name}.${argument.name}`).toBeTruthy();
        expect(argument.required ?? false).toBe(false);
      }
  });

  it('fills the arguments in', async () => {
    const movie = await client.getPrompt({
      name: 'movie_night',
      arguments: { genre: 'Comedy', max_minutes: '100' },
    });
    const text = promptText(movie);
    expect(text).toContain('"Comedy"');
    expect(text).toContain('100 minutes');
    expect(text).toContain(String(100 * 60_000));
    const news = await client.getPrompt({ name: 'whats_new', arguments: { days: '3' } });
    expect(promptText(news)).toContain('last 3 days');
    const resume = await client.getPrompt({ name: 'continue_watching', arguments: {} });
    expect(promptText(resume)).toContain('get_on_deck');
    await expect(client.getPrompt({ name: 'whats_new', arguments: { days: 'lots' } })).rejects.toThrow(
      /days/,
    );
  });

  it('completes genres of the movie library and people from the cache', async () => {
    const genres = new Set(h.sim.catalog.movies.flatMap((m) => (m.Genre ?? []).map((g) => g.tag)));
    const first = [...genres].sort()[0] ?? '';
    const typed = first.slice(0, 2);
    const genre = await client.complete({
      ref: { type: 'ref/prompt', name: 'movie_night' },
      argument: { name: 'genre', value: typed },
    });
    expect(genre.completion.values.length).toBeGreaterThan(0);
    expect(genre.completion.values).toContain(first);
    for (const value of genre.completion.values) expect(genres.has(value)).toBe(true);
    const user = await client.complete({
      ref: { type: 'ref/prompt', name: 'continue_watching' },
      argument: { name: 'user', value: 'al' },
    });
    expect(user.completion.values).toEqual(['alice']);
    const none = await client.complete({
      ref: { type: 'ref/prompt', name: 'continue_watching' },
      argument: { name: 'user', value: 'zzz' },
    });
    expect(none.completion.values).toEqual([]);
  });
});
