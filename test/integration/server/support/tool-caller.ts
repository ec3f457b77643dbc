/** Calls tools through a connected SDK client, checking each success against the tool's advertised outputSchema. */
import type { CallToolResult, Client, Tool } from '@modelcontextprotocol/client';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { textOf } from './mcp-harness.ts';

// biome-ignore lint/suspicious/noExplicitAny: results are checked against the tool's JSON Schema, then read freely
export type Structured = Record<string, any>;

export interface ToolCaller {
  tools: Tool[];
  /** Asserts success, a non-empty text and schema-valid structuredContent; returns the structured result. */
  call(name: string, args?: Record<string, unknown>): Promise<Structured>;
  /** Success or error, unchecked. */
  raw(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** The text of the last successful call(). */
  lastText(): string;
}

export async function toolCaller(client: Client): Promise<ToolCaller> {
  const tools = (await client.listTools()).tools;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validators = new Map(
    tools.map((t) => [t.name, t.outputSchema ? ajv.compile(t.outputSchema) : undefined]),
  );
  let last = '';
  const raw = async (name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  return {
    tools,
    raw,
    lastText: () => last,
    async call(name, args = {}) {
      const result = await raw(name, args);
      expect(result.isError, `${name}(${JSON.stringify(args)}) failed: ${textOf(result)}`).toBeFalsy();
      const validate = validators.get(name);
      expect(validate, `${name} has no outputSchema`).toBeDefined();
      expect(validate?.(result.structuredContent), `${name}: ${ajv.errorsText(validate?.errors)}`).toBe(true);
      last = textOf(result);
      expect(last.length).toBeGreaterThan(0);
      return result.structuredContent as Structured;
    },
  };
}
