// What one PlexMcpServer becomes: the list of its children as plain Kubernetes objects.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import { needsAuthSecret, usesBearerToken, usesConfirmTokenKey, usesSignInKey } from './auth-mode.ts';
import { renderRedisDeployment, renderRedisNetworkPolicy, renderRedisService } from './managed-redis.ts';
import { buildPlatformChildren, buildServerNetworkPolicy, type PlatformInputs } from './platform-children.ts';
import { renderAuthSecret, renderRedisSecret } from './secrets.ts';
import { renderServerConfigMap } from './server-config.ts';
import { renderServerDeployment, renderServerService, type ServerWorkloadInputs } from './server-workload.ts';

export interface RenderInputs extends ServerWorkloadInputs, PlatformInputs {
  /**
   * The generated Secrets' values, to render them too (the `render` CLI, for GitOps without the operator).
   * The operator leaves this unset: it creates those Secrets once itself and never overwrites them.
   */
  generatedSecrets?: { authToken?: string; confirmKey?: string; signInKey?: string; redisPassword?: string };
}

/**
 * The children in the order they are best applied: config and secrets before the pods that read them, the server's
 * NetworkPolicy before its Service and pods, and what exposes, scales or scrapes the pods after them.
 */
export function buildChildren(resource: PlexMcpServer, inputs: RenderInputs): KubernetesObject[] {
  const managedRedis = resource.spec.redis.mode === 'Managed';
  const children: KubernetesObject[] = [renderServerConfigMap(resource)];
  if (inputs.generatedSecrets) {
    if (needsAuthSecret(resource)) {
      const { authToken, confirmKey, signInKey } = inputs.generatedSecrets;
      if (usesBearerToken(resource) && !authToken)
        throw new Error('generatedSecrets.authToken is required with auth.mode Bearer or BearerAndOAuth');
      if (usesConfirmTokenKey(resource) && !confirmKey)
        throw new Error(
          'generatedSecrets.confirmKey is required with tools.writeAccess Library (the default)',
        );
      if (usesSignInKey(resource) && !signInKey)
        throw new Error('generatedSecrets.signInKey is required with auth.mode SignInWithPlex');
      children.push(
        renderAuthSecret(resource, {
          authToken: usesBearerToken(resource) ? authToken : undefined,
          confirmKey: usesConfirmTokenKey(resource) ? confirmKey : undefined,
          signInKey: usesSignInKey(resource) ? signInKey : undefined,
        }),
      );
    }
    if (managedRedis) {
      const password = inputs.generatedSecrets.redisPassword;
      if (!password) throw new Error('generatedSecrets.redisPassword is required with redis.mode Managed');
      children.push(renderRedisSecret(resource, password));
    }
  }
  if (managedRedis) {
    children.push(
      renderRedisNetworkPolicy(resource),
      renderRedisService(resource),
      renderRedisDeployment(resource),
    );
  }
  children.push(
    ...buildServerNetworkPolicy(resource, inputs),
    renderServerService(resource),
    renderServerDeployment(resource, inputs),
    ...buildPlatformChildren(resource, inputs),
  );
  return children;
}
