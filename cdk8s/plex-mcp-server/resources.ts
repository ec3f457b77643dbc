// spec.resources (quantities as int-or-string) → container resources (quantities as strings).
import type { V1ResourceRequirements } from '@kubernetes/client-node';
import type { ResourceRequirementsSpec } from '../../operator/api/v1alpha1/index.ts';

/** The spec's resources replace the defaults as a whole: merging would make "no limit" impossible. */
export function containerResources(
  spec: ResourceRequirementsSpec | undefined,
  defaults: V1ResourceRequirements,
): V1ResourceRequirements {
  if (spec === undefined) return structuredClone(defaults);
  const out: V1ResourceRequirements = {};
  if (spec.requests) out.requests = quantities(spec.requests);
  if (spec.limits) out.limits = quantities(spec.limits);
  return out;
}

function quantities(values: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(values)
      .sort()
      .map((key) => [key, String(values[key])]),
  );
}
