// The parts of @kubernetes/client-node the operator runs, imported from the modules that define them instead of the
// package's index. The index also evaluates the typed API clients, exec/attach/port-forward, metrics, YAML helpers
// and what they import, none of which the operator uses: importing it costs more resident memory than these modules
// (measured in issue #18; see operator/README.md). The package has no `exports` map, so these paths are as public as
// its index; types still come from the index (type-only imports are erased).

export { ListWatch } from '@kubernetes/client-node/dist/cache.js';
export { KubeConfig } from '@kubernetes/client-node/dist/config.js';
export { HttpMethod, RequestContext } from '@kubernetes/client-node/dist/gen/http/http.js';
export { PatchStrategy } from '@kubernetes/client-node/dist/patch.js';
export { Watch } from '@kubernetes/client-node/dist/watch.js';
