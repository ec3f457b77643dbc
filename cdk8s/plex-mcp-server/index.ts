// What a PlexMcpServer becomes: the render function, the construct, and the helpers the controller needs.

export { needsAuthSecret, usesBearerToken, usesConfirmTokenKey, usesSignInKey } from './auth-mode.ts';
export { hashSecretData } from './checksum.ts';
export { buildChildren, type RenderInputs } from './children.ts';
export { PlexMcpServerChildren, type PlexMcpServerChildrenProps } from './construct.ts';
export * from './defaults.ts';
export {
  type DesiredState,
  type DesiredStateOptions,
  desiredState,
  type GeneratedSecretSpec,
  type GeneratedValueName,
  type SecretValues,
  type UnservedChild,
} from './desired-state.ts';
export { redisMaxMemoryBytes } from './managed-redis.ts';
export {
  ALL_OPTIONAL_KINDS,
  allChildRefs,
  CHILD_KINDS,
  type ChildKind,
  type ChildNames,
  type ChildRef,
  type Component,
  childLabels,
  childNames,
  isOptionalChildKind,
  MANAGED_BY_LABEL,
  MANAGED_BY_SELECTOR,
  MANAGED_BY_VALUE,
  mcpEndpoint,
  OPTIONAL_CHILD_KINDS,
  type OptionalChildKind,
  ownerReferences,
  selectorLabels,
  wantedChildRefs,
} from './names.ts';
export { renderPlexMcpServer } from './render.ts';
export {
  AUTH_TOKEN_KEY,
  type AuthSecretValues,
  CONFIRM_TOKEN_KEY_KEY,
  generateSecretValue,
  REDIS_PASSWORD_KEY,
  renderAuthSecret,
  renderRedisSecret,
  SIGN_IN_KEY_KEY,
} from './secrets.ts';
export { publicUrl, serverConfigData } from './server-config.ts';
