/**
 * "Sign in with Plex" in a real browser (headless Chromium): the authorization request lands on our sign-in page,
 * its button opens Plex's sign-in page (the double's stand-in for app.plex.tv/auth, whose script reads the PIN code
 * from the fragment) in a new tab, the person picks who they are there, and the first tab (which only reloads
 * itself: the page has no script) continues by itself to the client's redirect with a code, which redeems for a
 * token that opens /mcp.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Chromium, launchChromium, skipBrowserTests } from '../../support/chromium.ts';
import {
  authorizationUrl,
  mcpRequest,
  registerClient,
  type SignInHarness,
  startSignInHarness,
  tokenRequest,
} from './support/plex-sign-in-harness.ts';

describe.skipIf(skipBrowserTests)('Sign in with Plex in Chromium', () => {
  let h: SignInHarness;
  let browser: Chromium;
  // The client's loopback callback (a real one: Chromium refuses port 9, the other tests' callback).
  const callback = createServer((_req, res) => res.end('back at the client'));
  let SIGN_IN_REDIRECT = '';
  beforeAll(async () => {
    callback.listen(0, '127.0.0.1');
    await once(callback, 'listening');
    SIGN_IN_REDIRECT = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
    [h, browser] = await Promise.all([startSignInHarness(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    callback.close();
  });

  it('a person signs in at the Plex page in another tab and the first tab comes back with a code', async () => {
    const client_id = await registerClient(h.publicUrl, SIGN_IN_REDIRECT, 'Chromium test');
    const verifier = randomBytes(32).toString('base64url');
    const authorize = authorizationUrl(
      h.publicUrl,
      { clientId: client_id, redirectUri: SIGN_IN_REDIRECT, verifier },
      { scope: 'plex:read', state: 'chromium-state', resource: h.publicUrl },
    );

    const page = await browser.context.newPage();
    await page.goto(authorize.href);
    expect(await page.textContent('h1')).toBe('Sign in with Plex');
    expect(await page.textContent('body')).toContain('Chromium test');

    const [plex] = await Promise.all([browser.context.waitForEvent('page'), page.click('#plex-sign-in')]);
    await plex.waitForLoadState();
    await plex.click('button[data-username="partner"]');
    await plex.waitForSelector('text=Signed in.');

    await page.waitForURL((url) => url.href.startsWith(SIGN_IN_REDIRECT), { timeout: 20_000 });
    const back = new URL(page.url());
    expect(back.searchParams.get('state')).toBe('chromium-state');
    const code = back.searchParams.get('code') as string;
    expect(code).toBeTruthy();

    const token = await tokenRequest(h.publicUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: SIGN_IN_REDIRECT,
      client_id,
      code_verifier: verifier,
    });
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    expect((await mcpRequest(h.server.url, access_token)).status).toBe(200);
  }, 60_000);
});
