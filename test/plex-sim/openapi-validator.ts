// Compiles the JSON response schemas of the Plex OpenAPI files (../shared/plex-api/openapi/) into ajv
// validators, so tests can check the simulator's real responses against what the spec says PMS sends.
//
// Both files are OpenAPI 3.1 (JSON Schema 2020-12). The current spec has circular schemas (Metadata contains
// Metadata), which a fully dereferenced object graph cannot be compiled from. So swagger-parser bundles the
// file (parsing it and resolving any external references) and ajv compiles `$ref`s into that document,
// which handles cycles. A few documented spec errors are corrected first (see the *_ERRATA below).

import SwaggerParser from '@apidevtools/swagger-parser';
import type { ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const CURRENT_SPEC = new URL('../../../shared/plex-api/openapi/plex-api-spec.yaml', import.meta.url)
  .pathname;
export const LEGACY_SPEC = new URL(
  '../../../shared/plex-api/openapi/legacy-v0.0.3/plex-media-server-spec-dereferenced.yaml',
  import.meta.url,
).pathname;

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/**
 * Known errors of the legacy v0.0.3 spec, which was generated from example values: it types ratingKeys as
 * numbers (PMS JSON sends strings, REFERENCE §1 and the current spec), originallyAvailableAt as date-time
 * (PMS sends YYYY-MM-DD) and videoResolution as a number (PMS sends "1080", "720", "4k", "sd"). Only these
 * property schemas are corrected; everything else in the legacy spec is used as written.
 */
export const LEGACY_ERRATA: Record<
  string,
  { when: (schema: Record<string, unknown>) => boolean; use: object }
> = {
  ratingKey: { when: (s) => s.type === 'number' || s.type === 'integer', use: { type: 'string' } },
  parentRatingKey: { when: (s) => s.type === 'number' || s.type === 'integer', use: { type: 'string' } },
  grandparentRatingKey: { when: (s) => s.type === 'number' || s.type === 'integer', use: { type: 'string' } },
  originallyAvailableAt: { when: (s) => s.format === 'date-time', use: { type: 'string', format: 'date' } },
  videoResolution: { when: (s) => s.type === 'number' || s.type === 'integer', use: { type: 'string' } },
};

/** Applies LEGACY_ERRATA to every `properties` map in the document (in place). */
function applyErrata(node: unknown, seen = new WeakSet<object>()): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  const record = node as Record<string, unknown>;
  const properties = record.properties as Record<string, Record<string, unknown>> | undefined;
  if (properties && typeof properties === 'object') {
    for (const [name, fix] of Object.entries(LEGACY_ERRATA)) {
      const schema = properties[name];
      if (schema && typeof schema === 'object' && fix.when(schema)) properties[name] = { ...fix.use };
    }
  }
  for (const value of Object.values(record)) applyErrata(value, seen);
}

export interface SpecValidator {
  /** info.version of the spec: "1.1.1" (current) or "0.0.3" (legacy). */
  version: string;
  /** Validator for the JSON body of `method path` answering `status` (path as written in the spec). */
  responseValidator(path: string, method?: string, status?: string): ValidateFunction;
  /** The spec's paths, to check a path exists before asking for a validator. */
  hasPath(path: string): boolean;
}

/** Walks plain objects by keys; undefined when any step is missing. */
function dig(node: unknown, keys: string[]): Record<string, unknown> | undefined {
  let current = node;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current !== null && typeof current === 'object' ? (current as Record<string, unknown>) : undefined;
}

function pointerSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * The one known error of the current spec we correct: getLibraryDetails (GET /library/sections/{id}) types its
 * `Directory[]` as full Metadata (required addedAt/type), but PMS sends menu entries there ({key, title} plus
 * secondary/search/prompt flags), as the spec's own description of that endpoint says.
 */
function applyCurrentErrata(document: { paths: Record<string, Record<string, unknown>> }): void {
  const directory = dig(document.paths['/library/sections/{sectionId}'], [
    'get',
    'responses',
    '200',
    'content',
    'application/json',
    'schema',
    'properties',
    'MediaContainer',
    'properties',
    'Directory',
  ]);
  if (!directory)
    throw new Error('current spec: getLibraryDetails Directory not found (errata out of date?)');
  directory.items = {
    type: 'object',
    required: ['key', 'title'],
    properties: {
      key: { type: 'string' },
      title: { type: 'string' },
      secondary: { type: 'boolean' },
      search: { type: 'boolean' },
      prompt: { type: 'string' },
    },
  };
}

export async function loadSpecValidator(specFile: string): Promise<SpecValidator> {
  const document = (await SwaggerParser.bundle(specFile)) as unknown as {
    openapi: string;
    info: { version: string };
    paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  };
  const legacy = document.info.version.startsWith('0.');
  if (legacy) applyErrata(document);
  else applyCurrentErrata(document);
  // strict: false because OpenAPI adds keywords ajv does not know (example, nullable, discriminator, xml...).
  const options = { strict: false, allErrors: true, validateSchema: false } as const;
  const ajv = new Ajv2020(options);
  addFormats.default(ajv);
  // OpenAPI's numeric formats: enforce the ranges, so a value that could not be an int32 fails too.
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  const id = 'plex-openapi';
  ajv.addSchema({ ...document, $id: id } as object, id);
  const cache = new Map<string, ValidateFunction>();
  return {
    version: document.info.version,
    hasPath: (path) => path in document.paths,
    responseValidator(path, method = 'get', status = '200') {
      const cacheKey = `${method} ${path} ${status}`;
      const cached = cache.get(cacheKey);
      if (cached) return cached;
      const operation = document.paths[path]?.[method];
      if (!operation) throw new Error(`${specFile}: no ${method.toUpperCase()} ${path}`);
      // A response may be a $ref to components/responses (e.g. the playlist writes' slash-post-responses-200).
      const response = operation.responses?.[status] as { $ref?: string } | undefined;
      const base = response?.$ref?.startsWith('#/')
        ? response.$ref.slice(2).split('/')
        : ['paths', path, method, 'responses', status].map(pointerSegment);
      const pointer = [...base, 'content', 'application/json', 'schema']
        .map((s, i) => (i < base.length ? s : pointerSegment(s)))
        .join('/');
      const validate = ajv.compile({ $ref: `${id}#/${pointer}` });
      cache.set(cacheKey, validate);
      return validate;
    },
  };
}
