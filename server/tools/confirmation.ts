import { inputRequired, inputResponse } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { CONFIRM_TTL_SECONDS } from './confirm-token.ts';
import type { ToolOutcome } from './define-tool.ts';
import type { ConfirmChannel } from './elicitation.ts';
import type { ToolDeps } from './tool-deps.ts';
import { ToolError } from './tool-error.ts';

/** The `confirm` argument of a destructive tool: absent = ask first. */
export const confirmArg = () =>
  z.string().trim().min(1).max(200).optional().describe('Token from the preview; the call acts only with it');

export const CONFIRMATION_STATUSES = ['confirmation_required', 'done', 'declined', 'cancelled'] as const;

/** Result fields every destructive tool shares: a preview carries the token, a done call says what it did. */
export const confirmationFields = {
  status: z.enum(CONFIRMATION_STATUSES),
  confirm: z.string().optional().describe('Pass back as confirm, with the same arguments, to act'),
  expires_at: z.string().optional(),
  message: z.string(),
};

/** The key of our one elicitation in `inputRequests` / `inputResponses`. */
const ANSWER_KEY = 'confirm';

/** The form the user sees: the preview as the question, one box already ticked (Accept acts, Decline does not). */
function confirmationForm(message: string) {
  return {
    mode: 'form' as const,
    message: `${message} Go ahead?`,
    requestedSchema: {
      type: 'object' as const,
      properties: { confirm: { type: 'boolean' as const, title: 'Yes, go ahead', default: true } },
      required: ['confirm'],
    },
  };
}

type Preview<S> = { message: string; structured: S };
type Asked<S> = S & {
  status: (typeof CONFIRMATION_STATUSES)[number];
  confirm?: string;
  expires_at?: string;
  message: string;
};

/**
 * Destructive tools ask before they act. With a valid `confirm` token the call acts. Otherwise a client that can
 * answer an elicitation (server/tools/elicitation.ts) is asked: accept acts, decline or cancel changes nothing and
 * says so. Every other client gets a preview and a token bound to exactly these arguments (in the text and in the
 * structured result, since some clients show only one), to pass back once the user agrees. No client needs
 * elicitation. Returns the outcome to answer, or undefined when the caller should act.
 */
export async function askBeforeActing<S extends Record<string, unknown>>(
  tool: string,
  args: Record<string, unknown> & { confirm?: string | undefined },
  deps: ToolDeps,
  preview: Preview<S>,
): Promise<ToolOutcome<Asked<S>> | undefined> {
  if (args.confirm !== undefined) {
    refuseBadToken(deps.access.confirm.check(args.confirm, tool, args), 'confirm', 'confirm: this token');
    return undefined;
  }
  const channel = deps.confirmChannel;
  if (channel?.kind === 'input_required') return askInRounds(tool, args, deps, preview, channel);
  if (channel?.kind === 'request') {
    const answer = await channel.elicit(confirmationForm(preview.message)).catch((error: unknown) => {
      // A client that declared elicitation but failed to answer: fall back to the token, which always works.
      deps.logger.debug({ tool, err: error }, 'elicitation failed; answering with a confirm token');
      return undefined;
    });
    if (answer !== undefined) return verdict(answer.action, answer.content, preview);
  }
  return previewWithToken(tool, args, deps, preview);
}

/** 2026-07-28: the first round asks (state = a confirm token for these arguments), the retry carries the answer. */
function askInRounds<S extends Record<string, unknown>>(
  tool: string,
  args: Record<string, unknown>,
  deps: ToolDeps,
  preview: Preview<S>,
  channel: Extract<ConfirmChannel, { kind: 'input_required' }>,
): ToolOutcome<Asked<S>> | undefined {
  const answer = inputResponse(channel.responses, ANSWER_KEY);
  if (answer.kind === 'elicit') {
    // The answer counts only for the question we asked about exactly these arguments, within the token's life.
    const problem =
      channel.state === undefined ? 'is missing' : deps.access.confirm.check(channel.state, tool, args);
    refuseBadToken(problem, 'confirm', 'the confirmation (requestState)');
    return verdict(answer.action, answer.content, preview);
  }
  // The question; its state is the token the preview would carry, so the answer is checked like a token.
  const asked = previewWithToken(tool, args, deps, preview);
  return {
    ...asked,
    inputRequired: inputRequired({
      inputRequests: { [ANSWER_KEY]: inputRequired.elicit(confirmationForm(preview.message)) },
      requestState: asked.structured.confirm,
    }),
  };
}

function refuseBadToken(problem: string | undefined, field: string, what: string): void {
  if (problem) throw new ToolError('invalid_request', `${what} ${problem}. Nothing was changed.`, { field });
}

/** Accept (with the box left ticked) acts; anything else is a clear "nothing changed". */
function verdict<S extends Record<string, unknown>>(
  action: 'accept' | 'decline' | 'cancel',
  content: Record<string, unknown> | undefined,
  preview: Preview<S>,
): ToolOutcome<Asked<S>> | undefined {
  if (action === 'accept' && content?.confirm !== false) return undefined;
  const status = action === 'cancel' ? 'cancelled' : 'declined';
  const message =
    status === 'cancelled'
      ? `The user dismissed the question, so nothing was changed. (Asked: ${preview.message})`
      : `The user declined, so nothing was changed. (Asked: ${preview.message})`;
  return { structured: { ...preview.structured, status, message }, text: message, source: 'plex' };
}

function previewWithToken<S extends Record<string, unknown>>(
  tool: string,
  args: Record<string, unknown>,
  deps: ToolDeps,
  preview: Preview<S>,
): ToolOutcome<Asked<S> & { confirm: string }> {
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
