/**
 * Writes kubeconfig files with the certificates embedded (`*-data`), so a kubeconfig still works when copied
 * elsewhere or when the PKI files it came from are gone.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { KeyPair } from './pki.ts';

export const CONTEXT_NAME = 'plex-mcp-test';

async function base64Of(file: string): Promise<string> {
  return (await readFile(file)).toString('base64');
}

export async function writeKubeconfig(options: {
  file: string;
  server: string;
  caCertFile: string;
  client: KeyPair;
  user: string;
}): Promise<void> {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: CONTEXT_NAME,
        cluster: { server: options.server, 'certificate-authority-data': await base64Of(options.caCertFile) },
      },
    ],
    users: [
      {
        name: options.user,
        user: {
          'client-certificate-data': await base64Of(options.client.certFile),
          'client-key-data': await base64Of(options.client.keyFile),
        },
      },
    ],
    contexts: [
      { name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user: options.user, namespace: 'default' } },
    ],
    'current-context': CONTEXT_NAME,
  };
  // 0600: kubectl warns about group/world-readable kubeconfigs, and it does hold a master key.
  await writeFile(options.file, stringify(config), { mode: 0o600 });
}
