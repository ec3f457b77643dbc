// `npm run render -- <resource.yaml> [--namespace ns] [--image img] [--token-secret-data <text>]
//                    [--auth-token <t>] [--confirm-token-key <k>] [--sign-in-key <k>] [--redis-password <p>] [--out file]`
// (or env PLEX_MCP_AUTH_TOKEN / PLEX_MCP_CONFIRM_TOKEN_KEY / PLEX_MCP_SIGN_IN_KEY / PLEX_MCP_REDIS_PASSWORD instead of the flags)
// Prints (or writes) the children of every PlexMcpServer in the file, for GitOps without the operator.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultInstallOptions } from '../install/options.ts';
import { renderManifestsYaml } from './render-manifests.ts';

const USAGE =
  'usage: npm run render -- <resource.yaml|-> [--namespace ns] [--image img] [--token-secret-data text]\n' +
  '                         [--auth-token t] [--confirm-token-key k] [--sign-in-key k] [--redis-password p] [--out file]';

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined || value === '' ? {} : ({ [key]: value } as Record<K, string>);
}

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      namespace: { type: 'string', default: 'default' },
      image: { type: 'string' },
      'token-secret-data': { type: 'string' },
      'auth-token': { type: 'string' },
      'confirm-token-key': { type: 'string' },
      'sign-in-key': { type: 'string' },
      'redis-password': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const file = positionals[0];
  if (values.help || !file || positionals.length > 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  const yaml = renderManifestsYaml(text, {
    namespace: values.namespace,
    defaultServerImage: values.image ?? defaultInstallOptions().image,
    ...(values['token-secret-data'] !== undefined ? { tokenSecretData: values['token-secret-data'] } : {}),
    // Env alternatives keep the values out of shell history and `ps`.
    ...optional('authToken', values['auth-token'] ?? process.env.PLEX_MCP_AUTH_TOKEN),
    ...optional('confirmKey', values['confirm-token-key'] ?? process.env.PLEX_MCP_CONFIRM_TOKEN_KEY),
    ...optional('signInKey', values['sign-in-key'] ?? process.env.PLEX_MCP_SIGN_IN_KEY),
    ...optional('redisPassword', values['redis-password'] ?? process.env.PLEX_MCP_REDIS_PASSWORD),
  });
  if (values.out) {
    writeFileSync(values.out, yaml, { mode: 0o600 }); // it holds generated secrets
    console.error(`wrote ${values.out}`);
  } else {
    process.stdout.write(yaml);
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
