/**
 * The redis-server binary found by the global setup, for tests: `describe.skipIf(!redisBinary)` keeps a skip visible
 * in the report (only possible with SKIP_REDIS_TESTS=1; otherwise the global setup already failed the run).
 */
import { inject } from 'vitest';

export const redisBinary: string | null = inject('redisServerBinary');
