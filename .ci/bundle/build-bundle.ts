// `npm run bundle`: the Claude Desktop bundle (MCP Bundle, .mcpb) built with the official @anthropic-ai/mcpb tooling.
// - server/: the compiled server (dist/server) with the production dependencies its own imports name, no more (the
//   operator's Kubernetes libraries stay out);
// - manifest.json: user_config for the Plex URL, the Plex token (sensitive) and the write policy; the tool list taken
//   from the server's registry (server/tools/registry.ts), never written by hand; icon; compatibility;
// - `mcpb validate`, then `mcpb pack`.
//   npm run bundle [-- --out dist/plex-mcp.mcpb]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TOOLS } from '../../server/tools/registry.ts';
import { renderIconPng } from './icon.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  description: string;
  license: string;
  engines: { node: string };
  dependencies: Record<string, string>;
};

/**
 * The write policy the server reads (WRITE_ACCESS, issue #15): `none` lists no write tool, `playback` allows
 * playback control only, `library` also watch state and playlists.
 */
const WRITE_ACCESS_DEFAULT = 'playback';

/** mcpb's placeholder syntax, `${name}`, filled in by Claude Desktop when it starts the server. */
export const placeholder = (name: string) => `\${${name}}`;

export function bundleManifest(): Record<string, unknown> {
  const entry = 'server/dist/server/main.js';
  return {
    manifest_version: '0.3',
    name: pkg.name,
    display_name: 'Plex',
    version: pkg.version,
    description: 'Search, browse and control your Plex Media Server from Claude.',
    long_description:
      'plex-mcp gives Claude tools over your Plex Media Server: search the libraries, see what is on deck and ' +
      'recently added, what is playing where, and pause, resume or skip on a player. It talks to Plex directly ' +
      'with your Plex token; nothing leaves your network but what you ask Claude.',
    author: { name: 'plex-mcp contributors', url: 'https://github.com/plex-mcp/plex-mcp' },
    repository: { type: 'git', url: 'https://github.com/plex-mcp/plex-mcp' },
    homepage: 'https://github.com/plex-mcp/plex-mcp',
    license: pkg.license,
    keywords: ['plex', 'media', 'movies', 'tv', 'music'],
    icon: 'icon.png',
    server: {
      type: 'node',
      entry_point: entry,
      mcp_config: {
        command: 'node',
        args: [`${placeholder('__dirname')}/${entry}`, '--stdio'],
        env: {
          PLEX_SERVER_URL: placeholder('user_config.plex_url'),
          PLEX_TOKEN: placeholder('user_config.plex_token'),
          WRITE_ACCESS: placeholder('user_config.write_access'),
          NODE_ENV: 'production',
        },
      },
    },
    tools: TOOLS.map((tool) => ({ name: tool.name, description: tool.description })),
    tools_generated: false,
    compatibility: {
      claude_desktop: '>=0.10.0',
      platforms: ['darwin', 'win32', 'linux'],
      runtimes: { node: pkg.engines.node },
    },
    user_config: {
      plex_url: {
        type: 'string',
        title: 'Plex server URL',
        description: 'Where Claude reaches your Plex Media Server, e.g. http://192.168.1.10:32400',
        required: true,
      },
      plex_token: {
        type: 'string',
        title: 'Plex token',
        description:
          'Your X-Plex-Token (Plex support: "Finding an authentication token"). Stored in the OS keychain.',
        required: true,
        sensitive: true,
      },
      write_access: {
        type: 'string',
        title: 'Write policy',
        description:
          'none (read only), playback (may pause, resume and seek), or library (also watch state and playlists)',
        required: false,
        default: WRITE_ACCESS_DEFAULT,
      },
    },
  };
}

/** Bare package names the compiled server imports (static and dynamic), i.e. the dependencies it needs at run time. */
export function importedPackages(dir: string): string[] {
  const names = new Set<string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const file = path.join(d, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.js')) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"./][^'"]*)['"]/g)) {
          const spec = m[1] as string;
          // Only what reads like a package name (string literals that merely look like imports are skipped).
          if (spec.startsWith('node:') || !/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w./-]*)?$/i.test(spec))
            continue;
          names.add(
            spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string),
          );
        }
      }
    }
  };
  walk(dir);
  return [...names].sort();
}

function log(line: string): void {
  process.stderr.write(`bundle: ${line}\n`);
}

function mcpb(args: string[]): void {
  execFileSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules/@anthropic-ai/mcpb/dist/cli/cli.js'), ...args],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
}

export function buildBundle(out: string): { file: string; bytes: number } {
  const staging = path.join(repoRoot, 'dist/bundle/plex-mcp');
  rmSync(staging, { recursive: true, force: true });
  const buildDir = path.join(staging, 'server/dist');
  // The project's own build (tsc plus the assets it copies, e.g. the MCP Apps views), then only the server goes in:
  // the build also emits the operator and cdk8s, which the bundle never runs.
  log('building (npm run build)');
  execFileSync('npm', ['run', '--silent', 'build'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  cpSync(path.join(repoRoot, 'dist/server'), path.join(buildDir, 'server'), { recursive: true });

  const needed = importedPackages(path.join(buildDir, 'server'));
  const missing = needed.filter((name) => !pkg.dependencies[name]);
  if (missing.length > 0)
    throw new Error(`the server imports ${missing.join(', ')}, which package.json does not depend on`);
  const dependencies = Object.fromEntries(needed.map((name) => [name, pkg.dependencies[name] as string]));
  writeFileSync(
    path.join(staging, 'server/package.json'),
    `${JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module', private: true, dependencies }, null, 2)}\n`,
  );
  // The lock file keeps the versions the tests ran with; npm drops the entries the smaller package.json no longer needs.
  cpSync(path.join(repoRoot, 'package-lock.json'), path.join(staging, 'server/package-lock.json'));
  log(`installing the server's production dependencies: ${needed.join(', ')}`);
  execFileSync(
    'npm',
    ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
    {
      cwd: path.join(staging, 'server'),
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  rmSync(path.join(staging, 'server/package-lock.json'));

  writeFileSync(path.join(staging, 'icon.png'), renderIconPng());
  writeFileSync(path.join(staging, 'manifest.json'), `${JSON.stringify(bundleManifest(), null, 2)}\n`);
  cpSync(path.join(repoRoot, 'README.md'), path.join(staging, 'README.md'));
  mcpb(['validate', path.join(staging, 'manifest.json')]);
  mkdirSync(path.dirname(out), { recursive: true });
  rmSync(out, { force: true });
  mcpb(['pack', staging, out]);
  const bytes = statSync(out).size;
  log(`${out}: ${(bytes / 2 ** 20).toFixed(1)} MiB`);
  return { file: out, bytes };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { out: { type: 'string', default: path.join(repoRoot, `dist/plex-mcp-${pkg.version}.mcpb`) } },
  });
  buildBundle(path.resolve(values.out as string));
}
