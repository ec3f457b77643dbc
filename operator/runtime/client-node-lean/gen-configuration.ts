// Stands in for @kubernetes/client-node's dist/gen/index.js where its dist/config.js imports it (see register.ts):
// config.js takes only these two names from the generated index, which would otherwise evaluate every typed API
// client and model of the package.
export { createConfiguration } from '@kubernetes/client-node/dist/gen/configuration.js';
export { ServerConfiguration } from '@kubernetes/client-node/dist/gen/servers.js';
