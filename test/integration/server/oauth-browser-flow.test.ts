/**
 * Authorization code + PKCE, as claude.ai and Claude Desktop connectors do it: the MCP SDK client discovers the
 * provider from our 401, sends the "user" to the provider's sign-in and consent pages (scripted browser), redeems
 * the code and then uses the server with a token naming that user.
 */
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayName, IDP_CLIENTS } from '../../support/idp/provider.ts';
import { ScriptedBrowserClient } from '../../support/idp/scripted-browser.ts';
import { type OAuthHarness, REDIRECT_URI, startOAuthHarness } from './support/oauth-harness.ts';

let h: OAuthHarness;
beforeAll(async () => {
  h = await startOAuthHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('authorization code + PKCE with the SDK client', () => {
  it('a signed-in user authorizes the client, which then lists and calls tools as that user', async () => {
    const provider = new ScriptedBrowserClient(IDP_CLIENTS.browser.id, REDIRECT_URI, 'alice');
    const first = new Client({ name: 'browser-flow', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(h.server.url), { authProvider: provider });
    await expect(first.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    const callback = provider.callback;
    expect(callback?.searchParams.get('code')).toBeTruthy();
    expect(callback?.searchParams.get('iss')).toBe(h.idp.issuer);
    await transport.finishAuth(callback?.searchParams as URLSearchParams);
    expect(provider.tokens()?.access_token).toBeTruthy();

    const client = new Client({ name: 'browser-flow', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(h.server.url), { authProvider: provider }),
    );
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toContain('control_playback');
      const result = await client.callTool({ name: 'get_playback_status', arguments: {} });
      expect(result.isError).toBeFalsy();
    } finally {
      await client.close();
    }
    const line = h
      .logs()
      .split('\n')
      .find((l) => l.includes('"tool":"get_playback_status"') && l.includes('tool call answered'));
    expect(JSON.parse(line as string).caller).toEqual({
      sub: 'alice',
      name: displayName('alice'),
      client_id: IDP_CLIENTS.browser.id,
    });
    expect(h.logs()).not.toContain(provider.tokens()?.access_token as string);
  });
});
