// The PlexMcpServer API (plexmcp.dev/v1alpha1): names, schemas, types, parser and CRD.
export * from './constants.ts';
export * from './crd.ts';
export * from './openapi.ts';
export * from './resource.ts';
export * from './schema-helpers.ts';
export * from './spec.ts';
export * from './spec-platform.ts';
export * from './status.ts';
