import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';

/** Does this resource's auth mode use the generated static token (Secret `<name>-auth`, env AUTH_TOKEN)? */
export function usesBearerToken(resource: Pick<PlexMcpServer, 'spec'>): boolean {
  return resource.spec.auth.mode === 'Bearer' || resource.spec.auth.mode === 'BearerAndOAuth';
}

/**
 * Is the server its own authorization server with "Sign in with Plex" (auth.mode SignInWithPlex)? Then every replica
 * needs the same PLEX_SIGN_IN_KEY (it seals what sign-in stores and signs its cookies), generated once by the
 * operator (key PLEX_SIGN_IN_KEY of `<name>-auth`) and never rotated (rotating it signs everyone out).
 */
export function usesSignInKey(resource: Pick<PlexMcpServer, 'spec'>): boolean {
  return resource.spec.auth.mode === 'SignInWithPlex';
}

/**
 * Does the server offer tools that ask before acting (delete_playlist, remove_from_playlist: tools.writeAccess
 * Library, the default)? Their confirmation tokens are signed with CONFIRM_TOKEN_KEY, which every replica must
 * share, so the operator generates it (key CONFIRM_TOKEN_KEY of `<name>-auth`).
 */
export function usesConfirmTokenKey(resource: Pick<PlexMcpServer, 'spec'>): boolean {
  return (resource.spec.tools?.writeAccess ?? 'Library') === 'Library';
}

/** `<name>-auth` holds the generated values the server needs: the bearer token, the confirm-token key, the sign-in key. */
export function needsAuthSecret(resource: Pick<PlexMcpServer, 'spec'>): boolean {
  return usesBearerToken(resource) || usesConfirmTokenKey(resource) || usesSignInKey(resource);
}
