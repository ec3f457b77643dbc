import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';

/** Does this resource's auth mode use the generated static token (Secret `<name>-auth`, env AUTH_TOKEN)? */
export function usesBearerToken(resource: Pick<PlexMcpServer, 'spec'>): boolean {
  return resource.spec.auth.mode !== 'OAuth';
}

/**
 * Does the server offer tools that ask before acting (delete_playlist, remove_from_playlist: tools.writeAccess
 * Library, the default)? Their confirmation tokens are signed with CONFIRM_TOKEN_KEY, which every replica must
 * share, so the operator generates it (key CONFIRM_TOKEN_KEY of `<name>-auth`).
 */
export function usesConfirmTokenKey(resource: Pick<PlexMcpServer, 'spec'>): boolean {
  return (resource.spec.tools?.writeAccess ?? 'Library') === 'Library';
}

/** `<name>-auth` holds the generated values the server needs: the bearer token, the confirm-token key, or both. */
export function needsAuthSecret(resource: Pick<PlexMcpServer, 'spec'>): boolean {
  return usesBearerToken(resource) || usesConfirmTokenKey(resource);
}
