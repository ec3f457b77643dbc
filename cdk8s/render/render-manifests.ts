// Renders PlexMcpServer resources from YAML into their children as plain manifests, for GitOps users who
// run no operator. Unlike the operator, this also writes the generated Secrets (nobody else will create
// them), so the output holds secrets: it says so above each one.
import { type Document, parseAllDocuments } from 'yaml';
import { KIND, parsePlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import {
  generateSecretValue,
  hashSecretData,
  renderPlexMcpServer,
  usesBearerToken,
  usesConfirmTokenKey,
  usesSignInKey,
} from '../plex-mcp-server/index.ts';
import { toYamlDocuments } from '../yaml.ts';

export interface RenderManifestsOptions {
  /** Server image when a resource sets no spec.image. */
  defaultServerImage: string;
  /** Namespace for resources whose metadata has none. */
  namespace: string;
  /** The Plex token Secret's data (any text that changes when the token does): only its digest is used. */
  tokenSecretData?: string;
  /** Reuse these instead of generating new values (keep tokens stable across renders). */
  authToken?: string;
  confirmKey?: string;
  signInKey?: string;
  redisPassword?: string;
}

const GENERATED_SECRET_COMMENT = [
  'GENERATED SECRET: a random value created by this render.',
  'Keep it secret (SOPS, Sealed Secrets, ...) and keep it stable: pass --auth-token/--confirm-token-key/--redis-password',
  'with the same values on the next render, or clients and the server get new credentials.',
].join('\n');

export function renderManifestsYaml(yamlText: string, options: RenderManifestsOptions): string {
  const documents = parseAllDocuments(yamlText);
  const out: { comment?: string; object: unknown }[] = [];
  for (const document of Array.isArray(documents) ? documents : [documents as unknown as Document]) {
    if (document.errors.length > 0) throw new Error(`invalid YAML: ${document.errors[0]?.message}`);
    const raw = document.toJS() as { kind?: string; metadata?: Record<string, unknown> } | null;
    if (!raw || raw.kind !== KIND) continue;
    const withNamespace = { ...raw, metadata: { namespace: options.namespace, ...raw.metadata } };
    const parsed = parsePlexMcpServer(withNamespace);
    if (!parsed.ok) {
      const name = String(raw.metadata?.name ?? '<unnamed>');
      throw new Error(`PlexMcpServer ${name} is invalid:\n  ${parsed.errors.join('\n  ')}`);
    }
    const resource = parsed.value;
    // auth.mode OAuth has no static token, hence no `<name>-auth` Secret.
    const authToken = usesBearerToken(resource) ? (options.authToken ?? generateSecretValue()) : undefined;
    // Destructive tools (tools.writeAccess Library) sign confirmations with a key every replica shares.
    const confirmKey = usesConfirmTokenKey(resource)
      ? (options.confirmKey ?? generateSecretValue())
      : undefined;
    // Sign in with Plex: one key sealing every replica's sign-ins, generated once.
    const signInKey = usesSignInKey(resource) ? (options.signInKey ?? generateSecretValue()) : undefined;
    const managedRedis = resource.spec.redis.mode === 'Managed';
    const redisPassword = managedRedis ? (options.redisPassword ?? generateSecretValue()) : undefined;
    const children = renderPlexMcpServer(resource, {
      defaultServerImage: options.defaultServerImage,
      secretsChecksum: hashSecretData({
        plexToken: options.tokenSecretData,
        authToken,
        redisPassword,
        ...(confirmKey !== undefined ? { confirmKey } : {}),
        ...(signInKey !== undefined ? { signInKey } : {}),
      }),
      generatedSecrets: {
        authToken,
        ...(confirmKey ? { confirmKey } : {}),
        ...(signInKey ? { signInKey } : {}),
        ...(redisPassword ? { redisPassword } : {}),
      },
    });
    for (const child of children) {
      out.push({ object: child, ...(child.kind === 'Secret' ? { comment: GENERATED_SECRET_COMMENT } : {}) });
    }
  }
  if (out.length === 0) throw new Error(`no ${KIND} found in the input`);
  return toYamlDocuments(out);
}
