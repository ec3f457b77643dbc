/**
 * Helpers for tests of the `cluster` project: a client config for the cluster global-setup.ts chose, and polling
 * for eventually-consistent Kubernetes state (controllers act asynchronously, so tests wait for outcomes).
 */
import { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';

/** Path of the admin kubeconfig of the test cluster; '' when SKIP_CLUSTER_TESTS=1. */
export function testKubeconfigPath(): string {
  return process.env.KUBECONFIG_FOR_TESTS || inject('kubeconfig');
}

export function kubeConfigForTests(): KubeConfig {
  const file = testKubeconfigPath();
  if (!file) throw new Error('no test cluster (SKIP_CLUSTER_TESTS=1?); guard the suite with describe.skipIf');
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What is awaited, for the timeout message ("pods of deployment web Running"). */
  description: string;
}

/**
 * Calls `fn` until it returns something other than undefined/null/false, and resolves with that value. A throw
 * counts as "not yet" (the object may not exist yet); the last error is quoted if the wait times out.
 */
export async function waitFor<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs = 30_000, intervalMs = 250, description }: WaitForOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let lastValue: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) return value;
      lastValue = value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail =
        lastError === undefined
          ? `last result: ${String(lastValue)}`
          : `last error: ${describeError(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description} (${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.slice(0, 500);
  return String(error).slice(0, 500);
}
