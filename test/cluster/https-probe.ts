/**
 * Minimal HTTPS calls used while the control plane boots: readiness probes and creating the fake Nodes. Plain
 * node:https keeps the starter free of the Kubernetes client library, so `cluster:up` starts fast and a client
 * library upgrade cannot break the plane itself.
 */
import https from 'node:https';

export interface TlsIdentity {
  /** PEM of the CA to trust; undefined = do not verify (for components' self-signed health endpoints). */
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface HttpsResult {
  status: number;
  body: string;
}

export function httpsRequest(
  url: string,
  identity: TlsIdentity,
  options: { method?: string; body?: unknown; timeoutMs?: number; contentType?: string } = {},
): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const request = https.request(
      url,
      {
        method: options.method ?? 'GET',
        ca: identity.ca,
        cert: identity.cert,
        key: identity.key,
        rejectUnauthorized: identity.ca !== undefined,
        timeout: options.timeoutMs ?? 5_000,
        headers: payload
          ? {
              'content-type': options.contentType ?? 'application/json',
              'content-length': Buffer.byteLength(payload),
            }
          : undefined,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`timeout calling ${url}`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/** True when `url` answers 200; any error (refused, TLS, timeout) is simply "not yet". */
export async function answers200(url: string, identity: TlsIdentity): Promise<boolean> {
  try {
    return (await httpsRequest(url, identity, { timeoutMs: 2_000 })).status === 200;
  } catch {
    return false;
  }
}
