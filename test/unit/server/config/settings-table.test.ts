/**
 * The settings table (server/config/settings.ts) is the one place a server setting is written: the server's loader
 * reads every row, every spec field that sets a setting is a row's (with the row's bounds and default), and no env
 * name is spelled anywhere else in server/, cdk8s/ or operator/ code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderPlexMcpServer } from '../../../../cdk8s/plex-mcp-server/index.ts';
import { parsePlexMcpServer } from '../../../../operator/api/v1alpha1/index.ts';
import { loadConfig } from '../../../../server/config/config.ts';
import { SETTING_ROWS, type Setting } from '../../../../server/config/settings.ts';
import { makeInputs } from '../../cdk8s/fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

/** Valid values for a row, different from its default and the bases' (so the loaded config changes when it is read). */
function samples(setting: Setting): string[] {
  if (setting.kind === 'integer' || setting.kind === 'seconds')
    return [setting.max, setting.min].filter((v) => v !== setting.default).map(String);
  if (setting.kind === 'enum') return setting.values.filter((v) => v !== setting.default);
  return [sample(setting)];
}

/** A default as the environment would spell it (lists and scope maps comma-joined). */
function asWritten(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object' && value !== null)
    return Object.entries(value)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  return String(value);
}

function sample(setting: Setting): string {
  switch (setting.kind) {
    case 'integer':
    case 'seconds':
      return String(setting.max);
    case 'boolean':
      return String(!(setting.default ?? false));
    case 'enum':
      return setting.values.find((v) => v !== setting.default && v !== 'plex' && v !== 'oauth') as string;
    case 'text':
      return 'sample-value.2';
    case 'secret':
      return 's'.repeat(Math.max(setting.minLength, 40));
    case 'url':
      return {
        web: 'https://sample.example.org/x',
        https: 'https://sample.example.org',
        redis: 'redis://127.0.0.1:6390',
        plex: 'http://10.0.0.9:32400',
      }[setting.scheme];
    case 'list':
      return 'alpha,beta';
    case 'origins':
      return 'https://app.example.com';
    case 'scopes':
      return 'read=sample:read';
  }
}

const PLEX = { PLEX_SERVER_URL: 'http://127.0.0.1:32400', PLEX_TOKEN: 'plex-token' };
/** Two bases between them switch every part of the config on (OAuth and Plex sign-in exclude each other). */
const BASES: Array<Record<string, string>> = [
  {
    ...PLEX,
    AUTH_MODE: 'bearer+oauth',
    AUTH_TOKEN: 'a'.repeat(40),
    MCP_PUBLIC_URL: 'https://mcp.example.com/mcp',
    OAUTH_ISSUER: 'https://auth.example.com',
    OAUTH_INTROSPECTION_URL: 'https://auth.example.com/introspect',
    OAUTH_INTROSPECTION_CLIENT_ID: 'mcp',
    OAUTH_INTROSPECTION_CLIENT_SECRET: 'secret',
  },
  {
    ...PLEX,
    AUTH_MODE: 'plex',
    MCP_PUBLIC_URL: 'https://mcp.example.com/mcp',
    PLEX_SIGN_IN_KEY: 'k'.repeat(40),
  },
];

function configJson(env: Record<string, string>): string | undefined {
  const result = loadConfig(env, 'http');
  return result.ok ? JSON.stringify(result.config) : undefined;
}

describe('the settings table', () => {
  it('has unique env names, and defaults within their bounds', () => {
    const names = SETTING_ROWS.map(([, s]) => s.env);
    expect(new Set(names).size).toBe(names.length);
    for (const [id, s] of SETTING_ROWS) {
      if ((s.kind === 'integer' || s.kind === 'seconds') && s.default !== undefined) {
        expect(s.default, id).toBeGreaterThanOrEqual(s.min);
        expect(s.default, id).toBeLessThanOrEqual(s.max);
      }
      if (s.kind === 'enum' && s.default !== undefined) expect(s.values, id).toContain(s.default);
    }
  });

  it('is documented: the README names every variable (its configuration and cache sections)', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const undocumented = SETTING_ROWS.map(([, s]) => s.env).filter(
      (env) => !new RegExp(`\`${env}[\`=]`).test(readme),
    );
    expect(undocumented).toEqual([]);
  });

  it("is documented truthfully: a README row's backticked defaults are the table's", () => {
    // Rows read like `| \`A\` / \`B\` | \`1\` / \`2\` | meaning |`: the n-th variable's default is the n-th value.
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const byEnv = new Map(SETTING_ROWS.map(([, s]) => [s.env, s]));
    const wrong: string[] = [];
    let compared = 0;
    for (const line of readme.split('\n')) {
      const cells = line.split(' | ');
      if (cells.length < 3 || !line.startsWith('| `')) continue;
      const names = [...(cells[0] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1] as string);
      const values = (cells[1] ?? '').split(' / ').map((v) => /^`([^`]*)`$/.exec(v.trim())?.[1]);
      if (names.length === 0 || names.length !== values.length) continue;
      names.forEach((env, i) => {
        const setting = byEnv.get(env);
        const value = values[i];
        if (!setting || value === undefined || !('default' in setting) || setting.default === undefined)
          return;
        compared++;
        const table = asWritten(setting.default);
        if (value !== table) wrong.push(`${env}: README says ${value}, the table ${table}`);
      });
    }
    expect(wrong).toEqual([]);
    expect(compared, 'the README table was found and compared').toBeGreaterThan(15);
  });

  it.each(SETTING_ROWS.map(([id, s]) => [s.env, id, s] as const))(
    '%s is read by the server loader',
    (env, _id, setting) => {
      for (const base of BASES) expect(configJson(base), 'the base loads').toBeDefined();
      const changed = BASES.some((base) =>
        samples(setting).some((value) => {
          const after = configJson({ ...base, [env]: value });
          return after !== undefined && after !== configJson(base);
        }),
      );
      expect(changed, `${env}=${samples(setting).join(' or ')} changes nothing the server loads`).toBe(true);
    },
  );

  it.each(SETTING_ROWS.map(([, s]) => [s.env, s] as const))('%s rejects a wrong value by name', (env, s) => {
    const wrong = {
      integer: 'many',
      seconds: '-1',
      boolean: 'maybe',
      enum: 'nonsense',
      url: 'not a url',
    } as Record<string, string>;
    const value = wrong[s.kind];
    if (value === undefined) return; // text, lists, secrets: any non-empty string is one
    const result = loadConfig({ ...BASES[0], [env]: value }, 'http');
    expect(result.ok ? [] : result.problems.filter((p) => p.startsWith(`${env}:`))).toHaveLength(1);
  });
});

interface CrdNode {
  type?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  enum?: string[];
  properties?: Record<string, CrdNode>;
  items?: CrdNode;
}

const crdSpec = (): CrdNode =>
  parseAllDocuments(readFileSync(path.join(ROOT, 'crds/plexmcp.dev_plexmcpservers.yaml'), 'utf8'))[0]?.toJS()
    .spec.versions[0].schema.openAPIV3Schema.properties.spec;

function crdFields(node: CrdNode, at: string[] = [], out = new Map<string, CrdNode>()): Map<string, CrdNode> {
  if (at.length > 0) out.set(at.join('.'), node);
  for (const [name, child] of Object.entries(node.properties ?? {})) crdFields(child, [...at, name], out);
  return out;
}

describe('the spec fields that set a setting', () => {
  const fields = crdFields(crdSpec());
  const bound = SETTING_ROWS.filter(([, s]) => s.spec !== undefined);

  it('are named by the table exactly where the CRD says "the server default"', () => {
    const sayDefault = [...fields]
      .filter(([, n]) => n.description?.includes('the server default'))
      .map(([p]) => p);
    expect(sayDefault.length).toBeGreaterThan(5);
    const named = new Set(bound.map(([, s]) => s.spec?.field));
    for (const field of sayDefault) expect(named, `spec.${field} has no settings row`).toContain(field);
  });

  it.each(bound.map(([, s]) => [s.spec?.field as string, s] as const))(
    'spec.%s exists, with the setting’s bounds, values and default',
    (field, s) => {
      const node = fields.get(field);
      expect(node, `spec.${field} is not in the CRD`).toBeDefined();
      if ((s.kind === 'integer' || s.kind === 'seconds') && (s.spec?.render ?? 'value') === 'value') {
        expect([node?.type, node?.minimum, node?.maximum]).toEqual([
          s.kind === 'integer' ? 'integer' : 'number',
          s.min,
          s.max,
        ]);
        expect(node?.description).toContain(
          `${s.meaning} (${s.min}-${s.max}). Unset: the server default, ${s.default}.`,
        );
      }
      if (s.kind === 'enum' && s.spec?.values) {
        expect(node?.enum).toEqual(Object.keys(s.spec.values));
        for (const value of Object.values(s.spec.values)) expect(s.values).toContain(value);
      }
    },
  );

  /** A valid spec value for a field rendered as it is, and the env value it must become. */
  function specSample(s: Setting, node: CrdNode | undefined): [unknown, string] {
    if (s.kind === 'integer' || s.kind === 'seconds') return [s.max, String(s.max)];
    if (s.kind === 'boolean') return [false, 'false'];
    if (node?.type === 'array') return [['Movies', 'TV Shows'], 'Movies,TV Shows'];
    if (s.kind === 'enum' && s.spec?.values) {
      const [key, env] = Object.entries(s.spec.values).find(([, v]) => v !== s.default) as [string, string];
      return [key, env];
    }
    if (s.kind === 'url') return ['https://sample.example.org', 'https://sample.example.org'];
    return ['sample', 'sample'];
  }

  const rendered = bound.filter(([, s]) => (s.spec?.render ?? 'value') === 'value');
  it.each(rendered.map(([, s]) => [s.spec?.field as string, s.env, s] as const))(
    'spec.%s becomes %s in the ConfigMap, and the server loads it',
    (field, env, s) => {
      // auth.allowedUsers belongs to sign-in with Plex; every other field is set beside OAuth (all its fields allowed).
      const auth = field.startsWith('auth.allowedUsers')
        ? { mode: 'SignInWithPlex', publicURL: 'https://m.example.com/mcp' }
        : {
            mode: 'OAuth',
            oauth: { issuer: 'https://auth.example.com' },
            publicURL: 'https://m.example.com/mcp',
          };
      const spec: Record<string, unknown> = {
        plex: { url: 'http://plex.media.svc:32400', tokenSecretRef: { name: 'plex-token' } },
        auth,
      };
      const [value, expected] = specSample(s, fields.get(field));
      const keys = field.split('.');
      let node = spec;
      for (const key of keys.slice(0, -1)) {
        node[key] = node[key] ?? {};
        node = node[key] as Record<string, unknown>;
      }
      node[keys[keys.length - 1] as string] = value;
      const parsed = parsePlexMcpServer({
        apiVersion: 'plexmcp.dev/v1alpha1',
        kind: 'PlexMcpServer',
        metadata: { name: 'sample', namespace: 'media', uid: 'u', generation: 1 },
        spec,
      });
      if (!parsed.ok) throw new Error(parsed.errors.join('; '));
      const configMap = renderPlexMcpServer(parsed.value, makeInputs()).find(
        (o) => o.kind === 'ConfigMap',
      ) as {
        data: Record<string, string>;
      };
      expect(configMap.data[env]).toBe(expected);
      // The Secret-held values the pod gets beside the ConfigMap.
      const secrets = { PLEX_TOKEN: 'token', PLEX_SIGN_IN_KEY: 'k'.repeat(40) };
      const result = loadConfig({ ...configMap.data, ...secrets }, 'stdio');
      expect(result.ok ? [] : result.problems).toEqual([]);
    },
  );
});

/** Code without its comments: a comment may name a variable for the reader; code must take names from the table. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function codeFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) codeFiles(file, out);
    else if (/\.(ts|mts|js|mjs)$/.test(entry)) out.push(file);
  }
  return out;
}

/** Env names the table does not own but that look like one of its rows. */
const NOT_THE_SERVERS: Record<string, string> = {
  // The operator's own log level (operator/config/operator-flags.ts), set on the operator's Deployment.
  'cdk8s/install/operator-deployment.ts': 'LOG_LEVEL',
  'operator/config/operator-flags.ts': 'LOG_LEVEL',
  // The managed Redis container's own variable (its args read $(REDIS_PASSWORD)), not the server's.
  'cdk8s/plex-mcp-server/managed-redis.ts': 'REDIS_PASSWORD',
};

describe('env names', () => {
  const names = SETTING_ROWS.map(([, s]) => s.env);
  const files = ['server', 'cdk8s', 'operator']
    .flatMap((dir) => codeFiles(path.join(ROOT, dir)))
    .map((f) => path.relative(ROOT, f))
    .filter((f) => f !== 'server/config/settings.ts');

  it('reads the code it checks', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('cdk8s/plex-mcp-server/server-config.ts');
  });

  it('are spelled in the settings table only (server/, cdk8s/ and operator/ code)', () => {
    const spelled: string[] = [];
    for (const file of files) {
      const code = withoutComments(readFileSync(path.join(ROOT, file), 'utf8'));
      for (const name of names) {
        if (NOT_THE_SERVERS[file] === name) continue;
        if (new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`).test(code))
          spelled.push(`${file}: ${name}`);
      }
    }
    expect(spelled).toEqual([]);
  });

  it('the check finds a spelled name (it is not vacuous)', () => {
    const code = withoutComments("const url = 'http://x'; // PLEX_TOKEN here is a comment\nenv.PLEX_TOKEN;");
    expect(/(?<![A-Za-z0-9_])PLEX_TOKEN(?![A-Za-z0-9_])/.test(code)).toBe(true);
    expect(withoutComments('/** CACHE_TTL_SEARCH */ x')).not.toContain('CACHE_TTL_SEARCH');
  });
});
