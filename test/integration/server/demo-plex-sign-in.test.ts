// `npm run demo -- --plex-sign-in`: the simulator with a family, the plex.tv double and the server in AUTH_MODE=plex;
// what it prints is enough for an MCP client to sign two people in (the browser step on the double's own sign-in
// page, through its claim endpoint as that page's script does) and see that their On Deck differs.
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { afterAll, describe, expect, it } from 'vitest';
import { type DemoProcess, startDemo } from '../../support/demo-process.ts';
import { PlexSignInClient } from './support/plex-sign-in-harness.ts';

let demo: DemoProcess | undefined;

afterAll(async () => {
  await demo?.stop();
});

describe('npm run demo -- --plex-sign-in', () => {
  it('prints how to sign in; two people signed in through it get their own On Deck', async () => {
    demo = await startDemo(['--plex-sign-in', '--port', '0']);
    const out = demo.out;
    const err = demo.err();
    const url = /MCP server\s*:\s*(\S+)/.exec(out)?.[1] as string;
    const plexTvUrl = /plex\.tv double\s*:\s*(\S+)/.exec(out)?.[1] as string;
    expect(url, `demo output:\n${out}\n${err}`).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(plexTvUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(out).toContain(`claude mcp add --transport http plex-demo-plex ${url}`);
    expect(out).not.toMatch(/AUTH_TOKEN\s*:/);

    const page = await (await fetch(`${plexTvUrl}/auth`)).text();
    for (const name of ['owner', 'partner', 'friend']) expect(page).toContain(`data-username="${name}"`);
    const viaPage = {
      async claimCode(code: string, username: string) {
        const r = await fetch(`${plexTvUrl}/__plextv/claim?${new URLSearchParams({ code, username })}`, {
          method: 'POST',
        });
        expect(r.status).toBe(200);
      },
    };
    const decks: number[] = [];
    for (const username of ['owner', 'partner']) {
      const provider = new PlexSignInClient({ username }, viaPage);
      const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
      await expect(new Client({ name: 'd', version: '1' }).connect(transport)).rejects.toBeInstanceOf(
        UnauthorizedError,
      );
      await transport.finishAuth(provider.callback?.searchParams as URLSearchParams);
      const client = new Client({ name: 'd', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
      try {
        const deck = await client.callTool({ name: 'get_on_deck', arguments: {} });
        expect(deck.isError).toBeFalsy();
        decks.push((deck.structuredContent as { count: number }).count);
      } finally {
        await client.close();
      }
    }
    expect(decks[0]).toBeGreaterThan(0);
    expect(decks[1]).toBe(0);
  }, 120_000);
});
