// The options of `npm run demo`, in one table: it drives the parser (node:util parseArgs), the defaults taken from
// the environment, and the --help text, so a new switch (say --oauth) is one entry here and one use in demo.ts.
import { parseArgs } from 'node:util';

interface OptionSpec {
  type: 'string' | 'boolean';
  /** Environment variable that supplies the default (the older DEMO_* interface keeps working). */
  env?: string;
  default?: string;
  valueName?: string;
  help: string;
}

export const DEMO_OPTIONS = {
  port: {
    type: 'string',
    env: 'DEMO_PORT',
    default: '8080',
    valueName: 'PORT',
    help: 'MCP server port on 127.0.0.1 (0 = any free port)',
  },
  'plex-port': {
    type: 'string',
    env: 'DEMO_PLEX_PORT',
    default: '0',
    valueName: 'PORT',
    help: 'Plex simulator port (0 = any free port)',
  },
  items: {
    type: 'string',
    env: 'DEMO_ITEMS',
    default: '200',
    valueName: 'N',
    help: 'catalog size: how many movies, episodes, tracks and photos the simulator invents (8 to 1000000)',
  },
  'log-level': {
    type: 'string',
    env: 'LOG_LEVEL',
    default: 'warn',
    valueName: 'LEVEL',
    help: 'server log level on stderr (trace, debug, info, warn, error, fatal, silent)',
  },
  oauth: {
    type: 'boolean',
    help: 'also start a local OpenID Provider and serve AUTH_MODE=bearer+oauth (for OAuth-capable clients)',
  },
  'plex-sign-in': {
    type: 'boolean',
    help: 'AUTH_MODE=plex: a plex.tv double with a family (owner, Home members, a friend, a stranger); people sign in with "Plex"',
  },
  help: { type: 'boolean', help: 'print this help and exit' },
  version: { type: 'boolean', help: 'print the version and exit' },
} as const satisfies Record<string, OptionSpec>;

type Name = keyof typeof DEMO_OPTIONS;
export type DemoOptions = {
  [K in Name]: (typeof DEMO_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string;
};

export function demoUsage(): string {
  const rows = Object.entries(DEMO_OPTIONS).map(([name, spec]: [string, OptionSpec]) => {
    const flag = spec.valueName ? `--${name} ${spec.valueName}` : `--${name}`;
    const extra = [
      spec.default !== undefined ? `default ${spec.default}` : '',
      spec.env ? `env ${spec.env}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `  ${flag.padEnd(22)} ${spec.help}${extra ? ` (${extra})` : ''}`;
  });
  return `Usage: npm run demo [-- options]

Starts the Plex simulator and the plex-mcp server together on 127.0.0.1, and prints the endpoint, a fresh
AUTH_TOKEN, the simulator's Plex token and how to connect clients. Ctrl-C stops both.

Options:
${rows.join('\n')}
`;
}

/** Parses argv; throws TypeError (from parseArgs) on an unknown option or a missing value. */
export function parseDemoArgs(argv: string[], env: NodeJS.ProcessEnv): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(
      Object.entries(DEMO_OPTIONS).map(([name, spec]) => [name, { type: spec.type }]),
    ),
    strict: true,
    allowPositionals: false,
  });
  const out: Record<string, string | boolean> = {};
  for (const [name, spec] of Object.entries(DEMO_OPTIONS) as [Name, OptionSpec][]) {
    const given = values[name];
    if (spec.type === 'boolean') out[name] = given === true;
    else
      out[name] =
        (given as string | undefined) ?? (spec.env ? env[spec.env] : undefined) ?? spec.default ?? '';
  }
  return out as DemoOptions;
}
