// The image's runtime stage in miniature, without a container engine: a production-only install
// (`npm ci --omit=dev`, as the Dockerfile's deps stage runs it) plus the compiled dist/, in a temp dir
// outside the repo. If an entry point imported a dev dependency (vitest, typescript, the MCP client...)
// or a file that the build does not emit, starting it here fails the same way it would in the image.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../../..');
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
  .version;
const app = mkdtempSync(join(tmpdir(), 'plex-mcp-image-'));

function run(entry: string, args: string[]) {
  // A clean environment: no PLEX_*/AUTH_TOKEN from the developer's shell, no NODE_OPTIONS from vitest.
  return spawnSync(process.execPath, [join(app, entry), ...args], {
    cwd: app,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', HOME: app },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

let npmCiError: string | undefined;

describe('production install (what the runtime image holds)', { timeout: 30_000 }, () => {
  beforeAll(() => {
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(repoRoot, file), join(app, file));
    cpSync(join(repoRoot, 'crds'), join(app, 'crds'), { recursive: true });
    // The Dockerfile's plex-sim target: the simulator's sources on the same production dependencies.
    cpSync(join(repoRoot, 'test/plex-sim'), join(app, 'test/plex-sim'), { recursive: true });
    // Exactly the deps stage's command. When npm ci refuses the lock file we still install (npm install
    // honours the lock) so the entry-point checks below can run, and report the lock separately.
    const npmArgs = ['--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'];
    const ci = spawnSync('npm', ['ci', ...npmArgs], { cwd: app, encoding: 'utf8' });
    if (ci.status !== 0) {
      npmCiError = ci.stderr
        .split('\n')
        .filter((l) => /error/.test(l))
        .slice(0, 8)
        .join('\n');
      execFileSync('npm', ['install', ...npmArgs], { cwd: app, stdio: ['ignore', 'ignore', 'pipe'] });
    }
    // The build stage's `npm run build` (.ci/build/build.ts: tsc, the server's bundle, the MCP Apps views), emitting
    // into the temp dir instead of the repo's dist/.
    execFileSync(process.execPath, [join(repoRoot, '.ci/build/build.ts'), '--out-dir', join(app, 'dist')], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }, 600_000);
  // Removing a node_modules tree takes more than the default 10 s hook timeout on a loaded 2-core machine.
  afterAll(() => rmSync(app, { recursive: true, force: true }), 120_000);

  it('installs with npm ci (package-lock.json in sync with package.json, as docker build needs)', () => {
    expect(npmCiError).toBeUndefined();
  });

  it('holds no dev dependency', () => {
    const devOnly = ['vitest', 'typescript', '@biomejs/biome', '@apidevtools/swagger-parser'];
    // The MCP Apps packages: ext-apps, the browser driver and the bundler.
    devOnly.push('@modelcontextprotocol/ext-apps', 'playwright-core', 'esbuild');
    for (const dev of devOnly) {
      expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    }
    expect(existsSync(join(app, 'node_modules', 'zod'))).toBe(true);
    // The operator verifies each server with the SDK's MCP client (operator/verification/mcp-handshake.ts).
    expect(existsSync(join(app, 'node_modules', '@modelcontextprotocol/client'))).toBe(true);
  });

  it('runs plex-mcp-server --help and --version', () => {
    const help = run('dist/server/main.js', ['--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/--stdio/);
    const printed = run('dist/server/main.js', ['--version']);
    expect(printed.status, printed.stderr).toBe(0);
    expect(printed.stdout).toContain(version);
  });

  it('runs plex-mcp-operator --help', () => {
    const help = run('dist/operator/main.js', ['--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/--leader-elect/);
  });

  it("loads the operator's whole module graph from production dependencies", () => {
    // ESM resolves every import before main() runs: a dev dependency would fail here with ERR_MODULE_NOT_FOUND,
    // while a resolvable graph reaches the operator's own flag validation (exit 2, naming the flag).
    const started = run('dist/operator/main.js', ['--log-level=loud']);
    expect(started.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)/);
    expect(started.status).toBe(2);
    expect(started.stderr).toMatch(/--log-level/);
  });

  it('runs the Plex simulator (the plex-sim target) on production dependencies only', async () => {
    const help = run('test/plex-sim/main.ts', ['--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/--token/);
  });

  it('serves from the plex-sim install what the smoke pod asks: the event stream, sessions, photo transcodes', async () => {
    // --help exits before anything is served; this starts the simulator and requests the paths that load code late
    // (the stream, pngjs/jpeg-js in the transcoder), so a module missing from the image fails here, not only in podman.
    const token = 'production-install-token';
    const sim = spawn(
      process.execPath,
      [join(app, 'test/plex-sim/main.ts'), '--port', '0', '--token', token],
      {
        cwd: app,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: app },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    sim.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    sim.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const exited = once(sim, 'exit');
    try {
      const deadline = Date.now() + 20_000;
      while (!/listening on (\S+)/.test(stdout) && sim.exitCode === null && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const base = /listening on (\S+)/.exec(stdout)?.[1];
      expect(base, `simulator did not start: ${stderr}`).toBeDefined();
      const get = (path: string, accept = 'application/json') =>
        fetch(`${base}${path}`, { headers: { 'X-Plex-Token': token, Accept: accept } });

      const stream = new AbortController();
      const events = await fetch(`${base}/:/eventsource/notifications?filters=playing,activity`, {
        headers: { 'X-Plex-Token': token, Accept: 'text/event-stream' },
        signal: stream.signal,
      });
      expect(events.status).toBe(200);
      expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect((await get('/status/sessions')).status).toBe(200);
      const item = (await (await get('/library/metadata/1001')).json()) as {
        MediaContainer: { Metadata: { thumb: string }[] };
      };
      const thumb = item.MediaContainer.Metadata[0]?.thumb ?? '';
      for (const [format, type] of [
        ['jpg', 'image/jpeg'],
        ['png', 'image/png'],
      ] as const) {
        const photo = await get(
          `/photo/:/transcode?${new URLSearchParams({ url: thumb, width: '64', height: '64', format })}`,
          '*/*',
        );
        expect(photo.status, `${format}: ${stderr}`).toBe(200);
        expect(photo.headers.get('content-type')).toBe(type);
      }
      // A client that goes away mid-stream (as the server does on a recycle) must not take the simulator with it.
      stream.abort();
      await new Promise((r) => setTimeout(r, 300));
      expect(sim.exitCode, stderr).toBeNull();
      expect((await get('/identity')).status).toBe(200);
      expect(stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)|Error/);
    } finally {
      sim.kill('SIGTERM');
      await exited;
    }
  });

  it('stops the server with a clear message, not a crash, when its configuration is missing', () => {
    const started = run('dist/server/main.js', []);
    expect(started.status).not.toBe(0);
    expect(started.stderr).toMatch(/PLEX_SERVER_URL/);
    expect(started.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)/);
  });
});
