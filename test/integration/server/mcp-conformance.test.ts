/**
 * The official MCP conformance suite's server scenarios (`@modelcontextprotocol/conformance`) against our server,
 * with the default static bearer token and with AUTH_MODE=oauth and a real access token from the test identity
 * provider (oidc-provider, its own process). Two editions: the stable 0.1.16 (every scenario, 2025-era wire) and
 * the 0.2 prerelease's 2026-07-28 requirements (the era our server speaks to modern clients). The suite cannot send
 * an Authorization header, so a loopback proxy adds the token. Results must match the expected-failures baselines
 * (support/conformance-expected-failures.ts) check by check, messages included, and be the same in both modes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDP_CLIENTS } from '../../support/idp/provider.ts';
import {
  CONFORMANCE_EDITIONS,
  type ConformanceEdition,
  type ExpectedFailure,
} from './support/conformance-expected-failures.ts';
import {
  type ConformanceCheck,
  type ConformanceRun,
  conformanceServerScenarios,
  conformanceSuiteVersion,
  failing,
  findingsOf,
  messageOf,
  runConformanceSuite,
} from './support/conformance-suite.ts';
import { startHarness } from './support/mcp-harness.ts';
import { accessToken, clientCredentials, rawMcpCall, startOAuthHarness } from './support/oauth-harness.ts';
import { addBearerToken, startTokenProxy } from './support/token-proxy.ts';

type Mode = 'bearer' | 'oauth';

interface ModeRun {
  /** Edition title -> its run. */
  runs: Map<string, ConformanceRun>;
  /** Requests the proxy forwarded, and how many it added the token to. */
  proxied: { forwarded: number; rewritten: number };
  /** Status of a request straight to the server without a token. */
  withoutTokenStatus: number;
}

/** Puts the token-adding proxy in front of `serverUrl` and runs every edition through it, one after the other. */
async function runThroughProxy(serverUrl: string, token: string): Promise<ModeRun> {
  const withoutToken = await rawMcpCall(serverUrl, undefined);
  await withoutToken.body?.cancel();
  const proxy = await startTokenProxy(serverUrl, addBearerToken(token));
  try {
    const url = `${proxy.origin}${new URL(serverUrl).pathname}`;
    const runs = new Map<string, ConformanceRun>();
    for (const edition of CONFORMANCE_EDITIONS) {
      runs.set(edition.title, await runConformanceSuite(edition, url, Object.keys(edition.expectedFailures)));
    }
    return { runs, proxied: proxy.counts(), withoutTokenStatus: withoutToken.status };
  } finally {
    await proxy.close();
  }
}

/** How one scenario's checks depart from its baseline entry (none when it has no entry and nothing fails). */
function scenarioProblems(scenario: string, checks: readonly ConformanceCheck[], expected?: ExpectedFailure) {
  const problems: string[] = [];
  const listed = expected?.checks ?? {};
  const failed = checks.filter(failing);
  for (const check of failed) {
    const pattern = listed[check.id] ?? listed['*'];
    const said = `${check.id} ${check.status}: ${messageOf(check)}`;
    if (pattern === undefined) problems.push(`${scenario}: ${said} (not in the baseline)`);
    else if (!pattern.test(messageOf(check)))
      problems.push(`${scenario}: ${said} (the baseline expects ${pattern})`);
  }
  for (const id of Object.keys(listed)) {
    if (id === '*' ? failed.length === 0 : !failed.some((c) => c.id === id))
      problems.push(`${scenario}: ${id} is in the baseline but passes now (or did not run); remove it`);
  }
  return problems;
}

/** Every way `run` departs from the edition's baseline, one line each (empty when it matches). */
function baselineProblems(edition: ConformanceEdition, run: ConformanceRun): string[] {
  const problems = [...run.scenarios].flatMap(([scenario, checks]) =>
    scenarioProblems(scenario, checks, edition.expectedFailures[scenario]),
  );
  for (const scenario of Object.keys(edition.expectedFailures)) {
    if (!run.scenarios.has(scenario))
      problems.push(`${scenario}: in the baseline but the suite did not run it`);
  }
  return problems;
}

/** Scenarios and checks that passed and failed, for the report line. */
function tally(run: ConformanceRun) {
  const scenarios = [...run.scenarios.values()];
  const checks = scenarios.flat().filter((c) => c.status !== 'INFO' && c.status !== 'SKIPPED');
  return {
    scenarios: scenarios.length,
    scenariosPassed: scenarios.filter((c) => !c.some(failing)).length,
    checks: checks.length,
    checksPassed: checks.filter((c) => !failing(c)).length,
    passed: [...run.scenarios].filter(([, c]) => !c.some(failing)).map(([name]) => name),
  };
}

const scenariosOf = new Map<string, string[]>();
const modeRuns = new Map<Mode, ModeRun>();

beforeAll(async () => {
  for (const edition of CONFORMANCE_EDITIONS)
    scenariosOf.set(edition.title, await conformanceServerScenarios(edition));
});

for (const edition of CONFORMANCE_EDITIONS) {
  it(`the installed suite for the ${edition.title} is the version its baseline was written for (${edition.version})`, async () => {
    expect(await conformanceSuiteVersion(edition)).toBe(edition.version);
    expect(scenariosOf.get(edition.title)?.length).toBeGreaterThan(20);
  });
}

function expectMatchesBaselines(mode: Mode): void {
  const modeRun = modeRuns.get(mode) as ModeRun;
  // Not a vacuous run: the server refuses tokenless requests, and every request the suite made carried the token.
  expect(modeRun.withoutTokenStatus).toBe(401);
  expect(modeRun.proxied.forwarded).toBeGreaterThan(100);
  expect(modeRun.proxied.rewritten).toBe(modeRun.proxied.forwarded);
  for (const edition of CONFORMANCE_EDITIONS) {
    const run = modeRun.runs.get(edition.title) as ConformanceRun;
    expect([...run.scenarios.keys()].sort(), run.stderr).toEqual(
      [...(scenariosOf.get(edition.title) ?? [])].sort(),
    );
    expect(baselineProblems(edition, run), edition.title).toEqual([]);
    // The suite's own verdict with the same baseline (by scenario) agrees: no unexpected failure, no stale entry.
    expect(run.exitCode, run.stdout).toBe(0);
    console.info(`conformance ${edition.title} (${mode}): ${JSON.stringify(tally(run))}`);
  }
}

describe('AUTH_MODE=bearer (the default), the static token added by the proxy', () => {
  let close: () => Promise<void>;
  beforeAll(async () => {
    const h = await startHarness();
    close = () => h.close();
    modeRuns.set('bearer', await runThroughProxy(h.server.url, h.authToken));
  });
  afterAll(async () => {
    await close?.();
  });

  it('every scenario ran and the results match the expected-failures baselines', () => {
    expectMatchesBaselines('bearer');
  });
});

describe('AUTH_MODE=oauth, an access token from the identity provider added by the proxy', () => {
  let close: () => Promise<void>;
  beforeAll(async () => {
    const h = await startOAuthHarness({ mode: 'oauth' });
    close = () => h.close();
    // The SDK's own flow: discovery from our 401 (RFC 9728), then client credentials for this resource.
    const token = await accessToken(h.server.url, clientCredentials(h.idp, IDP_CLIENTS.full));
    modeRuns.set('oauth', await runThroughProxy(h.server.url, token));
  });
  afterAll(async () => {
    await close?.();
  });

  it('every scenario ran and the results match the expected-failures baselines', () => {
    expectMatchesBaselines('oauth');
  });
});

it('both modes give the same results, edition by edition, scenario by scenario and check by check', () => {
  const findings = (mode: Mode, title: string) => {
    const run = modeRuns.get(mode)?.runs.get(title);
    expect(run, `${mode} ${title}`).toBeDefined();
    return Object.fromEntries(
      [...(run as ConformanceRun).scenarios].map(([name, c]) => [name, findingsOf(c)]),
    );
  };
  for (const { title } of CONFORMANCE_EDITIONS)
    expect(findings('oauth', title), title).toEqual(findings('bearer', title));
});
