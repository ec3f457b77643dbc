import type { CacheLookup } from '../cache/tool-cache.ts';

/** Observes each tool call (the metrics module implements it; optional in ToolDeps so tests can omit it). */
export interface ToolCallObserver {
  toolCalled(
    tool: string,
    outcome: 'success' | 'error',
    errorCode: string | undefined,
    seconds: number,
    source?: CacheLookup<unknown>['source'],
  ): void;
}
