/**
 * What tools/list costs an assistant's context: the compact JSON size of each tool entry and of the whole list,
 * as a real MCP client receives it from a running server (over HTTP, in the given era). Shared by the size
 * contract test and the `npm run tools:size` report.
 */
import { connectClient, type Era, startHarness } from '../integration/server/support/mcp-harness.ts';

export interface ToolsListSize {
  total: number;
  /** The whole `{tools}` result as compact JSON. */
  json: string;
  tools: { name: string; bytes: number }[];
}

export async function measureToolsList(
  env: Record<string, string> = {},
  era: Era = 'modern',
): Promise<ToolsListSize> {
  const h = await startHarness(env);
  try {
    const client = await connectClient(h.server.url, h.authToken, era);
    try {
      const { tools } = await client.listTools();
      const json = JSON.stringify({ tools });
      return {
        total: Buffer.byteLength(json),
        json,
        tools: tools.map((t) => ({ name: t.name, bytes: Buffer.byteLength(JSON.stringify(t)) })),
      };
    } finally {
      await client.close();
    }
  } finally {
    await h.close();
  }
}
