import { describe, expect, it } from 'vitest';
import { chooseEndpoint } from '../../../../operator/verification/endpoint-target.ts';
import { plexStateFromReadiness } from '../../../../operator/verification/readiness-detail.ts';
import {
  serverStatus,
  verificationConditions,
} from '../../../../operator/verification/verification-conditions.ts';
import type { VerificationResult } from '../../../../operator/verification/verify-server.ts';

const context = {
  plexUrl: 'http://192.168.1.10:32400',
  tokenSecret: { name: 'plex-token', key: 'token' },
  authSecretName: 'den-auth',
};
const server = {
  name: 'plex-mcp',
  version: '0.1.0',
  protocolVersions: ['2026-07-28'],
  toolCount: 8,
  authMode: 'bearer' as const,
};
const result = (over: Partial<VerificationResult>): VerificationResult => ({
  checkedAt: 1,
  handshake: { ok: true, server },
  plex: { state: 'reachable', version: '1.42.2' },
  ...over,
});

describe('verificationConditions', () => {
  it('says Verified and PlexReachable, and fills status.server, for a healthy server', () => {
    const ok = result({});
    expect(verificationConditions(ok, context)).toEqual([
      {
        type: 'Verified',
        status: 'True',
        reason: 'Verified',
        message: 'MCP handshake answered: plex-mcp 0.1.0, protocol 2026-07-28, 8 tools.',
      },
      {
        type: 'PlexReachable',
        status: 'True',
        reason: 'PlexReachable',
        message: 'Plex 1.42.2 at http://192.168.1.10:32400 accepts the token.',
      },
    ]);
    expect(serverStatus(ok)).toEqual(server);
  });

  it('names the Secret and how to fix it when Plex rejects the token', () => {
    const [, plex] = verificationConditions(
      result({ plex: { state: 'token_rejected', message: 'Plex answered 401' } }),
      context,
    );
    expect(plex).toMatchObject({ status: 'False', reason: 'PlexTokenRejected' });
    expect(plex?.message).toContain('Secret plex-token (key token)');
    expect(plex?.message).toContain('kubectl create secret generic plex-token --from-literal=token=<token>');
  });

  it('points at spec.plex.url when Plex is unreachable or something else answers', () => {
    for (const state of ['unreachable', 'bad_response'] as const) {
      const [, plex] = verificationConditions(result({ plex: { state, message: 'ECONNREFUSED' } }), context);
      expect(plex).toMatchObject({ status: 'False', reason: 'PlexUnreachable' });
      expect(plex?.message).toContain('spec.plex.url');
      expect(plex?.message).toContain('ECONNREFUSED');
    }
  });

  it('says HandshakeFailed with a fix per failure, and has no server block then', () => {
    for (const failure of ['unreachable', 'unauthorized', 'timeout', 'protocol'] as const) {
      const failed = result({ handshake: { ok: false, failure, message: 'it broke' } });
      const [verified] = verificationConditions(failed, context);
      expect(verified).toMatchObject({ status: 'False', reason: 'HandshakeFailed' });
      expect(verified?.message).toMatch(/^MCP handshake failed: it broke\. \S/);
      expect(serverStatus(failed)).toBeUndefined();
    }
  });

  it('is Unknown, never True, without a result or without readiness detail', () => {
    expect(
      verificationConditions(undefined, context, 'No endpoint yet.').map((c) => [
        c.status,
        c.reason,
        c.message,
      ]),
    ).toEqual([
      ['Unknown', 'NotVerified', 'No endpoint yet.'],
      ['Unknown', 'NotVerified', 'No endpoint yet.'],
    ]);
    const [, plex] = verificationConditions(
      result({ plex: { state: 'unknown', message: 'no answer' } }),
      context,
    );
    expect(plex).toMatchObject({ status: 'Unknown', reason: 'NotVerified' });
  });
});

describe('plexStateFromReadiness (the /health/ready contract of server/http/plex-readiness.ts)', () => {
  const body = (plex: object) => JSON.stringify({ status: 'error', checks: { plex } });
  it('reads each reason', () => {
    expect(plexStateFromReadiness(200, body({ status: 'ok', version: '1.4' }))).toEqual({
      state: 'reachable',
      version: '1.4',
    });
    expect(
      plexStateFromReadiness(503, body({ status: 'error', reason: 'token_rejected', error: '401' })),
    ).toEqual({
      state: 'token_rejected',
      message: '401',
    });
    expect(
      plexStateFromReadiness(503, body({ status: 'error', reason: 'bad_response', error: 'html' })).state,
    ).toBe('bad_response');
    expect(
      plexStateFromReadiness(200, body({ status: 'error', reason: 'unreachable', error: 'timeout' })).state,
    ).toBe('unreachable');
  });
  it('quotes at most 300 characters of the server error and says so when the answer is unreadable', () => {
    const long = plexStateFromReadiness(
      503,
      body({ status: 'error', reason: 'unreachable', error: 'x'.repeat(5000) }),
    );
    expect(long.state === 'unreachable' && long.message.length).toBe(301);
    expect(plexStateFromReadiness(502, '<html>').state).toBe('unknown');
    expect(plexStateFromReadiness(200, '{"status":"ok","checks":{}}').state).toBe('unknown');
  });
});

describe('chooseEndpoint', () => {
  const slice = (
    endpoints: { ip: string; ready?: boolean; terminating?: boolean }[],
    addressType = 'IPv4',
  ) => ({
    addressType,
    ports: [{ name: 'http', port: 8080 }],
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: {
        ...(e.ready === undefined ? {} : { ready: e.ready }),
        terminating: e.terminating ?? false,
      },
    })),
  });

  it('prefers ready endpoints, falls back to not-ready ones, skips terminating ones', () => {
    const both = [
      slice([{ ip: '10.0.0.1', ready: false }, { ip: '10.0.0.2' }, { ip: '10.0.0.3', terminating: true }]),
    ];
    expect(chooseEndpoint(both, 'http', () => 0)).toEqual({
      baseUrl: 'http://10.0.0.2:8080',
      ready: true,
      candidates: ['10.0.0.1:8080', '10.0.0.2:8080'],
    });
    expect(chooseEndpoint([slice([{ ip: '10.0.0.1', ready: false }])], 'http')).toMatchObject({
      baseUrl: 'http://10.0.0.1:8080',
      ready: false,
    });
  });

  it('brackets IPv6, ignores FQDN slices and other ports, and has nothing for no endpoints', () => {
    expect(chooseEndpoint([slice([{ ip: 'fd00::1' }], 'IPv6')], 'http')?.baseUrl).toBe(
      'http://[fd00::1]:8080',
    );
    expect(chooseEndpoint([slice([{ ip: 'plex.example.com' }], 'FQDN')], 'http')).toBeUndefined();
    expect(chooseEndpoint([slice([{ ip: '10.0.0.1' }])], 'metrics')).toBeUndefined();
    expect(chooseEndpoint([], 'http')).toBeUndefined();
  });
});
