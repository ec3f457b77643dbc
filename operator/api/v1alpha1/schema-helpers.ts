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

/**
 * Quantity strings we accept: a non-negative decimal with at most 9 digits before the point and an optional unit.
 * Narrower than Kubernetes' own grammar on purpose (no sign, no exponent, no n/u/P/E): the API server answers an
 * unparsable quantity in a server-side apply with HTTP 500, which looks retryable, so the CRD must refuse it first.
 */
export const QUANTITY_PATTERN = '^[0-9]{1,9}([.][0-9]{1,9})?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$';
/** The largest integer quantity (the same 9 digits as the string form). */
export const QUANTITY_MAX_INT = 999_999_999;
/** 9 digits, the point, 9 decimals and a two-letter unit. */
const QUANTITY_MAX_LENGTH = 21;
const QUANTITY_REGEX = new RegExp(QUANTITY_PATTERN);
const QUANTITY_MESSAGE =
  'must be a quantity: a non-negative number of at most 9 digits (and 9 decimals) with an optional unit ' +
  'm, k, M, G, T, Ki, Mi, Gi or Ti, e.g. 500m, 0.5, 2, 64Mi, 1Gi';

/** A Kubernetes quantity such as `128Mi`, `0.5` or `1`: an integer or a string, checked by the pattern above. */
export function quantity(description: string) {
  const schema = withCelRules(z.union([z.int(), z.string().max(QUANTITY_MAX_LENGTH)]), [
    {
      // int-or-string is dynamically typed in CEL: test the type before using it as either.
      rule: `type(self) == int ? (self >= 0 && self <= ${QUANTITY_MAX_INT}) : self.matches('${QUANTITY_PATTERN}')`,
      message: QUANTITY_MESSAGE,
      holds: (value) =>
        typeof value === 'number' ? value >= 0 && value <= QUANTITY_MAX_INT : QUANTITY_REGEX.test(value),
    },
  ]);
  // maxLength bounds the CEL cost estimate (the string branch's own bound is dropped with the anyOf).
  return describe(schema, description, { 'x-kubernetes-int-or-string': true }).meta({
    maxLength: QUANTITY_MAX_LENGTH,
  });
}

/** Characters of an image reference (registry/path:tag@digest): nothing else can reach the pod spec. */
export const IMAGE_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9._/:@-]*$';
const IMAGE_REGEX = new RegExp(IMAGE_PATTERN);

/** An image reference, refused when it holds whitespace, newlines, control characters or anything else odd. */
export function imageReference(field: string, maxLength: number) {
  return withCelRules(z.string().min(1).max(maxLength), [
    {
      rule: `self.matches('${IMAGE_PATTERN}')`,
      message:
        `${field} must be an image reference such as ghcr.io/acme/plex-mcp:1.2.3 or ` +
        'registry.lan/plex-mcp@sha256:<digest>: letters, digits and . _ - / : @ only, starting with a letter or ' +
        'digit (no spaces, newlines or control characters)',
      holds: (value) => IMAGE_REGEX.test(value),
    },
  ]);
}

/** RFC 1123 DNS subdomain (lower case): object and host names (`[.]`, not `\\.`: CEL and JS read it alike). */
export const DNS_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const DNS_SUBDOMAIN_REGEX = new RegExp(DNS_SUBDOMAIN_PATTERN);

/** The name of an object in the resource's own namespace (no "/", no "..", nothing a path could be built from). */
export function objectName(field: string, what: string) {
  return withCelRules(z.string().min(1).max(253), [
    {
      rule: `self.matches('${DNS_SUBDOMAIN_PATTERN}')`,
      message:
        `${field} must be the name of a ${what}: lowercase letters, digits, "-" and ".", starting and ending ` +
        'with a letter or digit (no "/", no spaces)',
      holds: (value) => DNS_SUBDOMAIN_REGEX.test(value),
    },
  ]);
}

/** A key of a Secret's data, as Kubernetes allows them. */
export const SECRET_KEY_PATTERN = '^[-._a-zA-Z0-9]+$';
const SECRET_KEY_REGEX = new RegExp(SECRET_KEY_PATTERN);

export function secretDataKey(field: string) {
  return withCelRules(z.string().min(1).max(253), [
    {
      rule: `self.matches('${SECRET_KEY_PATTERN}')`,
      message: `${field} must be a Secret key: letters, digits, "-", "_" and "." only`,
      holds: (value) => SECRET_KEY_REGEX.test(value),
    },
  ]);
}

/** ASCII control characters: CEL's isURL() (Go's url.Parse) refuses them, the WHATWG parser silently drops some. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Is `value` an absolute URL whose scheme is one of `schemes`? Mirrors CEL `isURL()` + `getScheme()`. */
export function isUrlWithScheme(value: string, schemes: readonly string[]): boolean {
  if (hasControlCharacter(value) || !URL.canParse(value)) return false;
  const scheme = new URL(value).protocol.replace(/:$/, '');
  return schemes.includes(scheme);
}

/** A URL whose authority carries user info (`user@` or `user:password@`). */
export const URL_USERINFO_PATTERN = '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*@';
/** A URL whose authority carries a password (`user:password@` or `:password@`). */
export const URL_PASSWORD_PATTERN = '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#@]*:[^/?#@]*@';
