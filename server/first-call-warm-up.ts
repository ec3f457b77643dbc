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

/**
 * Starts the idle warm-up (startup/idle-warm-up.ts) of what a first tool call parses: every Plex answer, and
 * every tool's arguments and result. `busy` says when a request is being served (the warm-up then waits).
 *
 * Plex's answers first: the largest of them (MetadataContainer) is also what the live session table parses when
 * the event stream connects, just after start, and most tools read one.
 */
export function warmUpFirstCall(busy: () => boolean): WarmUpHandle {
  // It begins IDLE_WORK_DELAY_MS after the transport is ready: a step must not be running when the client's first
  // requests come.
  return startIdleWarmUp(firstCallSteps(), { busy, delayMs: IDLE_WORK_DELAY_MS });
}

/** The warm-up's steps, built as they are reached. */
export function* firstCallSteps(): Generator<WarmUpStep> {
  yield* runtimeSteps();
  const schemas = [...PLEX_RESPONSE_SCHEMAS, ...TOOLS.flatMap((tool) => [tool.input, tool.output])];
  yield* schemaSteps(schemas, looseArrayMember as HiddenMembers);
}
