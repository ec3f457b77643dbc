/**
 * vitest globalSetup of the `server` project: finds the redis-server binary once and hands its path to the tests
 * (`inject('redisServerBinary')`). Each test file starts its OWN redis-server with `startRedisServer` from
 * `./redis-server.ts`, because tests kill and restart it.
 *
 * A missing binary fails the run loudly: the cache tests are the proof that Redis works, and a silently skipped proof
 * is worse than none. `SKIP_REDIS_TESTS=1` is the explicit opt-out; the Redis tests then skip and say so.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute path of redis-server, or null when SKIP_REDIS_TESTS=1 and none was found. */
    redisServerBinary: string | null;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findRedisServer(): string | undefined {
  const explicit = process.env.REDIS_SERVER_BIN;
  if (explicit) return isExecutable(explicit) ? explicit : undefined;
  // PATH first, then where Debian and Homebrew put it (sbin is often missing from a non-root PATH).
  const dirs = [
    ...(process.env.PATH ?? '').split(path.delimiter),
    '/usr/bin',
    '/usr/sbin',
    '/usr/local/bin',
    '/opt/homebrew/bin',
  ];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, 'redis-server');
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export default function setup(project: TestProject): void {
  const binary = findRedisServer();
  if (binary) {
    project.provide('redisServerBinary', binary);
    return;
  }
  if (process.env.SKIP_REDIS_TESTS === '1') {
    console.warn(
      '\n*** SKIP_REDIS_TESTS=1 and no redis-server found: the Redis cache tests are SKIPPED, not passed. ***\n',
    );
    project.provide('redisServerBinary', null);
    return;
  }
  throw new Error(
    'redis-server not found (PATH, /usr/bin, /usr/sbin, REDIS_SERVER_BIN). Install it (Debian: apt-get install -y ' +
      'redis-server; npm test does this, .ci/provision.ts) or set SKIP_REDIS_TESTS=1 to skip the Redis tests explicitly.',
  );
}
