/**
 * Client ID Metadata Documents, run as its own process by cimd.test.ts: inside a network namespace of its own
 * (only `lo`, with CIMD_HOST_IP added to it, so nothing can leave the machine) and with NODE_EXTRA_CA_CERTS naming
 * the test's self-signed certificate, so only this process trusts it. It serves two client metadata documents
 * over https at CIMD_HOST_IP (oidc-provider refuses to fetch from loopback and private addresses, its SSRF guard,
 * so 127.0.0.1 cannot host them), starts the sign-in harness (AUTH_MODE=plex), runs authorization code + PKCE
 * with the first document's URL as client_id and uses the token at /mcp; then asks for a redirect URI the second
 * document does not list, for a document that is not there, and for one on 127.0.0.1. It prints one JSON line of what happened; the test judges it.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  authorizationUrl,
  mcpRequest,
  SIGN_IN_REDIRECT,
  signInWithPlex,
  startSignInHarness,
  tokenRequest,
} from './plex-sign-in-harness.ts';

const hostIp = process.env.CIMD_HOST_IP ?? '';
const fetched: string[] = [];
const documents = new Map<string, Record<string, unknown>>();
const tls = {
  key: readFileSync(process.env.CIMD_KEY_FILE ?? ''),
  cert: readFileSync(process.env.CIMD_CERT_FILE ?? ''),
};
const serveDocuments = (req: IncomingMessage, res: ServerResponse) => {
  fetched.push(req.url ?? '');
  const doc = documents.get(req.url ?? '');
  if (!doc) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=60' });
  res.end(JSON.stringify(doc));
};
const https = createServer(tls, serveDocuments);
https.listen(0, hostIp);
await once(https, 'listening');
// The same documents on loopback too (the certificate names 127.0.0.1 as well): oidc-provider must not fetch them.
const loopbackHttps = createServer(tls, serveDocuments);
loopbackHttps.listen(0, '127.0.0.1');
await once(loopbackHttps, 'listening');
const loopbackBase = `https://127.0.0.1:${(loopbackHttps.address() as AddressInfo).port}`;
const base = `https://${hostIp}:${(https.address() as AddressInfo).port}`;
const document = (path: string, redirectUris: string[], origin = base) => {
  const clientId = `${origin}${path}`;
  documents.set(path, {
    client_id: clientId,
    client_name: 'CIMD test client',
    client_uri: base,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  });
  return clientId;
};
const goodClient = document('/good/client.json', [SIGN_IN_REDIRECT]);
const otherClient = document('/other/client.json', ['http://127.0.0.1:9/elsewhere']);
const loopbackClient = document('/loopback/client.json', [SIGN_IN_REDIRECT], loopbackBase);

const h = await startSignInHarness();
const result: Record<string, unknown> = { base };
try {
  const verifier = randomBytes(32).toString('base64url');
  const client = { clientId: goodClient, redirectUri: SIGN_IN_REDIRECT, verifier };
  const extra = { scope: 'plex:read', state: 'cimd-state', resource: h.publicUrl };
  const back = await signInWithPlex(
    authorizationUrl(h.publicUrl, client, extra),
    { username: 'partner' },
    h.plexTv,
    SIGN_IN_REDIRECT,
  );
  result.state = back.searchParams.get('state');
  const code = back.searchParams.get('code') ?? '';
  const redeem = (codeVerifier: string) =>
    tokenRequest(h.publicUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: SIGN_IN_REDIRECT,
      client_id: goodClient,
      code_verifier: codeVerifier,
    });
  result.wrongVerifierStatus = (await redeem(randomBytes(32).toString('base64url'))).status;
  const token = await redeem(verifier);
  result.tokenStatus = token.status;
  const tokens = (await token.json()) as { access_token?: string; refresh_token?: string };
  result.gotRefreshToken = typeof tokens.refresh_token === 'string';
  const mcp = await mcpRequest(h.publicUrl, tokens.access_token ?? '');
  result.mcpStatus = mcp.status;
  result.mcpListsTools = (await mcp.text()).includes('"get_on_deck"');

  // The second document lists another redirect URI: asking for ours gets an error page, never a redirect.
  const refused = await fetch(authorizationUrl(h.publicUrl, { ...client, clientId: otherClient }, extra), {
    redirect: 'manual',
  });
  result.mismatchStatus = refused.status;
  result.mismatchLocation = refused.headers.get('location');
  result.mismatchPage = (await refused.text())
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .slice(0, 400);
  // And a client id whose document is not there.
  const missing = await fetch(
    authorizationUrl(h.publicUrl, { ...client, clientId: `${base}/missing/client.json` }, extra),
    { redirect: 'manual' },
  );
  result.missingStatus = missing.status;
  result.missingLocation = missing.headers.get('location');
  // A document on loopback: oidc-provider's SSRF guard drops the connection before any request is sent.
  const loopback = await fetch(
    authorizationUrl(h.publicUrl, { ...client, clientId: loopbackClient }, extra),
    { redirect: 'manual' },
  );
  result.loopbackStatus = loopback.status;
  result.loopbackPage = (await loopback.text())
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .slice(0, 400);
} catch (error) {
  result.error = error instanceof Error ? `${error.message}\n${error.stack}` : String(error);
} finally {
  result.fetched = fetched;
  await h.close();
  https.close();
  loopbackHttps.close();
}
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
