// What a PlexMcpServer becomes: the render function, the construct, and the helpers the controller needs.

export { usesBearerToken } from './auth-mode.ts';
export { hashSecretData } from './checksum.ts';
export { buildChildren, type RenderInputs } from './children.ts';
export { PlexMcpServerChildren, type PlexMcpServerChildrenProps } from './construct.ts';
export * from './defaults.ts';
export { redisMaxMemoryBytes } from './managed-redis.ts';
export {
  allChildRefs,
  type ChildNames,
  type ChildRef,
  type Component,
  childLabels,
  childNames,
  mcpEndpoint,
  ownerReferences,
  selectorLabels,
  wantedChildRefs,
} from './names.ts';
export { renderPlexMcpServer } from './render.ts';
export {
  AUTH_TOKEN_KEY,
  generateSecretValue,
  REDIS_PASSWORD_KEY,
  renderAuthSecret,
  renderRedisSecret,
} from './secrets.ts';
export { publicUrl, serverConfigData } from './server-config.ts';
