/**
 * SDK adapter: re-verify on every SDK upgrade. How a destructive tool can ask the user this call, read from the
 * SDK's per-request context (pinned by test/integration/server/elicitation.test.ts through real SDK clients):
 *
 * - a 2026-07-28 request whose client declares form elicitation: multi-round-trip. The tool answers
 *   `input_required` with an elicitation and `requestState`; the client asks the user and retries the call with
 *   the answer (`inputResponses`) and the state echoed. Works on any replica, over HTTP or stdio.
 * - a 2025-era request on a transport that keeps a session (stdio) whose client declared form elicitation at
 *   `initialize`: the server sends `elicitation/create` mid-call and waits for the answer.
 * - anything else (2025-era clients over stateless HTTP cannot receive a server request at all; clients without
 *   elicitation): no channel, and the tool answers a preview with a confirm token instead.
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  type ElicitRequestFormParams,
  type ElicitResult,
  type McpServer,
  PROTOCOL_VERSION_META_KEY,
  type ServerContext,
} from '@modelcontextprotocol/server';

export type ConfirmChannel =
  | {
      kind: 'input_required';
      /** The answers a retried call carries (`inputResponses`), untrusted. */
      responses: Record<string, unknown> | undefined;
      /** The `requestState` the retried call echoes, untrusted: our confirm token, checked like one. */
      state: string | undefined;
    }
  | { kind: 'request'; elicit(params: ElicitRequestFormParams): Promise<ElicitResult> };

/** Form mode: an `elicitation` capability that is empty (the 2025-06 shape) or names `form`. */
function supportsForm(capabilities: ClientCapabilities | undefined): boolean {
  const elicitation = capabilities?.elicitation as Record<string, unknown> | undefined;
  if (elicitation === undefined || elicitation === null) return false;
  return Object.keys(elicitation).length === 0 || 'form' in elicitation;
}

export function confirmChannelOf(
  ctx: ServerContext,
  server: McpServer,
  sessionful: boolean,
): ConfirmChannel | undefined {
  // The SDK types the lifted envelope as `{}`; its keys are the reserved `io.modelcontextprotocol/*` names.
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  if (envelope?.[PROTOCOL_VERSION_META_KEY] !== undefined) {
    if (!supportsForm(envelope[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined))
      return undefined;
    const state = ctx.mcpReq.requestState<unknown>();
    return {
      kind: 'input_required',
      responses: ctx.mcpReq.inputResponses,
      state: typeof state === 'string' ? state : undefined,
    };
  }
  if (!sessionful || !supportsForm(server.server.getClientCapabilities())) return undefined;
  return { kind: 'request', elicit: (params) => ctx.mcpReq.elicitInput(params) };
}
