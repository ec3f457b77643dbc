/**
 * Client ID Metadata Documents (oidc-provider's clientIdMetadataDocument, draft-02): a client whose client_id is
 * the https URL of its metadata document signs in with authorization code + PKCE and gets a token that opens /mcp;
 * a document whose redirect_uris do not hold the requested redirect URI is refused with an error page (no
 * redirect), as is a client id with no document, one on loopback (never fetched), and one served with a certificate
 * the server does not trust. The scenario (support/cimd-scenario.ts) runs in its own process,
 * in a network namespace with only `lo` (nothing leaves the machine), trusting the certificate made here through
 * NODE_EXTRA_CA_CERTS (nowhere else is it trusted). The document host is on an address added to that `lo` which
 * is not loopback or private: oidc-provider's SSRF guard refuses to fetch documents from those (as it should in
 * production), so 127.0.0.1 cannot serve them. Needs root (unshare -n) and openssl: fails loudly without.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Added to the namespace's own `lo`; not special-use, so oidc-provider fetches from it. */
const HOST_IP = '11.0.0.1';

let dir: string;
let cert: string;
let key: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plex-mcp-cimd-'));
  key = join(dir, 'key.pem');
  cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=plex-mcp CIMD test',
      '-addext',
      `subjectAltName=IP:${HOST_IP},IP:127.0.0.1`,
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the scenario in a namespace of its own; `trusted`: with the certificate in NODE_EXTRA_CA_CERTS. */
function runScenario(trusted: boolean): Record<string, unknown> {
  const scenario = join(import.meta.dirname, 'support', 'cimd-scenario.ts');
  const { NODE_EXTRA_CA_CERTS: _, ...env } = process.env;
  const out = execFileSync(
    'unshare',
    [
      '--net',
      '--',
      'sh',
      '-c',
      `ip link set lo up && ip addr add ${HOST_IP}/32 dev lo && exec "$0" "$1"`,
      process.execPath,
      scenario,
    ],
    {
      env: {
        ...env,
        ...(trusted && { NODE_EXTRA_CA_CERTS: cert }),
        CIMD_HOST_IP: HOST_IP,
        CIMD_KEY_FILE: key,
        CIMD_CERT_FILE: cert,
      },
      encoding: 'utf8',
      timeout: 90_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
}

/** The trusted run, done once for the tests that read it. */
let trustedRun: Record<string, unknown> | undefined;
const trustedResult = () => {
  trustedRun ??= runScenario(true);
  return trustedRun;
};

describe('Client ID Metadata Documents', () => {
  it('a client identified by its https metadata document signs in with code + PKCE and opens /mcp', () => {
    const result = trustedResult();
    expect(result.error, String(result.error)).toBeUndefined();
    expect(result.fetched).toContain('/good/client.json');
    expect(result.state).toBe('cimd-state');
    expect(result.wrongVerifierStatus).toBe(400);
    expect(result.tokenStatus).toBe(200);
    expect(result.gotRefreshToken).toBe(true);
    expect(result.mcpStatus).toBe(200);
    expect(result.mcpListsTools).toBe(true);
  }, 120_000);

  it('a redirect URI the document does not list, or a missing document, gets an error page and no redirect', () => {
    const result = trustedResult();
    expect(result.fetched).toContain('/other/client.json');
    expect(result.mismatchStatus).toBe(400);
    expect(result.mismatchLocation).toBeNull();
    expect(String(result.mismatchPage)).toMatch(/invalid_redirect_uri/);
    expect(result.missingStatus).toBe(400);
    expect(result.missingLocation).toBeNull();
  }, 120_000);

  it('a document on loopback is never fetched (oidc-provider refuses loopback and private addresses)', () => {
    const result = trustedResult();
    expect(result.loopbackStatus).toBe(400);
    expect(String(result.loopbackPage)).toMatch(/client_id metadata document fetch failed/);
    expect(result.fetched).not.toContain('/loopback/client.json');
  }, 120_000);

  it('a document served with a certificate the server does not trust is no client', () => {
    const result = runScenario(false);
    expect(String(result.error)).toMatch(/invalid_client: client_id metadata document fetch failed/);
    expect(result.tokenStatus).toBeUndefined();
    expect(result.fetched).toEqual([]);
  }, 120_000);
});
