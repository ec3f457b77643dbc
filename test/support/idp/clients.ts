/**
 * The test identity provider's registered clients and scopes (test/support/idp/provider.ts), in a module of their
 * own so the demo and tests can name them without loading oidc-provider.
 */
export const PLEX_SCOPES = ['plex:read', 'plex:playback', 'plex:library'] as const;

/** Pre-registered clients. Secrets are fixed test values: this provider only ever listens on loopback. */
export const IDP_CLIENTS = {
  /** Machine client allowed every plex scope. */
  full: { id: 'plex-mcp-full', secret: 'full-secret-for-tests-only', scope: PLEX_SCOPES.join(' ') },
  /** Machine client without plex:library (and without plex:playback). */
  readOnly: { id: 'plex-mcp-readonly', secret: 'readonly-secret-for-tests-only', scope: 'plex:read' },
  /** Its tokens live two seconds (expiry tests). */
  shortLived: { id: 'plex-mcp-short', secret: 'short-secret-for-tests-only', scope: PLEX_SCOPES.join(' ') },
  /** Its tokens are opaque (introspection tests). */
  opaque: { id: 'plex-mcp-opaque', secret: 'opaque-secret-for-tests-only', scope: PLEX_SCOPES.join(' ') },
  /** The resource server's own credentials for RFC 7662 introspection. */
  introspector: { id: 'plex-mcp-server', secret: 'introspector-secret-for-tests-only' },
  /** A public client using authorization code + PKCE (what claude.ai or Claude Desktop do). */
  browser: { id: 'plex-mcp-browser' },
} as const;

/** The display name the provider gives an account (the dev sign-in accepts any login). */
export const displayName = (accountId: string) => `User ${accountId}`;
