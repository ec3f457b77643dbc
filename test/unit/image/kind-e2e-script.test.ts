// test/e2e/kind-e2e.sh cannot run here (no Docker engine), so this checks the parts that can be checked:
// it is shellcheck-clean, and without Docker or kind it stops at once, with a clear message and exit code 2,
// before creating anything. Stand-in programs record every call so "created nothing" is observable.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../../..');
const script = join(repoRoot, 'test/e2e/kind-e2e.sh');
const bash = '/bin/bash';
const dir = mkdtempSync(join(tmpdir(), 'kind-e2e-'));
const callLog = join(dir, 'calls.log');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A folder of stand-in programs for PATH: each appends its name and arguments to calls.log. */
function fakeBin(name: string, programs: Record<string, number>): string {
  const bin = join(dir, name);
  spawnSync('mkdir', ['-p', bin]);
  for (const [program, exitCode] of Object.entries(programs)) {
    writeFileSync(join(bin, program), `#!${bash}\necho "${program} $*" >> '${callLog}'\nexit ${exitCode}\n`, {
      mode: 0o755,
    });
  }
  return bin;
}

function runScript(path: string) {
  rmSync(callLog, { force: true });
  const started = performance.now();
  const result = spawnSync(bash, [script], {
    env: { PATH: path, HOME: dir },
    encoding: 'utf8',
    timeout: 20_000,
  });
  const calls = existsSync(callLog) ? readFileSync(callLog, 'utf8').trim().split('\n') : [];
  return { ...result, calls, seconds: (performance.now() - started) / 1000 };
}

describe('kind-e2e.sh', () => {
  const shellcheck = spawnSync('shellcheck', ['--version']);
  const haveShellcheck = shellcheck.status === 0;
  if (!haveShellcheck && process.env.SKIP_SHELLCHECK === '1') {
    console.warn('SKIP_SHELLCHECK=1: shellcheck is not installed; the shellcheck test is SKIPPED');
  }
  it.skipIf(!haveShellcheck && process.env.SKIP_SHELLCHECK === '1')(
    'is shellcheck-clean (with charts/build-helm.sh)',
    () => {
      expect(
        haveShellcheck,
        'shellcheck is installed (apt-get install shellcheck, or set SKIP_SHELLCHECK=1)',
      ).toBe(true);
      const result = spawnSync(
        'shellcheck',
        ['--severity=style', script, join(repoRoot, 'charts/build-helm.sh')],
        {
          encoding: 'utf8',
        },
      );
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    },
  );

  it('stops at once with exit 2 and names both engines when neither docker nor podman is on PATH', () => {
    const bin = fakeBin('no-docker', { kind: 0, kubectl: 0, node: 0 });
    const result = runScript(bin);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/cannot run: docker is not installed, nor podman/);
    expect(result.stderr).toMatch(/e2e-local/); // it points at the test that runs without Docker
    expect(result.calls).toEqual([]); // nothing was run, so nothing was created
    expect(result.seconds).toBeLessThan(5);
  });

  it('names kind when kind is missing', () => {
    const bin = fakeBin('no-kind', { docker: 0, kubectl: 0, node: 0 });
    const result = runScript(bin);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/cannot run: kind is not installed/);
    expect(result.calls).toEqual([]);
  });

  it("uses podman through kind's podman provider when docker is absent, and checks that podman works", () => {
    const bin = fakeBin('podman-only', { podman: 1, kind: 0, kubectl: 0, node: 0 });
    const result = runScript(bin);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/podman is not usable \('podman info' failed\)/);
    expect(result.calls).toEqual(['podman info']);
  });

  it('refuses an unknown KIND_PROVIDER before running anything', () => {
    const bin = fakeBin('provider', { docker: 0, podman: 0, kind: 0, kubectl: 0, node: 0 });
    rmSync(callLog, { force: true });
    const result = spawnSync(bash, [script], {
      env: { PATH: bin, HOME: dir, KIND_PROVIDER: 'lxc' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/KIND_PROVIDER must be docker or podman/);
    expect(existsSync(callLog)).toBe(false);
  });

  it('checks that the Docker engine answers, not just that the docker client exists', () => {
    // The docker client installed without an engine (as on our machines): `docker info` fails.
    const bin = fakeBin('no-engine', { docker: 1, kind: 0, kubectl: 0, node: 0 });
    const result = runScript(bin);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/the Docker engine is not reachable/);
    expect(result.calls).toEqual(['docker info']);
  });
});
