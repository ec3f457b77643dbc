// The generated Secrets. The controller CREATES them once with random values and never overwrites them
// (a re-render must not rotate a token), so they are rendered separately from the other children.
import { randomBytes } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { AUTH_TOKEN_ROTATION_ANNOTATION, type PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import { ENV } from '../../server/config/settings.ts';
import { childMetadata, childNames } from './names.ts';

/** Key of the bearer token in `<name>-auth`: named as the server's env variable it becomes. */
export const AUTH_TOKEN_KEY = ENV.authToken;
/** Key of the confirm-token HMAC key in `<name>-auth`: named as the server's env variable it becomes. */
export const CONFIRM_TOKEN_KEY_KEY = ENV.confirmTokenKey;
/** Key of the "Sign in with Plex" key in `<name>-auth`: named as the server's env variable it becomes. */
export const SIGN_IN_KEY_KEY = ENV.plexSignInKey;
/** Key of the managed Redis password in `<name>-redis`. */
export const REDIS_PASSWORD_KEY = 'password';

/**
 * 32 random bytes, base64url: 43 characters, above the server's 32-character minimum for AUTH_TOKEN and
 * CONFIRM_TOKEN_KEY.
 */
export function generateSecretValue(): string {
  return randomBytes(32).toString('base64url');
}

/** The values `<name>-auth` holds: each only when the spec uses it (see auth-mode.ts). */
export interface AuthSecretValues {
  authToken?: string | undefined;
  confirmKey?: string | undefined;
  signInKey?: string | undefined;
}

/** `rotation`: the rotation request this token answers, recorded on the Secret (see AUTH_TOKEN_ROTATION_ANNOTATION). */
export function renderAuthSecret(
  resource: PlexMcpServer,
  values: AuthSecretValues,
  rotation?: string,
): V1Secret {
  const metadata = childMetadata(resource, childNames(resource).authSecret, 'server');
  const data: Record<string, string> = {};
  if (values.authToken !== undefined) data[AUTH_TOKEN_KEY] = base64(values.authToken);
  if (values.confirmKey !== undefined) data[CONFIRM_TOKEN_KEY_KEY] = base64(values.confirmKey);
  if (values.signInKey !== undefined) data[SIGN_IN_KEY_KEY] = base64(values.signInKey);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata:
      rotation === undefined
        ? metadata
        : { ...metadata, annotations: { [AUTH_TOKEN_ROTATION_ANNOTATION]: rotation } },
    type: 'Opaque',
    data,
  };
}

function base64(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

export function renderRedisSecret(resource: PlexMcpServer, password: string): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: childMetadata(resource, childNames(resource).redisSecret, 'redis'),
    type: 'Opaque',
    data: { [REDIS_PASSWORD_KEY]: base64(password) },
  };
}
