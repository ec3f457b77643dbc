/**
 * The CORS contract in a real browser: a page served from an origin listed in MCP_ALLOWED_ORIGINS calls /mcp with
 * fetch (a bearer token, so the browser sends a preflight first) and reads the answer; a page from an unlisted origin
 * cannot. Chromium resolves the page's host name to loopback (--host-resolver-rules), so nothing leaves the machine.
 * Needs Chromium (`CHROMIUM_PATH` or /usr/bin/chromium): missing, the test fails, unless PLEXMCP_SKIP_BROWSER=1.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/mcp-harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = process.env.PLEXMCP_SKIP_BROWSER === '1';
if (skip) console.warn('PLEXMCP_SKIP_BROWSER=1: the Chromium CORS test is skipped');

describe.skipIf(skip)('MCP_ALLOWED_ORIGINS in Chromium', () => {
  let h: Harness;
  let pages: Server;
  let pagePort: number;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
    pages = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>app</title>');
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    pagePort = (pages.address() as AddressInfo).port;
    h = await startHarness({ MCP_ALLOWED_ORIGINS: `http://app.test:${pagePort}` });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--host-resolver-rules=MAP app.test 127.0.0.1, MAP other.test 127.0.0.1'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await new Promise<void>((resolve) => (pages ? pages.close(() => resolve()) : resolve()));
  });

  async function callFrom(host: string): Promise<string> {
    const page = await browser.newPage();
    try {
      await page.goto(`http://${host}:${pagePort}/`);
      return await page.evaluate(
        async ({ url, token }) => {
          try {
            const res = await fetch(url, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${token}`,
                'content-type': 'application/json',
                accept: 'application/json, text/event-stream',
                'mcp-protocol-version': '2025-06-18',
              },
              body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
            });
            // The answer may be JSON or one SSE frame; either way it lists the tools.
            const text = await res.text();
            return `${res.status} ${text.includes('"search_media"') ? 'tools listed' : text.slice(0, 80)}`;
          } catch (error) {
            return `blocked: ${(error as Error).message}`;
          }
        },
        { url: h.server.url, token: h.authToken },
      );
    } finally {
      await page.close();
    }
  }

  it('lets a page from the listed origin call /mcp and read the answer', async () => {
    expect(await callFrom('app.test')).toBe('200 tools listed');
  });

  it('blocks a page from an unlisted origin', async () => {
    expect(await callFrom('other.test')).toMatch(/^blocked/);
  });
});
