import type { CallToolResult } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import { ENV } from '../config/settings.ts';
import { isPlexUnavailable, PlexNotFoundError, PlexUnauthorizedError } from '../plex/errors.ts';

export const TOOL_ERROR_CODES = [
  'invalid_request',
  'plex_unavailable',
  'not_found',
  'unauthorized',
  'internal_error',
] as const;
export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

/** `_meta` key under which error results carry their machine-readable code (reverse-DNS prefix per the MCP spec). */
export const TOOL_ERROR_META_KEY = 'plexmcp.dev/error';

/** A failure a tool reports to the assistant as an `isError` result (never as a protocol error). */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  readonly code: ToolErrorCode;
  /** Structured hints for the caller, e.g. the sessions to choose from. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ToolErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** Turns zod issues into one sentence naming every bad field, e.g. `limit: must be at most 100`. */
export function invalidArguments(error: z.ZodError): ToolError {
  const problems = error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : 'arguments';
    return `${field}: ${issue.message}`;
  });
  return new ToolError('invalid_request', `Invalid arguments: ${problems.join('; ')}`, {
    fields: [...new Set(error.issues.map((i) => (i.path.length > 0 ? i.path.join('.') : 'arguments')))],
  });
}

/** Maps anything a tool threw to the tool error an assistant can act on. */
export function toToolError(error: unknown): ToolError {
  if (error instanceof ToolError) return error;
  if (error instanceof PlexUnauthorizedError) {
    return new ToolError(
      'unauthorized',
      `Plex rejected the configured token (${ENV.plexToken}). Ask the operator to check the token; retrying will not help.`,
    );
  }
  if (error instanceof PlexNotFoundError) {
    return new ToolError('not_found', 'Plex has no item with that id. Search again to get a current id.');
  }
  if (isPlexUnavailable(error)) {
    return new ToolError(
      'plex_unavailable',
      `Plex Media Server is not answering right now (${error instanceof Error ? error.message : 'unknown failure'}). Try again in a minute.`,
    );
  }
  return new ToolError(
    'internal_error',
    'The MCP server failed unexpectedly while handling this call. It has been logged.',
  );
}

/**
 * The result an assistant sees: `isError`, a first text line `[code] message` it can read, and the code plus
 * details under `_meta` for programs. No structuredContent: the output schema describes successes only.
 */
export function toolErrorResult(error: ToolError): CallToolResult {
  const lines = [`[${error.code}] ${error.message}`];
  if (error.details && Object.keys(error.details).length > 0) lines.push(JSON.stringify(error.details));
  return {
    isError: true,
    content: [{ type: 'text', text: lines.join('\n') }],
    _meta: { [TOOL_ERROR_META_KEY]: { code: error.code, message: error.message, ...(error.details ?? {}) } },
  };
}
