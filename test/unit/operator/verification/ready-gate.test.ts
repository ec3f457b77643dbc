import { describe, expect, it } from 'vitest';
import type { ConditionCore } from '../../../../operator/controller/conditions.ts';
import {
  gateOnVerification,
  verificationDisabledConditions,
} from '../../../../operator/verification/ready-gate.ts';
import type { VerificationCondition } from '../../../../operator/verification/verification-conditions.ts';

const rolledOut: ConditionCore[] = [
  { type: 'Ready', status: 'True', reason: 'Reconciled', message: 'MCP server is available.' },
  { type: 'Progressing', status: 'False', reason: 'Reconciled', message: 'Rollout complete.' },
  { type: 'Degraded', status: 'False', reason: 'Reconciled', message: 'No problems found.' },
];
const verified = (status: VerificationCondition['status'], reason: VerificationCondition['reason']) =>
  ({ type: 'Verified', status, reason, message: `handshake ${reason}` }) as VerificationCondition;
const plex = (status: VerificationCondition['status'], reason: VerificationCondition['reason']) =>
  ({ type: 'PlexReachable', status, reason, message: `plex ${reason}` }) as VerificationCondition;

const byType = (cores: ConditionCore[]) =>
  Object.fromEntries(cores.map((c) => [c.type, `${c.status}/${c.reason}`]));

describe('gateOnVerification: Ready means "answers MCP and reaches Plex"', () => {
  it('keeps Ready when both verification conditions are True, and adds them', () => {
    expect(
      byType(gateOnVerification(rolledOut, [verified('True', 'Verified'), plex('True', 'PlexReachable')])),
    ).toEqual({
      Ready: 'True/Reconciled',
      Progressing: 'False/Reconciled',
      Degraded: 'False/Reconciled',
      Verified: 'True/Verified',
      PlexReachable: 'True/PlexReachable',
    });
  });

  it('turns Ready False and Degraded True with the reason and message of a rejected token', () => {
    const cores = gateOnVerification(rolledOut, [
      verified('True', 'Verified'),
      plex('False', 'PlexTokenRejected'),
    ]);
    expect(byType(cores)).toMatchObject({
      Ready: 'False/PlexTokenRejected',
      Degraded: 'True/PlexTokenRejected',
    });
    expect(cores.find((c) => c.type === 'Ready')?.message).toBe('plex PlexTokenRejected');
  });

  it('reports a failed handshake before anything about Plex', () => {
    const cores = gateOnVerification(rolledOut, [
      verified('False', 'HandshakeFailed'),
      plex('Unknown', 'NotVerified'),
    ]);
    expect(byType(cores)).toMatchObject({ Ready: 'False/HandshakeFailed', Degraded: 'True/HandshakeFailed' });
  });

  it('holds Ready back while the verdict is pending, without calling the server degraded', () => {
    const cores = gateOnVerification(rolledOut, [
      verified('Unknown', 'NotVerified'),
      plex('Unknown', 'NotVerified'),
    ]);
    expect(byType(cores)).toMatchObject({ Ready: 'False/NotVerified', Degraded: 'False/Reconciled' });
  });

  it('leaves a rollout that is not Ready as it is', () => {
    const rolling: ConditionCore[] = [
      { ...rolledOut[0], status: 'False', reason: 'RolloutInProgress' } as ConditionCore,
    ];
    expect(byType(gateOnVerification(rolling, [verified('False', 'HandshakeFailed')])).Ready).toBe(
      'False/RolloutInProgress',
    );
  });

  it('says plainly when verification is off, and does not hold Ready back', () => {
    const cores = gateOnVerification(rolledOut, verificationDisabledConditions());
    expect(byType(cores)).toMatchObject({
      Ready: 'True/Reconciled',
      Verified: 'Unknown/VerificationDisabled',
      PlexReachable: 'Unknown/VerificationDisabled',
    });
    expect(cores.find((c) => c.type === 'Verified')?.message).toContain('--verify-servers=false');
  });
});
