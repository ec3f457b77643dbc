import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultInstallOptions } from '../../../../cdk8s/install/options.ts';
import { buildPlexMcpServerCrd } from '../../../../operator/api/v1alpha1/index.ts';
import {
  DEFAULT_SERVER_IMAGE,
  OPERATOR_USAGE,
  parseOperatorFlags,
} from '../../../../operator/config/operator-flags.ts';

describe('the default server image', () => {
  const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

  it('is the image the release builds: the install manifests’ and the Helm chart’s default', () => {
    expect(DEFAULT_SERVER_IMAGE).toBe(`plex-mcp:${version}`);
    expect(defaultInstallOptions().image).toBe(DEFAULT_SERVER_IMAGE);
    const chart = parse(readFileSync('charts/plex-mcp-operator/Chart.yaml', 'utf8')) as {
      appVersion: string;
    };
    const values = parse(readFileSync('charts/plex-mcp-operator/values.yaml', 'utf8')) as {
      image: { repository: string; tag: string };
    };
    expect(`${values.image.repository}:${values.image.tag || chart.appVersion}`).toBe(DEFAULT_SERVER_IMAGE);
  });

  it('is stated the same way in the CRD’s description of spec.image', () => {
    const spec = (
      buildPlexMcpServerCrd().spec.versions as {
        schema: {
          openAPIV3Schema: { properties: { spec: { properties: { image: { description: string } } } } };
        };
      }[]
    )[0]?.schema.openAPIV3Schema.properties.spec.properties.image.description;
    expect(spec).toContain('by default plex-mcp:<operator version>, the image the release builds');
    expect(OPERATOR_USAGE).toContain('plex-mcp:<this version>, the image the release builds');
  });

  it('refuses a --server-image that is no image reference', () => {
    const result = parseOperatorFlags(['--server-image', 'plex mcp:1\n'], {});
    expect(result.ok).toBe(false);
  });
});

describe('parseOperatorFlags', () => {
  it('applies the defaults', () => {
    const result = parseOperatorFlags([], {});
    expect(result).toEqual({
      ok: true,
      flags: {
        namespaces: [],
        leaderElect: undefined,
        leaderElectionNamespace: undefined,
        metricsPort: 8080,
        healthPort: 8081,
        serverImage: DEFAULT_SERVER_IMAGE,
        logLevel: 'info',
        workers: 4,
        verifyServers: undefined,
        verifyIntervalSeconds: 60,
        verifyConcurrency: 4,
        verifyTimeoutSeconds: 5,
      },
    });
  });

  it('reads the verification flags (a bare --verify-servers means true)', () => {
    const result = parseOperatorFlags(
      [
        '--verify-servers',
        '--verify-interval-seconds=120',
        '--verify-concurrency',
        '8',
        '--verify-timeout-seconds=3',
      ],
      {},
    );
    expect(result.ok && result.flags).toMatchObject({
      verifyServers: true,
      verifyIntervalSeconds: 120,
      verifyConcurrency: 8,
      verifyTimeoutSeconds: 3,
    });
    expect(parseOperatorFlags(['--verify-servers=false'], {})).toMatchObject({
      flags: { verifyServers: false },
    });
    expect(parseOperatorFlags(['--verify-interval-seconds=1'], {})).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('--verify-interval-seconds')],
    });
  });

  it('reads the chart’s flags and environment', () => {
    const result = parseOperatorFlags(
      ['--leader-elect', '--namespaces=media, apps', '--metrics-port=9090', '--health-port', '9091'],
      {
        PLEX_MCP_SERVER_IMAGE: 'ghcr.io/x/plex-mcp:1.2.3',
        LOG_LEVEL: 'debug',
        POD_NAMESPACE: 'plex-mcp-system',
      },
    );
    expect(result.ok && result.flags).toMatchObject({
      leaderElect: true,
      namespaces: ['media', 'apps'],
      metricsPort: 9090,
      healthPort: 9091,
      serverImage: 'ghcr.io/x/plex-mcp:1.2.3',
      logLevel: 'debug',
      leaderElectionNamespace: 'plex-mcp-system',
    });
  });

  it('lets flags win over the environment and accepts --leader-elect=false', () => {
    const result = parseOperatorFlags(['--leader-elect=false', '--log-level=warn', '--server-image=img:2'], {
      LOG_LEVEL: 'debug',
      PLEX_MCP_SERVER_IMAGE: 'img:1',
    });
    expect(result.ok && result.flags).toMatchObject({
      leaderElect: false,
      logLevel: 'warn',
      serverImage: 'img:2',
    });
  });

  it('names each bad flag', () => {
    const result = parseOperatorFlags(['--metrics-port=http', '--log-level=loud', '--namespaces=Bad_NS'], {});
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.some((e) => e.startsWith('--metrics-port:'))).toBe(true);
    expect(errors.some((e) => e.startsWith('--log-level:'))).toBe(true);
    expect(errors.some((e) => e.startsWith('--namespaces:'))).toBe(true);
  });

  it('refuses unknown flags', () => {
    const result = parseOperatorFlags(['--bogus'], {});
    expect(result.ok).toBe(false);
  });
});

describe('plex-mcp-operator --help', () => {
  it('prints every flag the parser accepts and exits 0 without touching a cluster', () => {
    const main = path.join(import.meta.dirname, '../../../../operator/main.ts');
    const run = spawnSync(process.execPath, [main, '--help'], {
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: '/nonexistent' },
    });
    expect(run.status, run.stderr).toBe(0);
    for (const flag of [
      '--namespaces',
      '--leader-elect',
      '--metrics-port',
      '--health-port',
      '--server-image',
      '--workers',
      '--verify-servers',
      '--verify-interval-seconds',
      '--verify-concurrency',
      '--verify-timeout-seconds',
    ])
      expect(run.stdout).toContain(flag);
  });
});
