import type { AuthInfo } from '@modelcontextprotocol/server';

/**
 * Who is calling, as far as the access token says: for logs (request context), metrics (counted only) and tools.
 * Never carries the token itself.
 */
export interface CallerIdentity {
  /** `sub` of the token (for client-credentials tokens usually the client id). */
  subject: string;
  /** A display name when the token carries one (`name`, `preferred_username` or `email`). */
  name?: string;
  /** The OAuth client the token was issued to. */
  clientId?: string;
}

const CALLER_KEY = 'plexmcp.dev/caller';

/** An AuthInfo for a verified token, with the caller tucked into `extra` where `callerOf` finds it again. */
export function withCaller(authInfo: Omit<AuthInfo, 'extra'>, caller: CallerIdentity): AuthInfo {
  return { ...authInfo, extra: { [CALLER_KEY]: caller } };
}

export function callerOf(authInfo: AuthInfo | undefined): CallerIdentity | undefined {
  return authInfo?.extra?.[CALLER_KEY] as CallerIdentity | undefined;
}

/** The fields a log line carries about the caller. */
export function callerLogContext(caller: CallerIdentity): Record<string, string> {
  const out: Record<string, string> = { sub: caller.subject };
  if (caller.name !== undefined) out.name = caller.name;
  if (caller.clientId !== undefined) out.client_id = caller.clientId;
  return out;
}

/**
 * AUTH_MODE=plex: the signed-in person's own access to the Plex server, which their tool calls run with
 * (server/plex/plex-identity.ts). Lives only in memory for the request; never logged.
 */
export interface SignedInPlexAccess {
  /** Their access token for this Plex Media Server. A secret. */
  token: string;
  /** Their cache scope (a hash of the account, never the token). */
  cacheScope: string;
  /** Ends their sign-in (their Plex token stopped working): record, grants and tokens. */
  end(): Promise<void>;
}

const PLEX_ACCESS_KEY = 'plexmcp.dev/plex-access';

export function withPlexAccess(authInfo: AuthInfo, access: SignedInPlexAccess): AuthInfo {
  return { ...authInfo, extra: { ...authInfo.extra, [PLEX_ACCESS_KEY]: access } };
}

export function plexAccessOf(authInfo: AuthInfo | undefined): SignedInPlexAccess | undefined {
  return authInfo?.extra?.[PLEX_ACCESS_KEY] as SignedInPlexAccess | undefined;
}
