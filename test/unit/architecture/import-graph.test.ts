// The file-level import graph of the product: every arrow points one way. No file reaches itself through its
// imports; operator/runtime/ is plain Kubernetes plumbing that knows nothing of PlexMcpServers; the API package is the
// leaf; the reconciler learns what a resource becomes from cdk8s/plex-mcp-server/ through one call.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../../..');
/** The server's settings table: imported by the server, the API package and the renderer, so it must import nothing. */
const SETTINGS_TABLE = 'server/config/settings.ts';
const SOURCE_DIRS = ['operator', 'cdk8s', 'server', 'charts', '.ci', 'test'];

interface ImportEdge {
  specifier: string;
  /** Repository-relative target of a relative import; undefined for packages and node: modules. */
  target?: string;
  typeOnly: boolean;
  names: string[];
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== 'node_modules') sourceFiles(path, out);
    } else if (/\.(ts|mts|mjs)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

// Static imports and re-exports (the clause before `from` may span lines) and dynamic import() of literals.
const STATIC = /(?:^|\n)[ \t]*(import|export)(\s+type)?\s+([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(file, 'utf8');
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean, clause: string) => {
    const names = [
      ...clause.matchAll(/(?:^|[{,\s])(type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+[\w$]+)?\s*(?=[,}]|$)/g),
    ]
      .filter((m) => !typeOnly && !m[1])
      .map((m) => m[2] as string)
      .filter((name) => name !== 'type');
    const target = specifier.startsWith('.')
      ? relative(repoRoot, resolve(dirname(file), specifier))
      : undefined;
    edges.push({ specifier, target, typeOnly: typeOnly || names.length === 0, names });
  };
  for (const m of text.matchAll(STATIC)) add(m[4] as string, Boolean(m[2]), m[3] ?? '');
  for (const m of text.matchAll(DYNAMIC)) add(m[1] as string, false, '');
  return edges;
}

const graph = new Map<string, ImportEdge[]>();
for (const dir of SOURCE_DIRS) {
  if (!existsSync(join(repoRoot, dir))) continue;
  for (const file of sourceFiles(join(repoRoot, dir))) graph.set(relative(repoRoot, file), importsOf(file));
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const edge of graph.get(file) ?? []) {
      const next = edge.target;
      if (!next || !graph.has(next)) continue;
      if (next === file) found.push([file]);
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe('import graph', () => {
  it('reads the tree (the rules below are not checked against nothing)', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('operator/controller/plexmcpserver-reconciler.ts')?.length).toBeGreaterThan(5);
  });

  it('has no cycle between files', () => {
    expect(cycles()).toEqual([]);
  });

  it('finds a cycle when there is one (the detector itself works)', () => {
    const a = 'test/unit/architecture/__a.ts';
    const b = 'test/unit/architecture/__b.ts';
    graph.set(a, [{ specifier: './__b.ts', target: b, typeOnly: false, names: [] }]);
    graph.set(b, [{ specifier: './__a.ts', target: a, typeOnly: false, names: [] }]);
    try {
      expect(cycles()).toEqual([[a, b]]);
    } finally {
      graph.delete(a);
      graph.delete(b);
    }
  });

  it('keeps operator/runtime/ free of the domain: it imports only itself and packages', () => {
    const leaks = [...graph.entries()]
      .filter(([file]) => file.startsWith('operator/runtime/'))
      .flatMap(([file, edges]) =>
        edges
          .filter((edge) => edge.target !== undefined && !edge.target.startsWith('operator/runtime/'))
          .map((edge) => `${file} -> ${edge.target}`),
      );
    expect(leaks).toEqual([]);
    // Nor does it spell the children's kinds or their label itself.
    for (const [file] of [...graph.entries()].filter(([f]) => f.startsWith('operator/runtime/'))) {
      const text = readFileSync(join(repoRoot, file), 'utf8');
      expect(text, file).not.toMatch(/ChildKind|app\.kubernetes\.io\/managed-by/);
    }
  });

  it("takes client-node's values in product code only through operator/runtime/client-node.ts (its lean modules)", () => {
    // The package's index evaluates all of it; operator/runtime/client-node-lean/register.ts saves memory only if
    // nothing the operator runs imports the index for a value (types are erased).
    const CLIENT_NODE = /^@kubernetes\/client-node(\/|$)/;
    const valueImports = [...graph.entries()]
      .filter(([file]) => /^(operator|cdk8s|server)\//.test(file))
      .filter(([file]) => !file.startsWith('operator/runtime/client-node'))
      .flatMap(([file, edges]) =>
        edges
          .filter((edge) => CLIENT_NODE.test(edge.specifier) && !edge.typeOnly)
          .map((edge) => `${file} -> ${edge.specifier}`),
      );
    expect(valueImports).toEqual([]);
  });

  it('keeps server/startup/ (what main.ts runs before the server loads) free of the server and of packages but zod', () => {
    // main.ts sets these up before anything else is resolved: they must not pull the server in early themselves.
    const edges = [...graph.entries()]
      .filter(([file]) => file.startsWith('server/startup/'))
      .flatMap(([file, list]) =>
        list
          .filter((edge) =>
            edge.target !== undefined
              ? !edge.target.startsWith('server/startup/')
              : !/^(node:|zod\/v4\/locales\/en\.js$)/.test(edge.specifier),
          )
          .map((edge) => `${file} -> ${edge.target ?? edge.specifier}`),
      );
    expect(graph.has('server/startup/zod-english-only.ts')).toBe(true);
    expect(edges).toEqual([]);
  });

  it('keeps the settings table a leaf: server/config/settings.ts imports nothing at all', () => {
    expect(graph.get(SETTINGS_TABLE)).toEqual([]);
  });

  it('keeps operator/api/v1alpha1/ a leaf: it imports nothing of the product but the settings table', () => {
    // The one exception: spec fields that set a server setting take its bounds and default from the table (a leaf).
    const edges = [...graph.entries()]
      .filter(([file]) => file.startsWith('operator/api/'))
      .flatMap(([file, list]) =>
        list
          .filter(
            (edge) =>
              edge.target !== undefined &&
              !edge.target.startsWith('operator/api/') &&
              edge.target !== SETTINGS_TABLE,
          )
          .map((edge) => `${file} -> ${edge.target}`),
      );
    expect(edges).toEqual([]);
  });

  it('keeps cdk8s/plex-mcp-server/ on top of the API package (and the settings table) only', () => {
    // The settings table: the ConfigMap and the container env are written in the server's env names.
    const edges = [...graph.entries()]
      .filter(([file]) => file.startsWith('cdk8s/plex-mcp-server/'))
      .flatMap(([file, list]) =>
        list
          .filter(
            (edge) =>
              edge.target !== undefined &&
              !edge.target.startsWith('cdk8s/plex-mcp-server/') &&
              !edge.target.startsWith('operator/api/') &&
              edge.target !== SETTINGS_TABLE,
          )
          .map((edge) => `${file} -> ${edge.target}`),
      );
    expect(edges).toEqual([]);
  });

  it('lets the operator learn what a resource becomes only through cdk8s/plex-mcp-server/index.ts', () => {
    const reaches = [...graph.entries()]
      .filter(([file]) => file.startsWith('operator/'))
      .flatMap(([file, edges]) =>
        edges
          .filter(
            (edge) => edge.target?.startsWith('cdk8s/') && edge.target !== 'cdk8s/plex-mcp-server/index.ts',
          )
          .map((edge) => `${file} -> ${edge.target}`),
      );
    expect(reaches).toEqual([]);
    // The reconciler takes one value from it: the desired-state call (the rest are types).
    const reconciler = graph.get('operator/controller/plexmcpserver-reconciler.ts') ?? [];
    const values = reconciler
      .filter((edge) => edge.target === 'cdk8s/plex-mcp-server/index.ts')
      .flatMap((edge) => edge.names);
    expect(values).toEqual(['desiredState']);
  });
});
