/**
 * A throwaway tools/call, served in idle time after start by the code a real one runs, so that the first real call
 * finds that code warm (issue #18: the first call after start cost 7-9x a warm one). The idle warm-up
 * (first-call-warm-up.ts) already parses our own schemas once; what a first call still paid for was the SDK's
 * request path (its own zod schemas for the JSON-RPC request and the CallToolResult, the 2026-07-28 header checks,
 * the result codec) and our tool wrapper (define-tool.ts): code that only a tools/call reaches.
 *
 * How it stays invisible: the call goes to a private McpServer holding one tool of its own, never to the pool or
 * a client's connection; the tool answers a constant and touches nothing (no Plex request, no cache); its wrapper
 * runs with no observer (no metric) and a silent logger (no log line). Over HTTP it goes straight to a private
 * `createMcpHandler`, not through our node:http listener (no request metric, no access log); over stdio through an
 * InMemoryTransport pair. Everything it builds is garbage once it has answered.
 */
import {
  createMcpHandler,
  InMemoryTransport,
  LATEST_PROTOCOL_VERSION,
  McpServer,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { defineTool, registerTool } from '../tools/define-tool.ts';
import type { ToolDeps } from '../tools/tool-deps.ts';

/** The private tool's name: on no server a client can reach. */
export const WARM_UP_TOOL = 'warm_up';

/** The stateless 2026-07-28 revision (the SDK exports no name for it); 2025-era calls use its latest revision. */
const MODERN_PROTOCOL = '2026-07-28';
const LEGACY_PROTOCOL = LATEST_PROTOCOL_VERSION;

/** Shaped like a read tool's: an argument, a structured answer with an array, checked against its schema. */
const warmUpTool = defineTool({
  name: WARM_UP_TOOL,
  title: 'Warm-up',
  description: 'Answers its word back.',
  input: z.object({ word: z.string().min(1) }),
  output: z.object({ words: z.array(z.string()), count: z.number().int() }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  category: 'read',
  run: async ({ word }) => ({
    structured: { words: [word], count: 1 },
    text: `1 word: ${word}`,
  }),
});

function warmUpServer(deps: ToolDeps): McpServer {
  const server = new McpServer({ name: 'warm-up', version: '0.0.0' });
  registerTool(server, warmUpTool, {
    ...deps,
    observer: undefined,
    logger: deps.logger.child({}, { level: 'silent' }),
  });
  return server;
}

const callParams = { name: WARM_UP_TOOL, arguments: { word: 'warm' } };

/** One 2026-07-28 (stateless, per request) and one 2025-era (stateless legacy) tools/call through a private handler. */
export async function warmUpHttpCall(deps: ToolDeps): Promise<void> {
  const handler = createMcpHandler(() => warmUpServer(deps), {
    legacy: 'stateless',
    onerror: () => undefined,
  });
  try {
    const modern = {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        ...callParams,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN_PROTOCOL,
          'io.modelcontextprotocol/clientCapabilities': {},
          'io.modelcontextprotocol/clientInfo': { name: 'warm-up', version: '0.0.0' },
        },
      },
    };
    await answer(handler, modern, {
      'mcp-protocol-version': MODERN_PROTOCOL,
      'mcp-method': 'tools/call',
      'mcp-name': WARM_UP_TOOL,
    });
    const legacy = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: callParams };
    await answer(handler, legacy, { 'mcp-protocol-version': LEGACY_PROTOCOL });
  } finally {
    await handler.close();
  }
}

async function answer(
  handler: ReturnType<typeof createMcpHandler>,
  body: object,
  headers: Record<string, string>,
): Promise<void> {
  const request = new Request('http://localhost/mcp', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
  });
  const response = await handler.fetch(request, { parsedBody: body });
  const text = await response.text();
  if (!response.ok || !text.includes('"structuredContent"'))
    throw new Error(`warm-up call answered ${response.status}`);
}

/** A session's initialize and one tools/call over an in-process transport pair (what a stdio session runs). */
export async function warmUpSessionCall(deps: ToolDeps): Promise<void> {
  const server = warmUpServer(deps);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const answered = new Map<number, (message: unknown) => void>();
  clientSide.onmessage = (message) => {
    const id = (message as { id?: unknown }).id;
    if (typeof id === 'number') answered.get(id)?.(message);
  };
  const request = (id: number, method: string, params: Record<string, unknown>) =>
    new Promise<unknown>((resolve) => {
      answered.set(id, resolve);
      void clientSide.send({ jsonrpc: '2.0', id, method, params });
    });
  try {
    await server.connect(serverSide);
    await clientSide.start();
    await request(1, 'initialize', {
      protocolVersion: LEGACY_PROTOCOL,
      capabilities: {},
      clientInfo: { name: 'warm-up', version: '0.0.0' },
    });
    await clientSide.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const result = (await request(2, 'tools/call', callParams)) as {
      result?: { structuredContent?: unknown };
    };
    if (!result.result?.structuredContent) throw new Error('warm-up call gave no structured answer');
  } finally {
    await server.close();
    await clientSide.close();
  }
}
