import { execFileSync } from 'node:child_process';
import { serverNodeOptions } from '../../../../cdk8s/plex-mcp-server/defaults.ts';

export const MiB = 2 ** 20;

/** V8's heap limit under the heap flags the operator renders for a memory limit, as a real node reports it. */
export function heapLimitFor(memoryLimitMiB: number): number {
  const out = execFileSync(
    process.execPath,
    ['-p', "require('node:v8').getHeapStatistics().heap_size_limit"],
    { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: serverNodeOptions(memoryLimitMiB * MiB) } },
  );
  return Number(out.trim());
}

/** Whether the V8 this Node carries knows a flag: v8.setFlagsFromString ignores one it does not (a rename in a later Node would silently undo a setting). */
export function v8Knows(name: string): boolean {
  const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
  return new RegExp(`^\\s*--${name} \\(`, 'm').test(options);
}
