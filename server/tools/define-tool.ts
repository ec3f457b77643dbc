/**
 * SDK adapter: re-verify on every SDK upgrade. This file wraps our zod schemas as Standard Schemas for the MCP SDK
 * (memoised JSON Schema, an input validate that accepts anything so our handler answers invalid_request itself, an
 * output validate delegated to zod) and relies on how the SDK uses them. Those behaviours are pinned by
 * test/integration/server/sdk-adapter-pins.test.ts ("SDK pins for define-tool.ts").
 */
import type {
  ImageContent,
  InputRequiredResult,
  McpServer,
  StandardSchemaWithJSON,
  ToolAnnotations,
} from '@modelcontextprotocol/server';
import type { z } from 'zod';
import { callerLogContext, callerOf, plexAccessOf } from '../auth/caller.ts';
import { PlexUnauthorizedError } from '../plex/errors.ts';
import { runAsPlexIdentity } from '../plex/plex-identity.ts';
import { BUILT_TOOL_JSON_SCHEMAS } from './built-json-schemas.ts';
import { compactJsonSchema } from './compact-schema.ts';
import { confirmChannelOf } from './elicitation.ts';
import type { ToolCategory } from './tool-category.ts';
import type { ToolDeps } from './tool-deps.ts';
import { invalidArguments, ToolError, toolErrorResult, toToolError } from './tool-error.ts';

export interface ToolOutcome<O> {
  structured: O;
  /** A short human-readable summary; the full data is in structuredContent. */
  text: string;
  /** Where the answer came from, for metrics (plex, cache or stale). */
  source?: 'plex' | 'cache' | 'stale';
  /** Image blocks sent after the text (posters, see server/images/). */
  images?: ImageContent[];
  /** The result's `_meta` (e.g. which tool answered, for an app; see server/apps/). */
  meta?: Record<string, unknown>;
  /**
   * A question for the user before the tool acts (2026-07-28 multi-round-trip, server/tools/confirmation.ts): the
   * call answers `input_required` with it instead of this outcome, and the client retries with the answer.
   */
  inputRequired?: InputRequiredResult;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds tools with different schemas
export type AnyToolDefinition = ToolDefinition<any, any>;

export interface ToolDefinition<I extends z.ZodType<Record<string, unknown>>, O extends z.ZodType> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  /** The tool's `_meta` in tools/list (an MCP App's `ui.resourceUri`; see server/apps/). */
  meta?: Record<string, unknown>;
  /**
   * What the tool touches (server/tools/tool-category.ts): with OAuth, a token sees and runs it only with the
   * category's scope (read -> plex:read, playback -> plex:playback, library -> plex:library).
   */
  category: ToolCategory;
  run(args: z.output<I>, deps: ToolDeps): Promise<ToolOutcome<z.input<O>>>;
}

/** Identity helper that makes TypeScript infer a tool's argument and result types from its schemas. */
export function defineTool<I extends z.ZodType<Record<string, unknown>>, O extends z.ZodType>(
  definition: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return definition;
}

type SdkSchema = StandardSchemaWithJSON<unknown, unknown>;
type StandardProps = SdkSchema['~standard'];
type JsonSchemaOptions = Parameters<StandardProps['jsonSchema']['input']>[0];

/**
 * The JSON Schema dialect the SDK asks our schemas for (its JSON_SCHEMA_CONVERSION_TARGET, pinned by
 * test/integration/server/sdk-adapter-pins.test.ts): the one the build precomputes (built-json-schemas.ts).
 */
export const SDK_JSON_SCHEMA_TARGET = 'draft-2020-12';

/** Which of a tool's schemas, converted for which side of it (the SDK asks `input` of the input, `output` of the output). */
type SchemaSlot = 'input' | 'output';

/** A precomputed schema's key in BUILT_TOOL_JSON_SCHEMAS. */
function builtKey(tool: string, slot: SchemaSlot, io: 'input' | 'output', target: string): string {
  return `${tool}/${slot}/${io}/${target}`;
}

/**
 * A zod schema as the SDK sees it, with its JSON Schema conversion memoised. The SDK builds a fresh McpServer per
 * HTTP request and converts each tool's schemas again for every instance (0.2-0.5 ms per output schema per call,
 * measured); our schemas never change, so each conversion runs once per process, or not at all when the build
 * precomputed it.
 */
function memoisedSchema(
  tool: string,
  slot: SchemaSlot,
  schema: z.ZodType,
  validate: StandardProps['validate'],
): SdkSchema {
  const real = schema['~standard'] as unknown as StandardProps;
  const memo = new Map<string, Record<string, unknown>>();
  const convert =
    (io: 'input' | 'output') =>
    (options: JsonSchemaOptions): Record<string, unknown> => {
      const key = builtKey(tool, slot, io, options.target);
      let json = memo.get(key) ?? BUILT_TOOL_JSON_SCHEMAS[key];
      if (!json) {
        json = compactJsonSchema(real.jsonSchema[io](options), slot);
        memo.set(key, json);
      }
      return json;
    };
  return {
    '~standard': {
      version: 1,
      vendor: 'plex-mcp',
      validate,
      jsonSchema: { input: convert('input'), output: convert('output') },
    },
  };
}

/**
 * The input schema as the SDK sees it: it advertises the real JSON Schema in tools/list, but its validation step
 * accepts anything. We validate in the handler ourselves because the SDK's own failure result has no error code
 * and a message meant for developers; ours is `invalid_request` naming each bad field (SEP-1303: input
 * validation failures are tool errors, not protocol errors).
 */
function advertisedInputSchema(tool: AnyToolDefinition): SdkSchema {
  return memoisedSchema(tool.name, 'input', tool.input, (value: unknown) => ({ value: value ?? {} }));
}

/** The output schema with the SDK's validation delegated to zod (results are checked against it). */
function outputSchema(tool: AnyToolDefinition): SdkSchema {
  const real = tool.output['~standard'] as unknown as StandardProps;
  return memoisedSchema(tool.name, 'output', tool.output, (value: unknown) => real.validate(value));
}

/** Per tool definition, the SDK-facing schemas, built once. */
const sdkSchemas = new WeakMap<AnyToolDefinition, { input: SdkSchema; output: SdkSchema }>();
function sdkSchemasOf(tool: AnyToolDefinition): { input: SdkSchema; output: SdkSchema } {
  let schemas = sdkSchemas.get(tool);
  if (!schemas) {
    schemas = { input: advertisedInputSchema(tool), output: outputSchema(tool) };
    sdkSchemas.set(tool, schemas);
  }
  return schemas;
}

/**
 * What the build writes into built-json-schemas.ts: each tool's schemas converted as the SDK converts them for
 * tools/list (input schema as input, output schema as output, in SDK_JSON_SCHEMA_TARGET), through the same path.
 */
export function builtToolJsonSchemas(
  tools: readonly AnyToolDefinition[],
): Record<string, Record<string, unknown>> {
  const table: Record<string, Record<string, unknown>> = {};
  const options = { target: SDK_JSON_SCHEMA_TARGET } as JsonSchemaOptions;
  for (const tool of tools) {
    const { input, output } = sdkSchemasOf(tool);
    table[builtKey(tool.name, 'input', 'input', options.target)] =
      input['~standard'].jsonSchema.input(options);
    table[builtKey(tool.name, 'output', 'output', options.target)] =
      output['~standard'].jsonSchema.output(options);
  }
  return table;
}

/** The tool error of a signed-in person whose Plex token stopped working. */
export const SIGNED_OUT =
  'Plex no longer accepts your sign-in (revoked, or the password changed): sign in with Plex again by reconnecting this server in your app.';

export function registerTool(server: McpServer, tool: AnyToolDefinition, sharedDeps: ToolDeps): void {
  const schemas = sdkSchemasOf(tool);
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: schemas.input,
      outputSchema: schemas.output,
      // No annotations.title: the tool's own title says it, and tools/list should not carry it twice.
      annotations: tool.annotations,
      ...(tool.meta ? { _meta: tool.meta } : {}),
    },
    async (rawArgs: unknown, ctx) => {
      const started = performance.now();
      // With OAuth, the caller's identity goes into this call's log context and is available to the tool.
      const caller = callerOf(ctx.http?.authInfo);
      // AUTH_MODE=plex: the call runs with the signed-in person's own Plex access.
      const plexAccess = plexAccessOf(ctx.http?.authInfo);
      let callDeps: ToolDeps =
        caller === undefined
          ? sharedDeps
          : { ...sharedDeps, caller, logger: sharedDeps.logger.child({ caller: callerLogContext(caller) }) };
      // Only tools that ask before acting look at how this call could ask the user.
      if (tool.annotations.destructiveHint === true && tool.annotations.readOnlyHint !== true) {
        const confirmChannel = confirmChannelOf(ctx, server, sharedDeps.sessionful === true);
        if (confirmChannel) callDeps = { ...callDeps, confirmChannel };
      }
      const progressToken = ctx.mcpReq._meta?.progressToken;
      if (progressToken !== undefined) {
        callDeps = {
          ...callDeps,
          progress: (progress, total, message) =>
            ctx.mcpReq
              .notify({
                method: 'notifications/progress',
                params: {
                  progressToken,
                  progress,
                  ...(total !== undefined ? { total } : {}),
                  ...(message ? { message } : {}),
                },
              })
              .catch(() => undefined),
        };
      }
      const finish = (outcome: 'success' | 'error', code?: string, source?: ToolOutcome<unknown>['source']) =>
        callDeps.observer?.toolCalled(tool.name, outcome, code, (performance.now() - started) / 1000, source);

      const parsed = tool.input.safeParse(rawArgs ?? {});
      if (!parsed.success) {
        const error = invalidArguments(parsed.error);
        callDeps.logger.debug(
          { tool: tool.name, code: error.code, msg: error.message },
          'tool call rejected',
        );
        finish('error', error.code);
        return toolErrorResult(error);
      }
      try {
        const run = () => tool.run(parsed.data, callDeps);
        const outcome = plexAccess === undefined ? await run() : await runAsPlexIdentity(plexAccess, run);
        finish('success', undefined, outcome.source);
        if (outcome.inputRequired) return outcome.inputRequired;
        callDeps.logger.debug(
          {
            tool: tool.name,
            args: parsed.data,
            source: outcome.source,
            ms: Math.round(performance.now() - started),
          },
          'tool call answered',
        );
        return {
          content: [{ type: 'text' as const, text: outcome.text }, ...(outcome.images ?? [])],
          structuredContent: outcome.structured as Record<string, unknown>,
          ...(outcome.meta ? { _meta: outcome.meta } : {}),
        };
      } catch (thrown) {
        if (plexAccess !== undefined && thrown instanceof PlexUnauthorizedError && thrown.status === 401) {
          // Plex no longer takes this person's token (revoked, password changed): end their sign-in everywhere.
          await plexAccess.end().catch(() => undefined);
          const error = new ToolError('unauthorized', SIGNED_OUT);
          logFailure(callDeps, tool.name, error, thrown);
          finish('error', error.code);
          return toolErrorResult(error);
        }
        const error = toToolError(thrown);
        logFailure(callDeps, tool.name, error, thrown);
        finish('error', error.code);
        return toolErrorResult(error);
      }
    },
  );
}

function logFailure(deps: ToolDeps, tool: string, error: ToolError, thrown: unknown): void {
  if (error.code === 'internal_error') {
    deps.logger.error({ tool, err: thrown }, 'tool call failed unexpectedly');
  } else if (error.code === 'plex_unavailable' || error.code === 'unauthorized') {
    // Expected conditions (Plex down, token refused): the reason, never a stack trace.
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    deps.logger.warn({ tool, code: error.code, reason }, 'tool call failed: Plex');
  } else {
    deps.logger.debug({ tool, code: error.code, msg: error.message }, 'tool call refused');
  }
}
