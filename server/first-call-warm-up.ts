import { warmUpHttpCall, warmUpSessionCall } from './mcp/warm-up-call.ts';
import { looseArrayMember, PLEX_RESPONSE_SCHEMAS } from './plex/response-schemas.ts';
import {
  runtimeSteps,
  schemaSteps,
  startIdleWarmUp,
  type WarmUpHandle,
  type WarmUpStep,
} from './startup/idle-warm-up.ts';
import type { HiddenMembers } from './startup/schema-samples.ts';
import { IDLE_WORK_DELAY_MS } from './startup/when-idle.ts';
import { TOOLS } from './tools/registry.ts';
import type { ToolDeps } from './tools/tool-deps.ts';

/** Which transport's request path the warm-up's throwaway call takes (mcp/warm-up-call.ts). */
export type WarmUpTransport = 'http' | 'stdio';

/**
 * Starts the idle warm-up (startup/idle-warm-up.ts) of what a first tool call runs: parsing every Plex answer and
 * every tool's arguments and result, then one throwaway tools/call through the SDK's request path and our tool
 * wrapper (mcp/warm-up-call.ts). `busy` says when a request is being served (the warm-up then waits).
 *
 * Plex's answers first: the largest of them (MetadataContainer) is also what the live session table parses when
 * the event stream connects, just after start, and most tools read one.
 */
export function warmUpFirstCall(
  busy: () => boolean,
  deps: ToolDeps,
  transport: WarmUpTransport,
): WarmUpHandle {
  // It begins IDLE_WORK_DELAY_MS after the transport is ready: a step must not be running when the client's first
  // requests come.
  return startIdleWarmUp(firstCallSteps(deps, transport), { busy, delayMs: IDLE_WORK_DELAY_MS });
}

/** The warm-up's steps, built as they are reached. */
export function* firstCallSteps(deps: ToolDeps, transport: WarmUpTransport): Generator<WarmUpStep> {
  yield* runtimeSteps();
  const schemas = [...PLEX_RESPONSE_SCHEMAS, ...TOOLS.flatMap((tool) => [tool.input, tool.output])];
  yield* schemaSteps(schemas, looseArrayMember as HiddenMembers);
  yield transport === 'http' ? () => warmUpHttpCall(deps) : () => warmUpSessionCall(deps);
}
