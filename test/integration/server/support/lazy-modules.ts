/**
 * Modules a server loads only in some configurations, as the lazy-loading tests match them in a record of loaded
 * module URLs (test/support/loaded-modules-hook.ts, module-probe.ts): one definition for the tests from source and
 * from the bundle.
 */

/** Only with an OAuth AUTH_MODE (oauth, bearer+oauth): jose and the verifier. */
export const OAUTH_ONLY =
  /\/node_modules\/jose\/|\/server\/auth\/(oauth-verifier|jwt-verifier|signing-keys|introspection-verifier|issuer-metadata)\.ts$/;
/** AUTH_MODE=plex only: the authorization server (oidc-provider and everything it pulls in) and the sign-in. */
export const PLEX_SIGN_IN_ONLY = /\/node_modules\/(oidc-provider|koa|@koa)\/|\/server\/auth\/sign-in\//;
/** Only with REDIS_URL: ioredis, the Redis cache store and event bus. */
export const REDIS_ONLY =
  /\/node_modules\/(ioredis|@ioredis)\/|\/server\/(cache\/redis-store|resources\/redis-event-bus)\.ts$/;
