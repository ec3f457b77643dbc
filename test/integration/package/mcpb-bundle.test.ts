// The Claude Desktop bundle as Claude Desktop uses it: `npm run bundle`'s builder makes the .mcpb, `mcpb validate`
// accepts its manifest, and the unpacked bundle's entry point, started the way the manifest's mcp_config says with
// ${__dirname} and ${user_config.*} filled in as Claude Desktop fills them, answers an MCP client over stdio.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle, placeholder } from '../../../.ci/bundle/build-bundle.ts';
import { TOOLS, toolsAllowedBy } from '../../../server/tools/registry.ts';
import { type PlexSimulator, startPlexSimulator } from '../../plex-sim/simulator.ts';
import { randomToken } from '../server/support/mcp-harness.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const mcpbCli = path.join(repoRoot, 'node_modules/@anthropic-ai/mcpb/dist/cli/cli.js');
const work = mkdtempSync(path.join(tmpdir(), 'plex-mcp-mcpb-'));
const unpacked = path.join(work, 'unpacked');
let sim: PlexSimulator;

interface Manifest {
  server: { mcp_config: { command: string; args: string[]; env: Record<string, string> } };
  tools: { name: string; description: string }[];
  user_config: Record<string, { type: string; sensitive?: boolean; required?: boolean; default?: string }>;
  icon: string;
  compatibility: { platforms: string[]; runtimes: { node: string } };
}
let manifest: Manifest;

/** Claude Desktop's substitution: ${__dirname} is the unpacked bundle, ${user_config.x} the user's value or default. */
function substitute(text: string, values: Record<string, string>): string {
  return text
    .replaceAll(placeholder('__dirname'), unpacked)
    .replace(
      /\$\{user_config\.([a-z_]+)\}/g,
      (_, key: string) => values[key] ?? manifest.user_config[key]?.default ?? '',
    );
}

describe('the Claude Desktop bundle (.mcpb)', () => {
  beforeAll(async () => {
    sim = await startPlexSimulator({ port: 0, token: randomToken() });
    const { file } = buildBundle(path.join(work, 'plex-mcp.mcpb'));
    execFileSync(process.execPath, [mcpbCli, 'unpack', file, unpacked], { stdio: 'ignore' });
    manifest = JSON.parse(readFileSync(path.join(unpacked, 'manifest.json'), 'utf8')) as Manifest;
  }, 600_000);
  afterAll(async () => {
    await sim?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('passes mcpb validate', () => {
    const result = execFileSync(
      process.execPath,
      [mcpbCli, 'validate', path.join(unpacked, 'manifest.json')],
      {
        encoding: 'utf8',
      },
    );
    expect(result).toMatch(/validation passes/i);
  });

  it('carries every file of the built server (code and assets such as the MCP Apps views)', () => {
    const list = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        // mcpb pack leaves source maps out by default; everything the server loads must be there.
        .filter((e) => e.isFile() && !e.name.endsWith('.map'))
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
        .sort();
    expect(list(path.join(unpacked, 'server/dist/server'))).toEqual(list(path.join(repoRoot, 'dist/server')));
  });

  it("lists the server registry's tools, asks for the token as a secret, and has an icon", () => {
    expect(manifest.tools.map((t) => t.name)).toEqual(TOOLS.map((t) => t.name));
    expect(manifest.user_config.plex_url?.required).toBe(true);
    expect(manifest.user_config.plex_token).toMatchObject({ sensitive: true, required: true });
    expect(manifest.user_config.write_access?.default).toBeTruthy();
    const icon = readFileSync(path.join(unpacked, manifest.icon));
    expect(icon.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(manifest.compatibility.runtimes.node).toBe(
      (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } })
        .engines.node,
    );
  });

  it('runs its entry point over stdio with the user configuration filled in', async () => {
    const config = manifest.server.mcp_config;
    const values = { plex_url: sim.url, plex_token: sim.token };
    const env = Object.fromEntries(Object.entries(config.env).map(([k, v]) => [k, substitute(v, values)]));
    const transport = new StdioClientTransport({
      // Claude Desktop runs `node` bundles with its own Node; ours stands in for it.
      command: config.command === 'node' ? process.execPath : config.command,
      args: config.args.map((a) => substitute(a, values)),
      cwd: work,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, ...env },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'claude-desktop-stand-in', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      // Claude Desktop fills an unset option with its default: the default write policy decides which tools are listed.
      const writeAccess = manifest.user_config.write_access?.default as Parameters<typeof toolsAllowedBy>[0];
      expect(tools.map((t) => t.name).sort()).toEqual(
        toolsAllowedBy(writeAccess)
          .map((t) => t.name)
          .sort(),
      );
      const libraries = await client.callTool({ name: 'list_libraries', arguments: {} });
      expect(libraries.isError).toBeFalsy();
      expect((libraries.structuredContent as { count: number }).count).toBe(sim.catalog.sections.length);
    } finally {
      await client.close();
    }
  });
});
