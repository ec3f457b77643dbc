import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';

/** Does this resource's auth mode use the generated static token (Secret `<name>-auth`, env AUTH_TOKEN)? */
export function usesBearerToken(resource: Pick<PlexMcpServer, 'spec'>): boolean {
  return resource.spec.auth.mode !== 'OAuth';
}
