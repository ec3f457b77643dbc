/**
 * The server's V8 heap flags: sized from the memory limit, and the image's default (Dockerfile ENV NODE_OPTIONS)
 * equal to what the default limit asks for, so `docker run` and the operator's pods start the same way.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SERVER_RESOURCES,
  inMemoryCacheBytes,
  isTightMemoryLimit,
  SERVER_NODE_OPTIONS,
  serverNodeOptions,
  serverProcessEnv,
} from '../../../../cdk8s/plex-mcp-server/defaults.ts';
import { SETTINGS } from '../../../../server/config/settings.ts';

const MiB = 2 ** 20;

describe('serverNodeOptions', () => {
  it('gives V8 half the limit as old space and limit/16 (at most 16 MiB) as semi-space', () => {
    expect(serverNodeOptions(256 * MiB)).toBe('--max-old-space-size=128 --max-semi-space-size=16');
    expect(serverNodeOptions(128 * MiB)).toBe('--max-old-space-size=64 --max-semi-space-size=8');
    expect(serverNodeOptions(1024 * MiB)).toBe('--max-old-space-size=512 --max-semi-space-size=16');
  });

  it('rounds the semi-space down to a power of two (V8 rounds it up: 12 would be 16)', () => {
    expect(serverNodeOptions(200 * MiB)).toBe('--max-old-space-size=100 --max-semi-space-size=8');
    expect(serverNodeOptions(112 * MiB)).toBe('--max-old-space-size=56 --max-semi-space-size=4');
  });

  it('halves the young generation at a tight limit (under 111Mi): limit/32', () => {
    expect(serverNodeOptions(100 * MiB)).toBe('--max-old-space-size=44 --max-semi-space-size=2');
    expect(serverNodeOptions(64 * MiB)).toBe('--max-old-space-size=32 --max-semi-space-size=2');
    expect(serverNodeOptions(48 * MiB)).toBe('--max-old-space-size=32 --max-semi-space-size=1');
  });

  it('leaves at least 56 MiB outside the old space (below 112Mi)', () => {
    expect(serverNodeOptions(100 * MiB)).toMatch(/^--max-old-space-size=44 /);
    expect(serverNodeOptions(112 * MiB)).toMatch(/^--max-old-space-size=56 /);
    expect(serverNodeOptions(90 * MiB)).toMatch(/^--max-old-space-size=34 /);
  });

  it('never goes below 32 MiB of old space (the idle live set is ~17 MiB) nor 1 MiB of semi-space', () => {
    expect(serverNodeOptions(8 * MiB)).toBe('--max-old-space-size=32 --max-semi-space-size=1');
  });

  it('calls a limit tight where half of it as old space would leave under 56 MiB outside it', () => {
    expect(isTightMemoryLimit(110 * MiB)).toBe(true);
    expect(isTightMemoryLimit(111 * MiB)).toBe(false);
    expect(isTightMemoryLimit(100 * MiB)).toBe(true);
    expect(isTightMemoryLimit(112 * MiB)).toBe(false);
    expect(isTightMemoryLimit(256 * MiB)).toBe(false);
  });

  it('the default matches the default memory limit', () => {
    expect(DEFAULT_SERVER_RESOURCES.limits?.memory).toBe('256Mi');
    expect(SERVER_NODE_OPTIONS).toBe(serverNodeOptions(256 * MiB));
  });
});

describe('serverProcessEnv', () => {
  it('is the heap flags, with two malloc arenas at a tight limit only', () => {
    expect(serverProcessEnv(100 * MiB)).toEqual({
      NODE_OPTIONS: serverNodeOptions(100 * MiB),
      MALLOC_ARENA_MAX: '2',
    });
    expect(serverProcessEnv(128 * MiB)).toEqual({ NODE_OPTIONS: serverNodeOptions(128 * MiB) });
    expect(serverProcessEnv(256 * MiB)).toEqual({ NODE_OPTIONS: SERVER_NODE_OPTIONS });
  });
});

describe('inMemoryCacheBytes', () => {
  it('is half of what the old space leaves after the 32 MiB reserve', () => {
    expect(inMemoryCacheBytes(100 * MiB)).toBe(6 * MiB);
    expect(inMemoryCacheBytes(128 * MiB)).toBe(16 * MiB);
    expect(inMemoryCacheBytes(256 * MiB)).toBe(48 * MiB);
    expect(inMemoryCacheBytes(1024 * MiB)).toBe(240 * MiB);
  });

  it('never goes below 1 MiB, nor below the setting the server accepts', () => {
    expect(inMemoryCacheBytes(8 * MiB)).toBe(MiB);
    expect(inMemoryCacheBytes(64 * MiB)).toBe(MiB);
    expect(inMemoryCacheBytes(8 * MiB)).toBeGreaterThanOrEqual(SETTINGS.cacheMaxBytes.min);
  });

  it("is the server's default for the default memory limit (docker run gets the same cache as the operator's pods)", () => {
    expect(SETTINGS.cacheMaxBytes.default).toBe(inMemoryCacheBytes(256 * MiB));
  });
});

describe('Dockerfile', () => {
  it('sets ENV NODE_OPTIONS to the default server heap flags', () => {
    const dockerfile = readFileSync(path.join(import.meta.dirname, '../../../../Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    const match = /NODE_OPTIONS="([^"]*)"/.exec(runtime);
    expect(match?.[1]).toBe(SERVER_NODE_OPTIONS);
  });
});
