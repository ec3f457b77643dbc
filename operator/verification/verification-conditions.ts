// From a verification result to what a person reads: the Verified and PlexReachable conditions (with the fix in the
// message) and the status `server` block. Pure, unit tested. `Ready` requires both conditions True.
import type { CONDITION_REASONS } from '../api/v1alpha1/constants.ts';
import type { ServerIdentity } from './mcp-handshake.ts';

type ConditionReason = (typeof CONDITION_REASONS)[number];

import type { VerificationResult } from './verify-server.ts';

export type VerificationConditionType = 'Verified' | 'PlexReachable';

/** Reasons of Verified and PlexReachable (listed with every other reason in api/v1alpha1 CONDITION_REASONS). */
export type VerificationReason = Extract<
  ConditionReason,
  | 'Verified'
  | 'HandshakeFailed'
  | 'NotVerified'
  | 'VerificationDisabled'
  | 'PlexReachable'
  | 'PlexUnreachable'
  | 'PlexTokenRejected'
>;

export interface VerificationCondition {
  type: VerificationConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: VerificationReason;
  message: string;
}

/** What the messages name, so each says where to look. */
export interface VerificationContext {
  plexUrl: string;
  tokenSecret: { name: string; key: string };
  authSecretName: string;
}

/** Why there is no result yet, when there is none (no endpoint, not verified yet, probing turned off). */
export function verificationConditions(
  result: VerificationResult | undefined,
  context: VerificationContext,
  whyNoResult = 'The server has not been verified yet.',
): VerificationCondition[] {
  if (!result) {
    return [
      { type: 'Verified', status: 'Unknown', reason: 'NotVerified', message: whyNoResult },
      { type: 'PlexReachable', status: 'Unknown', reason: 'NotVerified', message: whyNoResult },
    ];
  }
  return [verifiedCondition(result, context), plexCondition(result, context)];
}

function verifiedCondition(result: VerificationResult, context: VerificationContext): VerificationCondition {
  const { handshake } = result;
  if (handshake.ok) {
    const s = handshake.server;
    return {
      type: 'Verified',
      status: 'True',
      reason: 'Verified',
      message:
        `MCP handshake answered: ${s.name} ${s.version}, protocol ${s.protocolVersions.join(', ') || 'unknown'}, ` +
        `${s.toolCount} tools.`,
    };
  }
  const fix: Record<typeof handshake.failure, string> = {
    unauthorized:
      `The server refused the token in Secret ${context.authSecretName}: if the Secret was edited by hand, ` +
      'wait for the pods to roll (they read it at start) or rotate it with the plexmcp.dev/rotate-auth-token annotation.',
    unreachable:
      'No server pod answered: see `kubectl describe deployment` and the pod logs; with a NetworkPolicy, the ' +
      "operator's namespace must be allowed in (it is by default).",
    timeout: 'The server is too slow to answer: check the pod logs and its CPU limit.',
    protocol: 'Something that is not this MCP server answered: check spec.image and the Service.',
  };
  return {
    type: 'Verified',
    status: 'False',
    reason: 'HandshakeFailed',
    message: `MCP handshake failed: ${handshake.message}. ${fix[handshake.failure]}`,
  };
}

function plexCondition(result: VerificationResult, context: VerificationContext): VerificationCondition {
  const { plex } = result;
  const secret = `Secret ${context.tokenSecret.name} (key ${context.tokenSecret.key})`;
  switch (plex.state) {
    case 'reachable':
      return {
        type: 'PlexReachable',
        status: 'True',
        reason: 'PlexReachable',
        message: `Plex${plex.version ? ` ${plex.version}` : ''} at ${context.plexUrl} accepts the token.`,
      };
    case 'token_rejected':
      return {
        type: 'PlexReachable',
        status: 'False',
        reason: 'PlexTokenRejected',
        message:
          `Plex at ${context.plexUrl} rejected the token in ${secret}: ${plex.message}. Put a valid X-Plex-Token ` +
          `there (kubectl create secret generic ${context.tokenSecret.name} --from-literal=${context.tokenSecret.key}=` +
          '<token> --dry-run=client -o yaml | kubectl apply -f -); the pods roll to pick it up.',
      };
    case 'unreachable':
    case 'bad_response':
      return {
        type: 'PlexReachable',
        status: 'False',
        reason: 'PlexUnreachable',
        message:
          `The server cannot use Plex at ${context.plexUrl}: ${plex.message}. ` +
          (plex.state === 'bad_response'
            ? 'Something that is not Plex answered: check spec.plex.url (scheme, host and port 32400).'
            : 'Check spec.plex.url and that the pods can reach it (firewall; NetworkPolicy egress, see ' +
              'spec.networkPolicy.plexCIDR for a host name).'),
      };
    case 'unknown':
      return { type: 'PlexReachable', status: 'Unknown', reason: 'NotVerified', message: plex.message };
  }
}

/** status.server: what the verified server says about itself; undefined while it is not verified. */
export function serverStatus(result: VerificationResult | undefined): ServerIdentity | undefined {
  return result?.handshake.ok ? result.handshake.server : undefined;
}
