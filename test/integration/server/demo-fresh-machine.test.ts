// The README's first command as a new user runs it: `npm run demo` on a machine whose Node is older than the
// project's minimum (Node 20 first on PATH). .ci/with-node.mjs must provision a Node that can run the demo, and
// the demo must answer a first tool call.
import { afterAll, describe, expect, it } from 'vitest';
import { type DemoProcess, spawnDemo } from '../../support/demo-process.ts';
import { pathWithOldNodeFirst } from '../../support/old-node.ts';
import { connectClient, textOf } from './support/mcp-harness.ts';

let demo: DemoProcess | undefined;

afterAll(async () => {
  await demo?.stop();
});

describe('npm run demo with Node 20 first on PATH', () => {
  it('provisions its own Node, starts, and answers a first tool call', async () => {
    demo = await spawnDemo('npm', ['run', 'demo', '--', '--port', '0'], {
      env: {
        PATH: pathWithOldNodeFirst(),
        HOME: process.env.HOME ?? '/tmp',
        ...(process.env.PLEX_MCP_CACHE ? { PLEX_MCP_CACHE: process.env.PLEX_MCP_CACHE } : {}),
      },
      ready: (out) => /AUTH_TOKEN\s*:\s*\S+/.test(out),
      timeoutMs: 90_000,
      // npm, the bootstrap and the demo share a process group: stopped together.
      detached: true,
    });
    const out = demo.out;
    const err = demo.err();
    const url = /MCP server\s*:\s*(\S+)/.exec(out)?.[1];
    const token = /AUTH_TOKEN\s*:\s*(\S+)/.exec(out)?.[1];
    expect(url, `demo output:\n${out}\n${err}`).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(/PLEX_TOKEN\s*:\s*\S+/.test(out), 'the demo prints the simulator token').toBe(true);
    // The bootstrap says which Node it runs when it is not the one npm started.
    expect(err).not.toMatch(/ERR_UNKNOWN_FILE_EXTENSION/);

    const client = await connectClient(url as string, token as string, 'modern');
    try {
      const result = await client.callTool({ name: 'list_libraries', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toMatch(/Movies/);
    } finally {
      await client.close();
    }
  }, 180_000);
});
