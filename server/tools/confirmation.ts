import { z } from 'zod';
import { CONFIRM_TTL_SECONDS } from './confirm-token.ts';
import type { ToolOutcome } from './define-tool.ts';
import type { ToolDeps } from './tool-deps.ts';
import { ToolError } from './tool-error.ts';

/** The `confirm` argument of a destructive tool: absent = preview only. */
export const confirmArg = () =>
  z.string().trim().min(1).max(200).optional().describe('Token from the preview; the call acts only with it');

/** Result fields every destructive tool shares: a preview carries the token, a done call says what it did. */
export const confirmationFields = {
  status: z.enum(['confirmation_required', 'done']),
  confirm: z.string().optional().describe('Pass back as confirm, with the same arguments, to act'),
  expires_at: z.string().optional(),
  message: z.string(),
};

/**
 * Destructive tools ask first: without `confirm` they answer a preview and a token bound to exactly these
 * arguments (both in the text and in the structured result, since some clients show only one); with a valid token
 * they act. Returns the preview outcome, or undefined when the caller should act.
 */
export function previewUnlessConfirmed<S extends Record<string, unknown>>(
  tool: string,
  args: Record<string, unknown> & { confirm?: string | undefined },
  deps: ToolDeps,
  preview: { message: string; structured: S },
):
  | ToolOutcome<S & { status: 'confirmation_required'; confirm: string; expires_at: string; message: string }>
  | undefined {
  if (args.confirm !== undefined) {
    const problem = deps.access.confirm.check(args.confirm, tool, args);
    if (problem) {
      throw new ToolError('invalid_request', `confirm: this token ${problem}. Nothing was changed.`, {
        field: 'confirm',
      });
    }
    return undefined;
  }
  const now = Date.now();
  const confirm = deps.access.confirm.mint(tool, args, now);
  const expiresAt = new Date(now + CONFIRM_TTL_SECONDS * 1000).toISOString();
  const text =
    `${preview.message}\nNothing has changed yet. To go ahead, call ${tool} again with the same arguments and ` +
    `confirm: "${confirm}" (valid for ${CONFIRM_TTL_SECONDS / 60} minutes). Ask the user first.`;
  return {
    structured: {
      ...preview.structured,
      status: 'confirmation_required',
      confirm,
      expires_at: expiresAt,
      message: preview.message,
    },
    text,
    source: 'plex',
  };
}
