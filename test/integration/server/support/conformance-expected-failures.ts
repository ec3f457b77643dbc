/**
 * The MCP conformance suite's server checks our server is expected NOT to pass, each with why, and with the message
 * it must fail with (so a check that starts failing for another reason, say a 401, is not hidden here). Most of them
 * exercise fixtures of the SDK's reference "everything" server (tools named `test_*`, resources under `test://`,
 * prompts): a Plex server has its own tools and none of those. As in the suite's own baseline, a check fails when
 * its status is FAILURE or WARNING. The conformance test fails on a failing check outside this list, on a listed
 * check that passes (remove its entry), and on a listed check failing with another message, so the list stays
 * honest. Each list is written for one suite version; an upgrade revisits every entry.
 */

export interface ExpectedFailure {
  reason: string;
  /**
   * Check id -> what its message must say. `'*'` stands for every other failing check of the scenario (a whole
   * extension we do not implement).
   */
  checks: Readonly<Record<string, RegExp>>;
}

export interface ConformanceEdition {
  /** For test names and reports. */
  title: string;
  /** The installed package (the prerelease under an npm alias, beside the stable one). */
  packageName: string;
  version: string;
  /** Which server scenarios: arguments for `conformance server`, and the same choice for `conformance list --server`. */
  run: string[];
  list: string[];
  expectedFailures: Readonly<Record<string, ExpectedFailure>>;
}

const FIXTURE = 'the reference server\u2019s fixture, which a Plex server does not have';
const FIXTURE_RESOURCE = `${FIXTURE}; our only resources are the MCP Apps views (ui://)`;
const FIXTURE_PROMPT = `${FIXTURE}; our prompts are movie_night, whats_new and continue_watching`;
const NO_LOGGING =
  'no logging capability: logs go to stderr (logging/setLevel is removed and MCP logging deprecated in the 2026-07-28 revision)';
const STATELESS =
  'stateless over HTTP by design (any replica answers any request): no sessions, no resource subscriptions, and 2025-era HTTP clients get no server-to-client requests';
const INPUT_REQUIRED_FIXTURE =
  'the scenario drives the reference server\u2019s input_required fixtures (test_input_required_result_* tools and prompt); our own input_required rounds, the delete_playlist and remove_from_playlist confirmations, need a real playlist and are tested in elicitation.test.ts';
const methodNotFound = (checkId: string, reason: string): ExpectedFailure => ({
  reason,
  checks: { [checkId]: /Method not found/ },
});
const fixtureTool = (checkId: string, tool: string): ExpectedFailure => ({
  reason: FIXTURE,
  checks: { [checkId]: new RegExp(`Tool '?${tool}'? not found`) },
});
/** A fixture tool that would also need a server-to-client request (sampling, elicitation). */
const serverToClient = (checkId: string, tool: string): ExpectedFailure => ({
  ...fixtureTool(checkId, tool),
  reason: `${FIXTURE}; ${STATELESS}`,
});
const fixtureResource = (checkId: string, uri: string): ExpectedFailure => ({
  reason: FIXTURE_RESOURCE,
  checks: { [checkId]: new RegExp(`Resource not found: ${uri}`) },
});
/** Scenarios whose only check has the scenario's name (all of 0.1.16's, and the older ones in 0.2): fixture prompts. */
const FIXTURE_PROMPTS: Record<string, string> = {
  'prompts-get-simple': 'test_simple_prompt',
  'prompts-get-with-args': 'test_prompt_with_arguments',
  'prompts-get-embedded-resource': 'test_prompt_with_embedded_resource',
  'prompts-get-with-image': 'test_prompt_with_image',
};
const fixturePrompt = (checkId: string, prompt: string): ExpectedFailure => ({
  reason: FIXTURE_PROMPT,
  checks: { [checkId]: new RegExp(`Prompt ${prompt} not found`) },
});
const noPrompts = Object.fromEntries(
  Object.entries(FIXTURE_PROMPTS).map(([s, prompt]) => [s, fixturePrompt(s, prompt)]),
);
const FIXTURE_TOOL_CALLS: Record<string, string> = {
  'tools-call-simple-text': 'test_simple_text',
  'tools-call-image': 'test_image_content',
  'tools-call-audio': 'test_audio_content',
  'tools-call-embedded-resource': 'test_embedded_resource',
  'tools-call-mixed-content': 'test_multiple_content_types',
  'tools-call-error': 'test_error_handling',
  'tools-call-with-progress': 'test_tool_with_progress',
};
const fixtureToolCalls = Object.fromEntries(
  Object.entries(FIXTURE_TOOL_CALLS).map(([s, tool]) => [s, fixtureTool(s, tool)]),
);
const fixtureResources = {
  'resources-read-text': fixtureResource('resources-read-text', 'test://static-text'),
  'resources-read-binary': fixtureResource('resources-read-binary', 'test://static-binary'),
  'resources-templates-read': fixtureResource('resources-templates-read', 'test://template/123/data'),
};
const jsonSchemaFixture = fixtureTool('json-schema-2020-12-tool-found', 'json_schema_2020_12_tool');

/** 0.1.16, the npm `latest`: every server scenario (active and pending), run at the 2025-11-25 wire. */
export const EDITION_2025: ConformanceEdition = {
  title: '2025-era scenarios',
  packageName: '@modelcontextprotocol/conformance',
  version: '0.1.16',
  run: ['--suite', 'all'],
  list: [],
  expectedFailures: {
    ...noPrompts,
    ...fixtureToolCalls,
    ...fixtureResources,
    'json-schema-2020-12': jsonSchemaFixture,
    'logging-set-level': methodNotFound('logging-set-level', NO_LOGGING),
    'tools-call-with-logging': methodNotFound('tools-call-with-logging', NO_LOGGING),
    'completion-complete': fixturePrompt('completion-complete', 'test_prompt_with_arguments'),
    'tools-call-sampling': serverToClient('tools-call-sampling', 'test_sampling'),
    'tools-call-elicitation': serverToClient('tools-call-elicitation', 'test_elicitation'),
    'elicitation-sep1034-defaults': serverToClient(
      'elicitation-sep1034-general',
      'test_elicitation_sep1034_defaults',
    ),
    'elicitation-sep1330-enums': serverToClient(
      'elicitation-sep1330-general',
      'test_elicitation_sep1330_enums',
    ),
    'resources-subscribe': methodNotFound('resources-subscribe', STATELESS),
    'resources-unsubscribe': methodNotFound('resources-unsubscribe', STATELESS),
    // Warnings only, which the suite's baseline counts as failures.
    'server-sse-multiple-streams': {
      reason: `no Mcp-Session-Id: ${STATELESS}`,
      checks: { 'server-sse-multiple-streams-session': /did not provide session ID/ },
    },
    'server-sse-polling': {
      reason: `no Mcp-Session-Id and no resumable SSE streams (no event ids, no retry field: a resumed stream could reach another replica): ${STATELESS}`,
      checks: {
        'server-sse-polling-session': /did not provide session ID/,
        'server-sse-priming-event': /did not send priming event/,
        'server-sse-retry-field': /did not send retry field/,
      },
    },
  },
};

const inputRequired = (checkId: string, message: RegExp): ExpectedFailure => ({
  reason: INPUT_REQUIRED_FIXTURE,
  checks: { [checkId]: message },
});
const TASKS =
  'the tasks extension (io.modelcontextprotocol/tasks), which the SDK has no server support for: long jobs are start-then-poll tools';
const tasksExtension: ExpectedFailure = {
  reason: TASKS,
  checks: { '*': /not found|Not testable|MUST be advertised|got -32601|-32021|fixture .* unavailable/ },
};

/**
 * 0.2.0-alpha.12 (prerelease): exactly what the 2026-07-28 revision requires (`--requirements`), run at the
 * 2026-07-28 wire, plus the extension and pending scenarios the suite runs alongside without scoring them.
 */
export const EDITION_2026: ConformanceEdition = {
  title: '2026-07-28 requirements',
  packageName: '@modelcontextprotocol/conformance-2026',
  version: '0.2.0-alpha.12',
  run: ['--requirements', '2026-07-28'],
  list: ['--requirements', '2026-07-28'],
  expectedFailures: {
    ...noPrompts,
    ...fixtureToolCalls,
    ...fixtureResources,
    'json-schema-2020-12': jsonSchemaFixture,
    'completion-complete': fixturePrompt('completion-complete', 'test_prompt_with_arguments'),
    'server-stateless': {
      reason: `the diagnostic tools these checks need (test_missing_capability, test_streaming_elicitation, test_logging_tool, test_trigger_tool_change) are ${FIXTURE}; our tool and prompt lists never change while the server runs, and the suite reads our unknown-tool error (-32602) as a mutation`,
      checks: {
        'sep-2575-server-rejects-undeclared-capability':
          /does not list the diagnostic tool 'test_missing_capability'/,
        'sep-2575-missing-capability-http-400': /does not list the diagnostic tool 'test_missing_capability'/,
        'sep-2575-http-server-no-independent-requests-on-stream':
          /does not list the diagnostic tool 'test_streaming_elicitation'/,
        'sep-2575-server-no-log-without-loglevel': /does not list the diagnostic tool 'test_logging_tool'/,
        'sep-2575-server-sends-tools-list-changed-on-subscription':
          /no notifications\/tools\/list_changed arrived/,
        'sep-2575-server-sends-prompts-list-changed-on-subscription':
          /no notifications\/prompts\/list_changed arrived/,
      },
    },
    'input-required-result-basic-elicitation': inputRequired(
      'sep-2322-elicitation-incomplete',
      /Tool test_input_required_result_elicitation not found/,
    ),
    'input-required-result-basic-sampling': inputRequired(
      'sep-2322-sampling-incomplete',
      /Tool test_input_required_result_sampling not found/,
    ),
    'input-required-result-basic-list-roots': inputRequired(
      'sep-2322-list-roots-incomplete',
      /Tool test_input_required_result_list_roots not found/,
    ),
    'input-required-result-request-state': inputRequired(
      'sep-2322-request-state-incomplete',
      /Tool test_input_required_result_request_state not found/,
    ),
    'input-required-result-multiple-input-requests': inputRequired(
      'sep-2322-multiple-inputs-incomplete',
      /Tool test_input_required_result_multiple_inputs not found/,
    ),
    'input-required-result-multi-round': inputRequired(
      'sep-2322-multi-round-r1',
      /Expected InputRequiredResult with inputRequests and requestState/,
    ),
    'input-required-result-missing-input-response': inputRequired(
      'sep-2322-missing-response-rerequests',
      /returned JSON-RPC error instead of re-requesting/,
    ),
    'input-required-result-non-tool-request': inputRequired(
      'sep-2322-non-tool-incomplete',
      /Prompt test_input_required_result_prompt not found/,
    ),
    'input-required-result-result-type': inputRequired(
      'sep-2322-result-type-included',
      /Tool test_input_required_result_elicitation not found/,
    ),
    'input-required-result-tampered-state': inputRequired(
      'sep-2322-reject-tampered-state',
      /could not get initial InputRequiredResult/,
    ),
    'input-required-result-capability-check': inputRequired(
      'sep-2322-respect-client-capabilities',
      /Tool test_input_required_result_capabilities not found/,
    ),
    'input-required-result-ignore-extra-params': inputRequired(
      'sep-2322-ignore-unexpected-params',
      /Tool test_input_required_result_elicitation not found/,
    ),
    'http-custom-header-server-validation': {
      reason:
        'no tool declares x-mcp-header parameters (custom request headers, SEP-2243): a Plex tool has no argument a proxy should route on',
      checks: { '*': /server exposes no tool with x-mcp-header annotations/ },
    },
    'tasks-lifecycle': tasksExtension,
    'tasks-capability-negotiation': tasksExtension,
    'tasks-wire-fields': tasksExtension,
    'tasks-request-state-removal': tasksExtension,
    'tasks-mrtr-input': tasksExtension,
    'tasks-request-headers': tasksExtension,
    'tasks-dispatch-and-envelope': tasksExtension,
    'tasks-required-task-error': tasksExtension,
    'tasks-mrtr-composition': tasksExtension,
  },
};

export const CONFORMANCE_EDITIONS: readonly ConformanceEdition[] = [EDITION_2025, EDITION_2026];
