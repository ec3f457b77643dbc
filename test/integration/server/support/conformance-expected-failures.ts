/**
 * The MCP conformance suite's server scenarios our server is expected NOT to pass, each with why, and with the
 * failure it must show (so a scenario that starts failing for another reason, say a 401, is not hidden here). As
 * in the suite's own baseline, a scenario fails when one of its checks fails or warns.
 * Most scenarios exercise fixtures of the SDK's reference "everything" server (tools named `test_*`, resources
 * under `test://`, prompts): a Plex server has its own tools and none of those. The conformance test fails on a
 * failure outside this list, on a listed scenario that passes (remove its entry), and on a listed failure with
 * another cause, so the list stays honest. Written for SUITE_VERSION; a suite upgrade revisits every entry.
 */
export const SUITE_VERSION = '0.1.16';

export interface ExpectedFailure {
  reason: string;
  /** Matches what the scenario found (findingsOf: its failing and warning checks, with their messages). */
  failsWith: RegExp;
}

const FIXTURE_TOOL = 'the reference server\u2019s fixture tool, which a Plex server does not have';
const FIXTURE_RESOURCE =
  'the reference server\u2019s fixture resource; our only resources are the MCP Apps views (ui://)';
const NO_PROMPTS = 'the server offers tools and app views, no prompts (no prompts capability)';
const NO_LOGGING =
  'no logging capability: logs go to stderr (logging/setLevel is removed and MCP logging deprecated in the 2026-07-28 revision)';
const STATELESS =
  'stateless by design (any replica answers any request): no resource subscriptions, no server-to-client requests (sampling, elicitation)';
const fixtureTool = (name: string) => new RegExp(`Tool '?${name}'? not found`);

export const EXPECTED_FAILURES: Readonly<Record<string, ExpectedFailure>> = {
  'logging-set-level': { reason: NO_LOGGING, failsWith: /Method not found/ },
  'tools-call-with-logging': { reason: NO_LOGGING, failsWith: /Method not found/ },
  'completion-complete': {
    reason:
      'nothing to complete: no prompts and no resource templates with arguments (no completions capability)',
    failsWith: /Method not found/,
  },
  'tools-call-simple-text': { reason: FIXTURE_TOOL, failsWith: fixtureTool('test_simple_text') },
  'tools-call-image': { reason: FIXTURE_TOOL, failsWith: fixtureTool('test_image_content') },
  'tools-call-audio': { reason: FIXTURE_TOOL, failsWith: fixtureTool('test_audio_content') },
  'tools-call-embedded-resource': { reason: FIXTURE_TOOL, failsWith: fixtureTool('test_embedded_resource') },
  'tools-call-mixed-content': { reason: FIXTURE_TOOL, failsWith: fixtureTool('test_multiple_content_types') },
  'tools-call-error': { reason: FIXTURE_TOOL, failsWith: fixtureTool('test_error_handling') },
  'tools-call-with-progress': { reason: FIXTURE_TOOL, failsWith: fixtureTool('test_tool_with_progress') },
  'json-schema-2020-12': { reason: FIXTURE_TOOL, failsWith: fixtureTool('json_schema_2020_12_tool') },
  'tools-call-sampling': { reason: `${FIXTURE_TOOL}; ${STATELESS}`, failsWith: fixtureTool('test_sampling') },
  'tools-call-elicitation': {
    reason: `${FIXTURE_TOOL}; ${STATELESS}`,
    failsWith: fixtureTool('test_elicitation'),
  },
  'elicitation-sep1034-defaults': {
    reason: `${FIXTURE_TOOL}; ${STATELESS}`,
    failsWith: fixtureTool('test_elicitation_sep1034_defaults'),
  },
  'elicitation-sep1330-enums': {
    reason: `${FIXTURE_TOOL}; ${STATELESS}`,
    failsWith: fixtureTool('test_elicitation_sep1330_enums'),
  },
  'resources-read-text': { reason: FIXTURE_RESOURCE, failsWith: /Resource not found: test:\/\/static-text/ },
  'resources-read-binary': {
    reason: FIXTURE_RESOURCE,
    failsWith: /Resource not found: test:\/\/static-binary/,
  },
  'resources-templates-read': {
    reason: FIXTURE_RESOURCE,
    failsWith: /Resource not found: test:\/\/template\/123\/data/,
  },
  'resources-subscribe': { reason: STATELESS, failsWith: /Method not found/ },
  'resources-unsubscribe': { reason: STATELESS, failsWith: /Method not found/ },
  'prompts-list': { reason: NO_PROMPTS, failsWith: /Method not found/ },
  'prompts-get-simple': { reason: NO_PROMPTS, failsWith: /Method not found/ },
  'prompts-get-with-args': { reason: NO_PROMPTS, failsWith: /Method not found/ },
  'prompts-get-embedded-resource': { reason: NO_PROMPTS, failsWith: /Method not found/ },
  'prompts-get-with-image': { reason: NO_PROMPTS, failsWith: /Method not found/ },
  // Warnings only, which the suite's baseline counts as failures.
  'server-sse-multiple-streams': {
    reason: `no Mcp-Session-Id: ${STATELESS}`,
    failsWith: /^server-sse-multiple-streams-session WARNING$/,
  },
  'server-sse-polling': {
    reason: `no Mcp-Session-Id and no resumable SSE streams (no event ids, no retry field: a resumed stream could reach another replica): ${STATELESS}`,
    failsWith:
      /^server-sse-polling-session WARNING \| server-sse-priming-event WARNING: [^|]+ \| server-sse-retry-field WARNING: [^|]+$/,
  },
};
