/**
 * The MCP Apps views in a real browser: headless Chromium loads a test host page that speaks the Apps protocol
 * with ext-apps' own host side (AppBridge), fed with real tool results from our server against the simulator's
 * demo catalog (200 items, default seed, as `npm run demo`). Tool calls the views make go through the host to the
 * same server. Screenshots land in test-results/apps/; UPDATE_README_SCREENSHOTS=1 also refreshes docs/images/.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Client, Tool } from '@modelcontextprotocol/client';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostPage, startHostPage } from '../../apps/host-page.ts';
import { type Chromium, launchChromium, skipBrowserTests } from '../../support/chromium.ts';
import { type Harness, startHarness } from './support/mcp-harness.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');
const ARTIFACTS = join(repoRoot, 'test-results', 'apps');
const README_IMAGES = join(repoRoot, 'docs', 'images');

interface HostWindow {
  mountApp(input: unknown): Promise<void>;
  hostMessages: Array<{ content: Array<{ text: string }> }>;
  hostErrors: string[];
  appInfo: { name: string } | undefined;
}

interface Mounted {
  page: Page;
  frame: FrameLocator;
  result: Awaited<ReturnType<Client['callTool']>>;
  calls: Array<{ name: string; arguments?: Record<string, unknown> }>;
  errors: string[];
}

describe.skipIf(skipBrowserTests)('MCP Apps views in Chromium', () => {
  let h: Harness;
  let client: Client;
  let tools: Tool[];
  let host: HostPage;
  let browser: Chromium;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [h, host, browser] = await Promise.all([
      startHarness({ CACHE_ENABLED: 'true' }),
      startHostPage(),
      launchChromium(),
    ]);
    client = await h.connect('modern');
    tools = (await client.listTools()).tools;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await h?.close();
  });

  async function mount(toolName: string, args: Record<string, unknown>): Promise<Mounted> {
    const tool = tools.find((t) => t.name === toolName);
    const uri = (tool?._meta?.ui as { resourceUri?: string } | undefined)?.resourceUri;
    if (!tool || !uri) throw new Error(`${toolName} declares no app`);
    const resource = await client.readResource({ uri });
    const content = resource.contents[0] as { text: string; _meta?: { ui?: { csp?: unknown } } };
    const result = await client.callTool({ name: toolName, arguments: args });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();

    const page = await browser.context.newPage();
    const calls: Mounted['calls'] = [];
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.exposeFunction('hostCallTool', async (params: Mounted['calls'][number]) => {
      calls.push(params);
      return client.callTool(params);
    });
    await page.goto(host.url);
    // Plain JSON for the page (a serialisable copy; also keeps TypeScript off the SDK's deep result types).
    const input: unknown = JSON.parse(
      JSON.stringify({
        html: content.text,
        csp: content._meta?.ui?.csp,
        tool,
        toolInput: args,
        toolResult: result,
      }),
    );
    await page.evaluate((value) => (globalThis as unknown as HostWindow).mountApp(value), input);
    return { page, frame: page.frameLocator('iframe'), result, calls, errors };
  }

  async function screenshot(page: Page, name: string, readme = false): Promise<void> {
    const path = join(ARTIFACTS, `${name}.png`);
    await page.locator('#frame').screenshot({ path });
    if (readme && process.env.UPDATE_README_SCREENSHOTS === '1') {
      mkdirSync(README_IMAGES, { recursive: true });
      copyFileSync(path, join(README_IMAGES, `${name}.png`));
    }
  }

  async function expectGrid(mounted: Mounted): Promise<void> {
    const items = (mounted.result.structuredContent as { items: Array<{ id: string; title: string }> }).items;
    expect(items.length).toBeGreaterThan(0);
    const cards = mounted.frame.locator('.card');
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(items.length);
    expect(
      await cards.evaluateAll((nodes) => nodes.map((n) => (n as HTMLElementLike).dataset.mediaId)),
    ).toEqual(items.map((i) => i.id));
    const titles = await mounted.frame.locator('.card .title').allTextContents();
    for (const [i, item] of items.entries()) expect(titles[i]).toContain(item.title);
    // Posters: the view asked the same tool again for them, and every card shows a decoded image.
    const images = mounted.frame.locator('.card img');
    await expect.poll(() => images.count(), { timeout: 30_000 }).toBe(items.length);
    await expect
      .poll(
        () =>
          images.evaluateAll((nodes) =>
            nodes.every((n) => (n as ImageLike).complete && (n as ImageLike).naturalWidth > 0),
          ),
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(mounted.calls.map((c) => c.arguments?.include_posters)).toContain(true);
    expect(mounted.errors).toEqual([]);
  }

  it('search_media: one card per hit with its title and a loaded poster', async () => {
    const word = h.sim.catalog.movies[0]?.title.split(' ')[0] ?? 'the';
    const mounted = await mount('search_media', { query: word, limit: 8 });
    await expectGrid(mounted);
    await screenshot(mounted.page, 'poster-grid-search');
    await mounted.page.close();
  });

  it('get_recently_added: the grid, and a click on a card asks the host for its details', async () => {
    const mounted = await mount('get_recently_added', { limit: 12, library: 'Movies' });
    await expectGrid(mounted);
    await screenshot(mounted.page, 'poster-grid', true);
    const first = (mounted.result.structuredContent as { items: Array<{ id: string }> }).items[0];
    await mounted.frame.locator('.card').first().click();
    await expect
      .poll(() => mounted.page.evaluate(() => (globalThis as unknown as HostWindow).hostMessages.length))
      .toBe(1);
    const [message] = await mounted.page.evaluate(() => (globalThis as unknown as HostWindow).hostMessages);
    expect(message?.content[0]?.text).toContain(`media_id ${first?.id}`);
    await mounted.page.close();
  });

  it('get_on_deck: progress bars for partly watched items', async () => {
    const mounted = await mount('get_on_deck', { limit: 6 });
    await expectGrid(mounted);
    const started = (
      mounted.result.structuredContent as { items: Array<{ position_ms: number }> }
    ).items.filter((i) => i.position_ms > 0).length;
    expect(started).toBeGreaterThan(0);
    expect(await mounted.frame.locator('.card .progress .fill').count()).toBe(started);
    await screenshot(mounted.page, 'poster-grid-on-deck');
    await mounted.page.close();
  });

  it('browse_library: a page of a library, sorted by year', async () => {
    const mounted = await mount('browse_library', { library: 'TV Shows', sort: 'year', limit: 10 });
    await expectGrid(mounted);
    await screenshot(mounted.page, 'poster-grid-browse');
    await mounted.page.close();
  });

  it('get_playback_status: the now-playing card moves, and Pause pauses the session in Plex', async () => {
    h.sim.reset();
    const mounted = await mount('get_playback_status', {});
    const sessions = (
      mounted.result.structuredContent as {
        sessions: Array<{
          session_id: string;
          state: string;
          media: { title: string };
          player: { name: string };
        }>;
      }
    ).sessions;
    const playing = sessions.find((s) => s.state === 'playing');
    if (!playing) throw new Error('the simulator starts with a playing session');
    const cards = mounted.frame.locator('article.session');
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(sessions.length);
    const card = mounted.frame.locator(`article.session[data-session-id="${playing.session_id}"]`);
    await expect.poll(() => card.locator('.title').textContent()).toContain(playing.media.title);
    expect(await card.locator('.meta').textContent()).toContain(playing.player.name);
    await expect.poll(() => card.locator('.poster img').count(), { timeout: 15_000 }).toBe(1);

    // The bar of a playing session moves on by itself between refreshes.
    const width = () =>
      card.locator('.fill').evaluate((n) => Number.parseFloat((n as HTMLElementLike).style.width));
    const before = await width();
    await expect.poll(width, { timeout: 5_000 }).toBeGreaterThan(before);
    await screenshot(mounted.page, 'now-playing', true);

    await card.locator('button[data-action="pause"]').click();
    await expect
      .poll(
        () =>
          h.sim
            .sessions()
            .find((s) => s.sessionId === playing.session_id || s.sessionKey === playing.session_id)?.state,
        {
          timeout: 15_000,
        },
      )
      .toBe('paused');
    const sent = mounted.calls.find((c) => c.name === 'control_playback');
    expect(sent?.arguments).toEqual({ action: 'pause', session_id: playing.session_id });
    // The card follows the real state: a Play button where Pause was.
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 15_000 }).toBe('paused');
    expect(await card.locator('button[data-action="play"]').count()).toBe(1);
    expect(mounted.errors).toEqual([]);
    expect(await mounted.page.evaluate(() => (globalThis as unknown as HostWindow).hostErrors)).toEqual([]);
    expect(await mounted.page.evaluate(() => (globalThis as unknown as HostWindow).appInfo?.name)).toBe(
      'plex-now-playing',
    );
    await mounted.page.close();
  });

  it('get_playback_status: +30s seeks the session in Plex and Stop ends it', async () => {
    h.sim.reset();
    const mounted = await mount('get_playback_status', {});
    const paused = h.sim.sessions().find((s) => s.state === 'paused');
    if (!paused) throw new Error('the simulator starts with a paused session');
    const card = mounted.frame.locator(`article.session[data-session-id="${paused.sessionId}"]`);
    await expect.poll(() => card.count(), { timeout: 15_000 }).toBe(1);
    await card.locator('button[data-action="forward"]').click();
    const offset = () => h.sim.sessions().find((s) => s.sessionId === paused.sessionId)?.viewOffset;
    await expect.poll(offset, { timeout: 15_000 }).toBe(paused.viewOffset + 30_000);
    expect(mounted.calls.find((c) => c.name === 'control_playback')?.arguments).toEqual({
      action: 'seek',
      session_id: paused.sessionId,
      position_ms: paused.viewOffset + 30_000,
    });
    await expect
      .poll(() => card.locator('button[data-action="stop"]').isEnabled(), { timeout: 15_000 })
      .toBe(true);
    await card.locator('button[data-action="stop"]').click();
    await expect
      .poll(() => h.sim.sessions().some((s) => s.sessionId === paused.sessionId), { timeout: 15_000 })
      .toBe(false);
    await expect.poll(() => card.count(), { timeout: 15_000 }).toBe(0);
    expect(await mounted.frame.locator('article.session').count()).toBe(h.sim.sessions().length);
    expect(mounted.errors).toEqual([]);
    await mounted.page.close();
  });
});

/** The few DOM shapes the page callbacks read (the tests' tsconfig has no DOM library). */
interface HTMLElementLike {
  dataset: Record<string, string | undefined>;
  style: { width: string };
}
interface ImageLike {
  complete: boolean;
  naturalWidth: number;
}
