// bench:operator with probing on runs one real server behind every Service, and that server accepts one bearer token,
// while the operator gives each PlexMcpServer its own (`<name>-auth`, generated at random). Setting every generated
// token to the server's would be an edit of the Secret, and the pod template follows the token: every Deployment
// would roll a second time, work a real cluster never does. Instead every endpoint maps to this proxy in front of
// the server. A request whose bearer token is one the operator generated (the AUTH_TOKEN of a `<name>-auth` it
// manages, read from a watch of those Secrets) is forwarded with the server's token; any other request is forwarded
// as it came, so the server answers it as it would (401 for a wrong token). The operator's work is untouched: it
// verifies with the token it generated, and no Secret or Deployment changes.
import type { KubernetesObject } from '@kubernetes/client-node';
import { AUTH_TOKEN_KEY, MANAGED_BY_SELECTOR } from '../../cdk8s/plex-mcp-server/index.ts';
import { ResilientInformer } from '../../operator/runtime/informer.ts';
import type { KubeClient } from '../../operator/runtime/kube-client.ts';
import { KINDS } from '../../operator/runtime/resource-paths.ts';
import { startTokenProxy } from '../integration/server/support/token-proxy.ts';

/** A bearer token the watch has not delivered yet (the operator's own cache may be ahead) gets this long to show up. */
const UNKNOWN_TOKEN_WAIT_MS = 2_000;

export interface GeneratedTokenProxy {
  url: string;
  /** Requests forwarded with the server's token, and those with a bearer token the operator did not generate. */
  counts(): { translated: number; unknownTokens: number };
  close(): Promise<void>;
}

type SecretView = KubernetesObject & { data?: Record<string, string> };

export async function startGeneratedTokenProxy(options: {
  client: KubeClient;
  upstreamUrl: string;
  upstreamToken: string;
}): Promise<GeneratedTokenProxy> {
  const secrets = new ResilientInformer<SecretView>({
    client: options.client,
    kind: KINDS.Secret,
    namespace: '',
    labelSelector: MANAGED_BY_SELECTOR,
  });
  await secrets.start();
  /** Compared in base64, as the Secrets hold it, so no Secret is decoded per request. */
  const generated = (token: string) => {
    const encoded = Buffer.from(token, 'utf8').toString('base64');
    return secrets
      .list()
      .some((s) => s.metadata?.name?.endsWith('-auth') && s.data?.[AUTH_TOKEN_KEY] === encoded);
  };
  const isGenerated = async (token: string) => {
    const deadline = Date.now() + UNKNOWN_TOKEN_WAIT_MS;
    while (!generated(token)) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return true;
  };

  let unknownTokens = 0;
  const proxy = await startTokenProxy(options.upstreamUrl, async (authorization) => {
    const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (bearer === undefined) return authorization;
    if (await isGenerated(bearer)) return `Bearer ${options.upstreamToken}`;
    unknownTokens += 1;
    return authorization;
  });
  return {
    url: proxy.origin,
    counts: () => ({ translated: proxy.counts().rewritten, unknownTokens }),
    close: async () => {
      await proxy.close();
      await secrets.stop();
    },
  };
}
