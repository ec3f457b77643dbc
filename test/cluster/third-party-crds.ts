/**
 * The third-party CRDs the operator renders objects of (Gateway API HTTPRoute, Prometheus Operator ServiceMonitor
 * and PrometheusRule): fetched from their Go modules by third-party-crds.sh (pins in crd-tools/go.mod) and
 * installed into the test control plane right after the API server is ready, so the API server validates our
 * objects against the real schemas. Installing is a server-side apply, so it is idempotent.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { httpsRequest, type TlsIdentity } from './https-probe.ts';

export const FETCH_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'third-party-crds.sh');
const FIELD_MANAGER = 'plex-mcp-test-control-plane';

// Loose: everything but the names is passed through to the API server untouched.
const CrdSchema = z
  .object({
    apiVersion: z.literal('apiextensions.k8s.io/v1'),
    kind: z.literal('CustomResourceDefinition'),
    metadata: z.object({ name: z.string() }).loose(),
  })
  .loose();
export type ThirdPartyCrd = z.infer<typeof CrdSchema>;

/** Runs the fetch script (a cache hit costs a few ms; the first run needs Go and the module proxy). */
export function thirdPartyCrdDir(): string {
  let output: string;
  try {
    output = execFileSync('bash', [FETCH_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '');
    throw new Error(`${FETCH_SCRIPT} failed: ${stderr.trim() || String(error)}`);
  }
  const dir = output.trim().split('\n').pop();
  if (!dir) throw new Error(`${FETCH_SCRIPT} printed nothing`);
  return dir;
}

/** Every CRD document in the fetched files. */
export function readThirdPartyCrds(dir = thirdPartyCrdDir()): ThirdPartyCrd[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  if (files.length === 0) throw new Error(`no CRD files in ${dir}; delete it and run ${FETCH_SCRIPT}`);
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))
      .map((doc) => doc.toJSON() as unknown)
      .filter((doc) => doc !== null)
      .map((doc) => CrdSchema.parse(doc)),
  );
}

const StoredCrdSchema = z.object({
  status: z
    .object({ conditions: z.array(z.object({ type: z.string(), status: z.string() })).optional() })
    .optional(),
});

/** Applies each CRD and resolves once the API server serves all of them (Established). */
export async function installThirdPartyCrds(
  server: string,
  admin: TlsIdentity,
  waitUntil: (description: string, check: () => Promise<boolean>) => Promise<void>,
  crds: ThirdPartyCrd[] = readThirdPartyCrds(),
): Promise<string[]> {
  const base = `${server}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`;
  for (const crd of crds) {
    const applied = await httpsRequest(
      `${base}/${crd.metadata.name}?fieldManager=${FIELD_MANAGER}&force=true`,
      admin,
      { method: 'PATCH', body: crd, contentType: 'application/apply-patch+yaml', timeoutMs: 30_000 },
    );
    if (applied.status !== 200 && applied.status !== 201) {
      throw new Error(`installing CRD ${crd.metadata.name} failed: HTTP ${applied.status} ${applied.body}`);
    }
  }
  const names = crds.map((crd) => crd.metadata.name);
  await waitUntil(`third-party CRDs Established (${names.join(', ')})`, async () => {
    for (const name of names) {
      const stored = await httpsRequest(`${base}/${name}`, admin).catch(() => undefined);
      if (stored?.status !== 200) return false;
      const conditions = StoredCrdSchema.parse(JSON.parse(stored.body)).status?.conditions ?? [];
      if (!conditions.some((c) => c.type === 'Established' && c.status === 'True')) return false;
    }
    return true;
  });
  return names;
}
