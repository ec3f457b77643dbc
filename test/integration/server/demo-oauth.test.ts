// `npm run demo -- --oauth`: the simulator, a local OpenID Provider and the server in bearer+oauth mode; what it
// prints is enough for an OAuth client (here the SDK's client-credentials flow) to connect and call a tool, and the
// static token keeps working.
import { ClientCredentialsProvider } from '@modelcontextprotocol/client';
import { afterAll, describe, expect, it } from 'vitest';
import { type DemoProcess, startDemo } from '../../support/demo-process.ts';
import { connectClient, textOf } from './support/mcp-harness.ts';
import { connectWithOAuth } from './support/oauth-harness.ts';

let demo: DemoProcess | undefined;

afterAll(async () => {
  await demo?.stop();
});

describe('npm run demo -- --oauth', () => {
  it('prints the provider and a client, with which the SDK client gets a token and calls a tool', async () => {
    demo = await startDemo(['--oauth', '--port', '0']);
    const out = demo.out;
    const err = demo.err();
    const url = /MCP server\s*:\s*(\S+)/.exec(out)?.[1] as string;
    const issuer = /Identity provider\s*:\s*(\S+)/.exec(out)?.[1] as string;
    const machine = /Machine client\s*:\s*client_id (\S+), client_secret (\S+)/.exec(out);
    const authToken = /AUTH_TOKEN\s*:\s*(\S+)/.exec(out)?.[1] as string;
    expect(url, `demo output:\n${out}\n${err}`).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(machine).not.toBeNull();
    expect(out).toContain(`claude mcp add --transport http plex-demo-oauth ${url}`);

    const metadata = await (
      await fetch(url.replace(/\/mcp$/, '/.well-known/oauth-protected-resource/mcp'))
    ).json();
    expect(metadata).toMatchObject({ resource: url, authorization_servers: [issuer] });

    const provider = new ClientCredentialsProvider({
      clientId: machine?.[1] as string,
      clientSecret: machine?.[2] as string,
      expectedIssuer: issuer,
    });
    const client = await connectWithOAuth(url, provider);
    try {
      const result = await client.callTool({ name: 'list_libraries', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toMatch(/Movies/);
    } finally {
      await client.close();
    }
    const byStatic = await connectClient(url, authToken, 'legacy');
    try {
      expect((await byStatic.listTools()).tools.length).toBeGreaterThan(0);
    } finally {
      await byStatic.close();
    }
  }, 120_000);
});
