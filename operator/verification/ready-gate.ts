// Ready means "answers MCP and reaches Plex": the rollout conditions (controller/conditions.ts) are combined with
// the verification conditions here. A server whose pods are available but whose handshake failed, or whose Plex is
// unreachable or rejects the token, is not Ready and is Degraded, with the verification's reason and fix. A verdict
// still pending (Unknown) holds Ready back without calling the server degraded.
import type { ConditionCore } from '../controller/conditions.ts';
import type { VerificationCondition } from './verification-conditions.ts';

/** Verification turned off (operator flag): said plainly, and it does not hold Ready back. */
export function verificationDisabledConditions(
  message = 'The operator runs with --verify-servers=false: it does not check that the server answers MCP or reaches Plex.',
): VerificationCondition[] {
  return [
    { type: 'Verified', status: 'Unknown', reason: 'VerificationDisabled', message },
    { type: 'PlexReachable', status: 'Unknown', reason: 'VerificationDisabled', message },
  ];
}

export function gateOnVerification(
  cores: readonly ConditionCore[],
  verification: readonly VerificationCondition[],
): ConditionCore[] {
  const disabled = verification.every((c) => c.reason === 'VerificationDisabled');
  const ready = cores.find((c) => c.type === 'Ready');
  const out = cores.map((c) => ({ ...c }));
  if (!disabled && ready?.status === 'True') {
    // The handshake first: without it nothing said about Plex came from a server we could talk to.
    const blocking =
      verification.find((c) => c.type === 'Verified' && c.status !== 'True') ??
      verification.find((c) => c.type === 'PlexReachable' && c.status !== 'True');
    if (blocking) {
      const gatedReady = out.find((c) => c.type === 'Ready') as ConditionCore;
      Object.assign(gatedReady, { status: 'False', reason: blocking.reason, message: blocking.message });
      const degraded = out.find((c) => c.type === 'Degraded');
      if (degraded && blocking.status === 'False') {
        Object.assign(degraded, { status: 'True', reason: blocking.reason, message: blocking.message });
      }
    }
  }
  return [...out, ...verification.map((c) => ({ ...c }))];
}
