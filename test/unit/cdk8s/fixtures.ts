// A PlexMcpServer as the API server would return it, parsed the way the operator parses it.

import { hashSecretData, type RenderInputs } from '../../../cdk8s/plex-mcp-server/index.ts';
import { type PlexMcpServer, parsePlexMcpServer } from '../../../operator/api/v1alpha1/index.ts';

export function makeResource(
  spec: Record<string, unknown> = {},
  metadata: Record<string, unknown> = {},
): PlexMcpServer {
  const result = parsePlexMcpServer({
    apiVersion: 'plexmcp.dev/v1alpha1',
    kind: 'PlexMcpServer',
    metadata: { name: 'living-room', namespace: 'media', uid: '0b5c7f1e-uid', generation: 1, ...metadata },
    spec: { plex: { url: 'http://plex.media.svc:32400', tokenSecretRef: { name: 'plex-token' } }, ...spec },
  });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.value;
}

export function makeInputs(
  secrets: Record<string, string | undefined> = { plexToken: 'tok-1' },
): RenderInputs {
  return { defaultServerImage: 'plex-mcp:0.1.0', secretsChecksum: hashSecretData(secrets) };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read deep into rendered JSON; the shapes are asserted.
type Obj = { kind: string; metadata: { name: string } } & Record<string, any>;

export function find(objects: unknown[], kind: string, name: string): Obj {
  const found = (objects as Obj[]).find((o) => o.kind === kind && o.metadata.name === name);
  if (!found)
    throw new Error(
      `no ${kind} ${name} among ${(objects as Obj[]).map((o) => `${o.kind}/${o.metadata.name}`)}`,
    );
  return found;
}
