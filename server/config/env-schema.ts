import { z } from 'zod';
import { TOOL_CATEGORIES, type ToolCategory } from '../tools/tool-category.ts';
import {
  type EnumSetting,
  type IntegerSetting,
  type ListSetting,
  SETTING_ROWS,
  SETTINGS,
  type SecondsSetting,
  type SecretSetting,
  type Setting,
  type SettingId,
  type TextSetting,
  type UrlSetting,
} from './settings.ts';

/**
 * The server's environment parsing, built from the settings table (./settings.ts): one zod parser per row, from its
 * kind, bounds and default. Every value arrives as a string (or is absent), so each parser starts from a string.
 * Secret variables are validated without ever echoing their value: the issue messages below are fixed sentences.
 */

export type LogLevel = (typeof SETTINGS.logLevel.values)[number];
export type AuthMode = (typeof SETTINGS.authMode.values)[number];
/** WRITE_ACCESS: what the assistant may change. `none` lists no write tool at all. */
export type WriteAccess = (typeof SETTINGS.writeAccess.values)[number];

export const AUTH_MODES: readonly AuthMode[] = SETTINGS.authMode.values;
export const WRITE_ACCESS_LEVELS: readonly WriteAccess[] = SETTINGS.writeAccess.values;
export const DEFAULT_OAUTH_SCOPES: Readonly<Record<ToolCategory, string>> = SETTINGS.oauthScopes.default;

function integer({ min, max }: IntegerSetting) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { message: `must be a whole number between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

function seconds({ min, max }: SecondsSetting) {
  return z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, { message: `must be a number of seconds between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min} seconds`).max(max, `must be at most ${max} seconds`));
}

const boolean = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

function oneOf({ values }: EnumSetting) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(values as [string, ...string[]], { message: `must be one of ${values.join(', ')}` }));
}

function text(setting: TextSetting) {
  const empty =
    setting.required || setting.default !== undefined ? 'must not be empty' : 'must not be empty when set';
  // A secret is taken as given: its spaces may be part of it.
  const base = setting.secret ? z.string().min(1, empty) : z.string().trim().min(1, empty);
  return setting.pattern ? base.regex(setting.pattern.regex, { message: setting.pattern.message }) : base;
}

const secret = ({ minLength }: SecretSetting) =>
  z.string().min(minLength, { message: `must be at least ${minLength} characters long` });

/** The one parse-then-check URL validator: `holds` sees the parsed URL; a string that is no URL fails with `message`. */
function urlWhere(holds: (url: URL) => boolean, message: string) {
  return z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return holds(new URL(v));
        } catch {
          return false;
        }
      },
      { message },
    );
}

/** A URL whose scheme is one of `protocols` (e.g. `['http:', 'https:']`). */
const urlWithScheme = (protocols: readonly string[], message: string) =>
  urlWhere((url) => protocols.includes(url.protocol), message);

const httpUrl = (what: string) =>
  urlWithScheme(['http:', 'https:'], `must be an http:// or https:// URL of ${what}`);

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * An https:// URL, or http:// on a loopback host (local testing): OAuth issuers and the public resource URL.
 * No fragment and no query, as RFC 8414 and RFC 9728 require of issuer and resource identifiers.
 */
const httpsUrl = (what: string) =>
  urlWhere(
    (url) =>
      !url.hash &&
      !url.search &&
      (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname))),
    `must be an https:// URL of ${what} without query or fragment (http:// only on localhost)`,
  );

/**
 * PLEX_SERVER_URL must be the server's base URL. Plex Web's address bar shows `http://host:32400/web/index.html#!/`,
 * and with that path every Plex call is a 404; a base path (a reverse proxy at /plex) is fine.
 */
const plexServerUrl = (what: string) =>
  httpUrl(what).superRefine((v, ctx) => {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      return;
    }
    if (url.hash !== '' || v.includes('#') || /(^|\/)web(\/|$)/.test(url.pathname)) {
      ctx.addIssue({
        code: 'custom',
        message: `is the Plex Web app's address; use the server's base URL without /web or #..., e.g. ${url.origin}`,
      });
    }
  });

function url(setting: UrlSetting) {
  const what = setting.of ?? setting.meaning;
  switch (setting.scheme) {
    case 'web':
      return httpUrl(what);
    case 'https':
      return httpsUrl(what);
    case 'redis':
      return urlWithScheme(['redis:', 'rediss:'], 'must be a redis:// or rediss:// URL');
    case 'plex':
      return plexServerUrl(what);
  }
}

/** A comma-separated list; empty entries dropped. */
const commaList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

const list = ({ nonEmpty }: ListSetting) =>
  nonEmpty ? commaList.pipe(z.array(z.string().min(1)).min(1, nonEmpty.message)) : commaList;

/**
 * MCP_ALLOWED_ORIGINS: browser origins allowed to call /mcp besides loopback ones, compared exactly (scheme, host and
 * port). A bare host name means its https origin (`claude.ai` = `https://claude.ai`). See http/browser-origins.ts.
 */
const originList = commaList.pipe(
  z.array(
    z
      .string()
      .transform((entry) => {
        const url = entry.includes('://') ? entry : `https://${entry}`;
        try {
          const parsed = new URL(url);
          const bare = (parsed.pathname === '/' || parsed.pathname === '') && !parsed.search && !parsed.hash;
          const web = parsed.protocol === 'http:' || parsed.protocol === 'https:';
          return bare && web && !parsed.username ? parsed.origin.toLowerCase() : '';
        } catch {
          return '';
        }
      })
      .pipe(
        z.string().min(1, {
          message:
            'must be a comma-separated list of origins (scheme://host[:port], no path) or host names, e.g. https://app.example.com',
        }),
      ),
  ),
);

/** A scope token as RFC 6749 defines it (printable ASCII without space, `"` or `\\`). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * OAUTH_SCOPES: which scope unlocks which tool category, as `category=scope` pairs (`read=media.read,...`); a
 * category left out keeps its default scope.
 */
const scopeMap = commaList.transform((pairs, ctx) => {
  const map: Record<ToolCategory, string> = { ...DEFAULT_OAUTH_SCOPES };
  for (const pair of pairs) {
    const [category, scope, extra] = pair.split('=').map((s) => s.trim());
    if (
      !TOOL_CATEGORIES.includes(category as ToolCategory) ||
      !scope ||
      extra !== undefined ||
      !SCOPE_TOKEN.test(scope)
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `must be comma-separated category=scope pairs with categories ${TOOL_CATEGORIES.join(', ')}, e.g. read=plex:read,library=plex:library`,
      });
      return z.NEVER;
    }
    map[category as ToolCategory] = scope;
  }
  return map;
});

/** The parser of one row, without its default or optionality. */
function parserOf(setting: Setting): z.ZodType<unknown, string> {
  switch (setting.kind) {
    case 'integer':
      return integer(setting);
    case 'seconds':
      return seconds(setting);
    case 'boolean':
      return boolean;
    case 'enum':
      return oneOf(setting);
    case 'text':
      return text(setting);
    case 'secret':
      return secret(setting);
    case 'url':
      return url(setting);
    case 'list':
      return list(setting);
    case 'origins':
      return originList;
    case 'scopes':
      return scopeMap;
  }
}

/** The typed value of one row: its kind's type; `| undefined` when it is neither required nor defaulted. */
type ValueOf<S> = S extends { kind: 'integer' | 'seconds' }
  ? number
  : S extends { kind: 'boolean' }
    ? boolean
    : S extends { kind: 'enum'; values: readonly (infer V)[] }
      ? V
      : S extends { kind: 'list' | 'origins' }
        ? string[]
        : S extends { kind: 'scopes' }
          ? Record<ToolCategory, string>
          : string;
type Parsed<S> = S extends { default: unknown } | { required: true } ? ValueOf<S> : ValueOf<S> | undefined;

/** The parsed environment, by setting id (`e.plexTimeout`), never by env name. */
export type ParsedEnv = { [K in SettingId]: Parsed<(typeof SETTINGS)[K]> };

function withDefault(setting: Setting): z.ZodType<unknown, string | undefined> {
  const parser = parserOf(setting);
  if ('default' in setting && setting.default !== undefined) {
    const fallback = setting.default;
    return parser
      .optional()
      .transform((v) =>
        v === undefined
          ? Array.isArray(fallback)
            ? [...fallback]
            : typeof fallback === 'object'
              ? { ...fallback }
              : fallback
          : v,
      );
  }
  return 'required' in setting && setting.required ? parser : parser.optional();
}

/** Raw environment (by env name) → typed values (by setting id). Issues carry the env name as their path. */
export const envSchema: z.ZodType<ParsedEnv, NodeJS.ProcessEnv> = z
  .object(Object.fromEntries(SETTING_ROWS.map(([, setting]) => [setting.env, withDefault(setting)])))
  .transform(
    (byEnv) =>
      Object.fromEntries(
        SETTING_ROWS.map(([id, setting]) => [id, byEnv[setting.env]]),
      ) as unknown as ParsedEnv,
  );
