// The set-up most operator suites share, in one place: the CRD installed, a namespace of the suite's own with the
// Plex token Secret, and an in-process operator; afterwards the operator stopped and the namespace deleted.
// Apart from operator-helpers.ts because it uses vitest (operator-helpers.ts also runs in the benchmark).
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll } from 'vitest';
import type { OperatorOptions, RunningOperator } from '../../../operator/manager.ts';
import type { KubeClient } from '../../../operator/runtime/kube-client.ts';
import { kubeConfigForTests } from '../../cluster/test-kube.ts';
import { installCrd } from './crd-support.ts';
import {
  applyTokenSecret,
  deleteObject,
  ensureNamespace,
  startTestOperator,
  testClient,
} from './operator-helpers.ts';

export interface OperatorSuite {
  kc: KubeConfig;
  /** The test's own client (not the operator's). */
  client: KubeClient;
  operator: RunningOperator;
}

/**
 * Registers the suite's beforeAll (set-up in `namespace`) and afterAll (operator stopped, namespace deleted, also
 * after a set-up that failed part way); the fields are filled once beforeAll has run.
 */
export function operatorSuite(namespace: string, overrides: Partial<OperatorOptions> = {}): OperatorSuite {
  const suite = {} as Partial<OperatorSuite>;
  beforeAll(async () => {
    suite.kc = kubeConfigForTests();
    suite.client = testClient(suite.kc);
    await installCrd(suite.kc);
    await ensureNamespace(suite.client, namespace);
    await applyTokenSecret(suite.client, namespace);
    suite.operator = await startTestOperator(suite.kc, overrides);
  });
  afterAll(async () => {
    await suite.operator?.stop();
    if (suite.client)
      await deleteObject(suite.client, { apiVersion: 'v1', plural: 'namespaces' }, '', namespace);
  });
  return suite as OperatorSuite;
}
