// Checksums that roll the server pods when their configuration changes: Kubernetes restarts pods only
// when the pod template changes, and env from ConfigMaps/Secrets is read once at container start.
import { createHash } from 'node:crypto';

/**
 * A digest of the referenced Secrets' values (Plex token, Redis password, auth token) for the controller
 * to pass as `RenderInputs.secretsChecksum`. Only the digest leaves this function, never a value.
 * Missing values are part of the digest too, so a Secret appearing or vanishing also rolls the pods.
 */
export function hashSecretData(values: Record<string, string | undefined>): string {
  return sha256(sortedEntriesJson(values));
}

/** The pod-template annotation value: ConfigMap data and secrets digest together. */
export function configChecksum(configData: Record<string, string>, secretsChecksum: string): string {
  return sha256(sortedEntriesJson({ config: configData, secrets: secretsChecksum }));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The top-level entries of a record, sorted by key, as JSON (`[["a",1],["b",null]]`; undefined becomes null), so
 * the same data always gives the same digest. Not operator/runtime's canonicalJson (keys sorted at every level,
 * an object out): this format is what every running pod's checksum was computed from, and changing it would roll
 * every server pod on an operator upgrade.
 */
function sortedEntriesJson(value: Record<string, unknown>): string {
  const sorted = Object.keys(value)
    .sort()
    .map((key) => [key, value[key] ?? null]);
  return JSON.stringify(sorted);
}
