/**
 * The tools' advertised JSON Schemas as the production build computed them (issue #18, start-up: converting every
 * tool's zod schemas on the first tools/list cost 20-35 ms of CPU). The build (.ci/build/server-bundle.ts) replaces
 * this module's contents in the bundle with the table `builtToolJsonSchemas` (define-tool.ts) returns, so the table
 * is always computed from the very sources bundled beside it. Run from source it is empty, and each schema is
 * converted on first use instead, with the same result (test/integration/server/built-dist.test.ts).
 */
export const BUILT_TOOL_JSON_SCHEMAS: Readonly<Record<string, Record<string, unknown>>> = {};
