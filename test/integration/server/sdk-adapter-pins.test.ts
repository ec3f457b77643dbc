/**
 * SDK adapter pins: the exact MCP SDK behaviours that server/tools/define-tool.ts and server/mcp/mcp-server-pool.ts
 * rely on. Both files are SDK adapters (their headers say so); when an SDK upgrade changes one of these behaviours,
 * the named test here fails, and the adapter must be re-verified before the upgrade lands.
 */
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, McpServer, type StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, registerTool, SDK_JSON_SCHEMA_TARGET } from '../../../server/tools/define-tool.ts';
import type { ToolDeps } from '../../../server/tools/tool-deps.ts';
import { silentLogger } from '../../unit/server/cache/fakes.ts';

const doubler = defineTool({
  name: 'double_it',
  title: 'Double it',
  description: 'Doubles n.',
  input: z.strictObject({ n: z.number().int().describe('The number') }),
  output: z.object({ doubled: z.number() }),
  annotations: { readOnlyHint: true },
  category: 'read',
  async run(args) {
    // 13 answers a result that breaks the output schema, to see what the SDK does with it.
    return {
      structured: { doubled: args.n === 13 ? ('thirteen' as unknown as number) : args.n * 2 },
      text: 'ok',
    };
  },
});

const deps = { logger: silentLogger } as unknown as ToolDeps;

async function connected(server: McpServer): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'pins', version: '1' }, { versionNegotiation: { mode: 'legacy' } });
  await client.connect(clientSide);
  return client;
}

function serverWithDoubler(): McpServer {
  const server = new McpServer({ name: 'pins', version: '1' });
  registerTool(server, doubler, deps);
  return server;
}

describe('SDK pins for define-tool.ts (Standard Schema wrapper)', () => {
  it('advertises the JSON Schema our ~standard.jsonSchema hook returns in tools/list', async () => {
    const client = await connected(serverWithDoubler());
    const [tool] = (await client.listTools()).tools;
    expect(tool?.inputSchema).toMatchObject({ type: 'object', properties: { n: { type: 'integer' } } });
    expect(tool?.outputSchema).toMatchObject({ type: 'object', properties: { doubled: { type: 'number' } } });
    await client.close();
  });

  it('asks a schema for its JSON Schema in the dialect the build precomputes (SDK_JSON_SCHEMA_TARGET)', async () => {
    const asked: unknown[] = [];
    const convert = (slot: string, io: string) => (options: { target: string }) => {
      asked.push([slot, io, options.target]);
      return { type: 'object' };
    };
    const recording = (slot: 'input' | 'output') =>
      ({
        '~standard': {
          version: 1,
          vendor: 'pins',
          validate: (value: unknown) => ({ value }),
          jsonSchema: { input: convert(slot, 'input'), output: convert(slot, 'output') },
        },
      }) as unknown as StandardSchemaWithJSON<Record<string, unknown>, Record<string, unknown>>;
    const server = new McpServer({ name: 'pins', version: '1' });
    server.registerTool(
      'recorded',
      { inputSchema: recording('input'), outputSchema: recording('output') },
      async () => ({ content: [], structuredContent: {} }),
    );
    const client = await connected(server);
    await client.listTools();
    // Only these two conversions, in that dialect: built-json-schemas.ts holds exactly these.
    expect(new Set(asked.map((entry) => JSON.stringify(entry)))).toEqual(
      new Set([
        JSON.stringify(['input', 'input', SDK_JSON_SCHEMA_TARGET]),
        JSON.stringify(['output', 'output', SDK_JSON_SCHEMA_TARGET]),
      ]),
    );
    await client.close();
  });

  it('hands the handler whatever our always-accepting validate returns (the SDK does not reject bad arguments itself)', async () => {
    const client = await connected(serverWithDoubler());
    const result = await client.callTool({ name: 'double_it', arguments: { n: 'not a number' } });
    // Our handler ran and answered with its own code: had the SDK validated, there would be no _meta code.
    expect(result.isError).toBe(true);
    expect((result._meta?.['plexmcp.dev/error'] as { code?: string } | undefined)?.code).toBe(
      'invalid_request',
    );
    await client.close();
  });

  it('checks structuredContent with our output validate', async () => {
    const client = await connected(serverWithDoubler());
    expect((await client.callTool({ name: 'double_it', arguments: { n: 2 } })).structuredContent).toEqual({
      doubled: 4,
    });
    const bad = await client.callTool({ name: 'double_it', arguments: { n: 13 } }).catch((e: unknown) => e);
    const refused = bad instanceof Error || (bad as { isError?: boolean }).isError === true;
    expect(refused).toBe(true);
    await client.close();
  });
});

describe('SDK pins for mcp-server-pool.ts (instance reuse)', () => {
  it('refuses to connect an instance that is still connected (assertNotServing)', async () => {
    const server = serverWithDoubler();
    const client = await connected(server);
    const [, second] = InMemoryTransport.createLinkedPair();
    await expect(server.connect(second)).rejects.toThrow();
    await client.close();
  });

  it('calls onclose and clears server.transport when the transport closes, and the instance serves again', async () => {
    const server = serverWithDoubler();
    let closed = 0;
    server.server.onclose = () => {
      closed++;
    };
    const client = await connected(server);
    expect(server.server.transport).toBeDefined();
    await client.close();
    for (let i = 0; i < 20 && closed === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(1);
    expect(server.server.transport).toBeUndefined();
    // Reuse: the same instance connects again and answers.
    const again = await connected(server);
    expect((await again.callTool({ name: 'double_it', arguments: { n: 5 } })).structuredContent).toEqual({
      doubled: 10,
    });
    await again.close();
  });
});
