import { defineConfig } from 'vitest/config';

// Three suites, by what they need from the machine:
// - unit: nothing but Node.
// - server: the Plex simulator (in-process) and a real redis-server (started by test/support/redis-global-setup.ts).
// - cluster: a real Kubernetes control plane (test/cluster/global-setup.ts, or TEST_KUBECONFIG).
export default defineConfig({
  test: {
    // vitest's own report, then one plain `N passed, N failed, N skipped` line (test/support/plain-summary-reporter.ts).
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
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
