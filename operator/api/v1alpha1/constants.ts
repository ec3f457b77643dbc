// Names of the PlexMcpServer API, shared by the CRD generator, the renderer and the controller.

export const GROUP = 'plexmcp.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'PlexMcpServer';
export const LIST_KIND = 'PlexMcpServerList';
export const PLURAL = 'plexmcpservers';
export const SINGULAR = 'plexmcpserver';
export const SHORT_NAMES = ['pms'];
export const CATEGORIES = ['plex', 'mcp'];
export const CRD_NAME = `${PLURAL}.${GROUP}`;

/** The one field manager for every server-side apply the operator makes. */
export const FIELD_MANAGER = 'plex-mcp-operator';

/**
 * Repository of the image the release builds (`docker build -t plex-mcp:<version> .`, the Helm chart's and the
 * install manifests' default): one image holds the server and the operator, tagged with the package version.
 */
export const IMAGE_REPOSITORY = 'plex-mcp';

/** The image of a given release: what the operator runs PlexMcpServers without spec.image with by default. */
export function releaseImage(version: string): string {
  return `${IMAGE_REPOSITORY}:${version}`;
}

/** How the CRD and the docs state that default, in one wording. */
export const DEFAULT_SERVER_IMAGE_TEXT = `${IMAGE_REPOSITORY}:<operator version>, the image the release builds`;

/** Setting this annotation to a new value asks the operator for a new auth token. */
export const ROTATE_AUTH_TOKEN_ANNOTATION = `${GROUP}/rotate-auth-token`;

/**
 * A Secret is usable by PlexMcpServers (tokenSecretRef, redis.external.passwordSecretRef) only with this label set
 * to "true": whoever may create a PlexMcpServer decides where its Secrets are sent (spec.plex.url), so the Secret's
 * owner must say it may be sent there at all. Without it the operator neither reads nor describes the Secret.
 */
export const SECRET_OPT_IN_LABEL = `${GROUP}/referable`;

/**
 * On the generated auth Secret: the rotation request (the value of ROTATE_AUTH_TOKEN_ANNOTATION) its token answers,
 * written in the same patch as the token. The API server is thus the only memory of which requests were handled,
 * and a new leader reads it there.
 */
export const AUTH_TOKEN_ROTATION_ANNOTATION = `${GROUP}/auth-token-rotation`;

/** Pod-template annotation whose change rolls the server pods (config or referenced secrets changed). */
export const CONFIG_CHECKSUM_ANNOTATION = `${GROUP}/config-checksum`;

/** Condition types the operator reports in status.conditions. */
export const CONDITION_TYPES = ['Ready', 'Progressing', 'Degraded', 'Verified', 'PlexReachable'] as const;

/** Condition reasons, as a person reads them in `kubectl describe` (see the README's troubleshooting table). */
export const CONDITION_REASONS = [
  'Reconciled',
  'TokenSecretNotFound',
  'TokenSecretKeyMissing',
  'RedisSecretNotFound',
  'SecretNotOptedIn',
  'ChildConflict',
  'PodCreationFailed',
  'RolloutInProgress',
  'ReplicasUnavailable',
  'InvalidSpec',
  // Verification (operator/verification/verification-conditions.ts): Verified and PlexReachable, and Ready with them.
  'Verified',
  'HandshakeFailed',
  'NotVerified',
  'VerificationDisabled',
  'PlexReachable',
  'PlexUnreachable',
  'PlexTokenRejected',
  // IntegrationsReady False (operator/controller/conditions.ts): a child the spec asks for needs CRDs the cluster lacks.
  'GatewayAPINotInstalled',
  'PrometheusOperatorNotInstalled',
] as const;

/**
 * Longest resource name we accept: the Services are named `<name>` and `<name>-redis`, Service names must
 * fit a 63-character DNS label, so `-redis` (6 characters) leaves 57. Label values have the same 63 limit.
 */
export const MAX_NAME_LENGTH = 57;
