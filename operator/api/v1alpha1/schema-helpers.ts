// Small helpers that let ONE zod schema carry everything the CRD needs: descriptions, CEL rules and the
// x-kubernetes-* extensions. `openapi.ts` turns the schema into the CRD's structural OpenAPI schema; the
// operator parses resources with the very same schema, so the two cannot drift apart.
import { z } from 'zod';

/**
 * A CEL validation rule for the API server, together with the same rule in TypeScript so the operator's
 * defensive parser refuses what the API server would refuse (objects may predate a CRD upgrade).
 */
export interface CelRule<T> {
  /** CEL expression, evaluated by the API server with `self` bound to the value. */
  rule: string;
  /** What a person reads when the rule fails: say what is wrong and how to fix it. */
  message: string;
  /** Optional JSON path (relative to `self`) the error is reported on, e.g. `.external`. */
  fieldPath?: string;
  /** The same rule in TypeScript. */
  holds: (value: T) => boolean;
}

/** Extra keys copied verbatim into the OpenAPI schema (x-kubernetes-* extensions). */
export type K8sExtensions = Record<`x-kubernetes-${string}`, unknown>;

/** Attaches a description (what `kubectl explain` shows) and optional Kubernetes extensions. */
export function describe<T extends z.ZodType>(
  schema: T,
  description: string,
  extensions: K8sExtensions = {},
): T {
  return schema.meta({ description, ...extensions }) as T;
}

/** Attaches CEL rules: enforced by the API server (x-kubernetes-validations) and by the zod parser. */
export function withCelRules<T extends z.ZodType>(schema: T, rules: CelRule<z.output<T>>[]): T {
  let checked: z.ZodType = schema;
  for (const rule of rules) {
    const path = rule.fieldPath ? rule.fieldPath.replace(/^\./, '').split('.') : [];
    checked = checked.refine((value) => rule.holds(value as z.output<T>), { message: rule.message, path });
  }
  return checked.meta({
    'x-kubernetes-validations': rules.map(({ rule, message, fieldPath }) =>
      fieldPath ? { rule, message, fieldPath } : { rule, message },
    ),
  }) as T;
}

/** An object whose content Kubernetes itself validates later (e.g. pod affinity): kept as given. */
export function opaqueObject(description: string) {
  return describe(z.record(z.string(), z.unknown()), description, {
    'x-kubernetes-preserve-unknown-fields': true,
  });
}

/** A Kubernetes quantity such as `128Mi`, `0.5` or `1`: an integer or a string. */
export function quantity(description: string) {
  return describe(z.union([z.int().min(0), z.string().min(1).max(64)]), description, {
    'x-kubernetes-int-or-string': true,
  });
}

/** Is `value` an absolute URL whose scheme is one of `schemes`? Mirrors CEL `isURL()` + `getScheme()`. */
export function isUrlWithScheme(value: string, schemes: readonly string[]): boolean {
  if (!URL.canParse(value)) return false;
  const scheme = new URL(value).protocol.replace(/:$/, '');
  return schemes.includes(scheme);
}
