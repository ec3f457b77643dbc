/**
 * The official MCP conformance suite's server scenarios (`@modelcontextprotocol/conformance`, every scenario,
 * pending ones included) against our server with the default static bearer token and with AUTH_MODE=oauth and a
 * real access token from the test identity provider (oidc-provider, its own process). The suite cannot send an
 * Authorization header, so a loopback proxy adds the token. Results must match the expected-failures baseline
 * (support/conformance-expected-failures.ts) exactly, failure causes included, and be the same in both modes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDP_CLIENTS } from '../../support/idp/provider.ts';
import { EXPECTED_FAILURES, SUITE_VERSION } from './support/conformance-expected-failures.ts';
import {
  type ConformanceRun,
  conformanceServerScenarios,
  conformanceSuiteVersion,
  findingsOf,
  passed,
  runConformanceSuite,
} from './support/conformance-suite.ts';
import { startHarness } from './support/mcp-harness.ts';
import { accessToken, clientCredentials, rawMcpCall, startOAuthHarness } from './support/oauth-harness.ts';
import { startTokenProxy } from './support/token-proxy.ts';

interface ModeRun {
  run: ConformanceRun;
  /** Requests the proxy forwarded, and how many it added the token to. */
  proxied: { forwarded: number; tokenAdded: number };
  /** Status of a request straight to the server without a token. */
  withoutTokenStatus: number;
}

/** Puts the token-adding proxy in front of `serverUrl`, runs the whole suite through it. */
async function runThroughProxy(serverUrl: string, token: string): Promise<ModeRun> {
  const withoutToken = await rawMcpCall(serverUrl, undefined);
  await withoutToken.body?.cancel();
  const proxy = await startTokenProxy(serverUrl, token);
  try {
    const run = await runConformanceSuite(
      `${proxy.origin}${new URL(serverUrl).pathname}`,
      Object.keys(EXPECTED_FAILURES),
    );
    return { run, proxied: proxy.counts(), withoutTokenStatus: withoutToken.status };
  } finally {
    await proxy.close();
  }
}

/** Every way `run` departs from the baseline, one line each (empty when it matches). */
function baselineProblems(run: ConformanceRun): string[] {
  const problems: string[] = [];
  for (const [scenario, checks] of run.scenarios) {
    const found = findingsOf(checks).join(' | ');
    const expected = EXPECTED_FAILURES[scenario];
    if (expected === undefined) {
      if (!passed(checks)) problems.push(`${scenario}: fails (not in the baseline): ${found}`);
    } else if (passed(checks)) {
      problems.push(`${scenario}: in the baseline but passes now; remove its entry`);
    } else if (!expected.failsWith.test(found)) {
      problems.push(`${scenario}: fails, but not with ${expected.failsWith}: ${found}`);
    }
  }
  for (const scenario of Object.keys(EXPECTED_FAILURES)) {
    if (!run.scenarios.has(scenario))
      problems.push(`${scenario}: in the baseline but the suite did not run it`);
  }
  return problems;
}

function tally(run: ConformanceRun): { passed: string[]; failed: string[] } {
  const scenarios = [...run.scenarios];
  return {
    passed: scenarios.filter(([, checks]) => passed(checks)).map(([name]) => name),
    failed: scenarios.filter(([, checks]) => !passed(checks)).map(([name]) => name),
  };
}

let scenarios: string[];
const runs = new Map<'bearer' | 'oauth', ModeRun>();

beforeAll(async () => {
  scenarios = await conformanceServerScenarios();
});

it(`the installed suite is the version the baseline was written for (${SUITE_VERSION})`, async () => {
  expect(await conformanceSuiteVersion()).toBe(SUITE_VERSION);
  expect(scenarios.length).toBeGreaterThan(20);
});

function expectMatchesBaseline(mode: 'bearer' | 'oauth'): void {
  const modeRun = runs.get(mode) as ModeRun;
  const { run } = modeRun;
  // Not a vacuous run: the server refuses tokenless requests, and every request the suite made carried the token.
  expect(modeRun.withoutTokenStatus).toBe(401);
  expect(modeRun.proxied.forwarded).toBeGreaterThan(scenarios.length);
  expect(modeRun.proxied.tokenAdded).toBe(modeRun.proxied.forwarded);
  expect([...run.scenarios.keys()].sort(), run.stderr).toEqual([...scenarios].sort());
  expect(baselineProblems(run)).toEqual([]);
  // The suite's own verdict with the same baseline agrees (no unexpected failure, no stale entry).
  expect(run.exitCode, run.stdout).toBe(0);
  console.info(`conformance (${mode}): ${JSON.stringify(tally(run))}`);
}

describe('AUTH_MODE=bearer (the default), the static token added by the proxy', () => {
  let close: () => Promise<void>;
  beforeAll(async () => {
    const h = await startHarness();
    close = () => h.close();
    runs.set('bearer', await runThroughProxy(h.server.url, h.authToken));
  });
  afterAll(async () => {
    await close?.();
  });

  it('every scenario ran and the results match the expected-failures baseline', () => {
    expectMatchesBaseline('bearer');
  });
});

describe('AUTH_MODE=oauth, an access token from the identity provider added by the proxy', () => {
  let close: () => Promise<void>;
  beforeAll(async () => {
    const h = await startOAuthHarness({ mode: 'oauth' });
    close = () => h.close();
    // The SDK's own flow: discovery from our 401 (RFC 9728), then client credentials for this resource.
    const token = await accessToken(h.server.url, clientCredentials(h.idp, IDP_CLIENTS.full));
    runs.set('oauth', await runThroughProxy(h.server.url, token));
  });
  afterAll(async () => {
    await close?.();
  });

  it('every scenario ran and the results match the expected-failures baseline', () => {
    expectMatchesBaseline('oauth');
  });
});

it('both modes give the same results, scenario by scenario and check by check', () => {
  const bearer = runs.get('bearer')?.run;
  const oauth = runs.get('oauth')?.run;
  expect(bearer && oauth).toBeTruthy();
  const findings = (run: ConformanceRun) =>
    Object.fromEntries([...run.scenarios].map(([name, checks]) => [name, findingsOf(checks)]));
  expect(findings(oauth as ConformanceRun)).toEqual(findings(bearer as ConformanceRun));
});
