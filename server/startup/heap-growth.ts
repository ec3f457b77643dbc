/**
 * How far V8 lets the old generation grow past its live size before the next full GC, set from the bin's first
 * module (main.ts) for every way the server starts: container, stdio bin, MCP bundle.
 *
 * V8 picks the factor itself from its GC speed and the heap's maximum; with the small old spaces the server's heap
 * flags give it (cdk8s serverNodeOptions: half the memory limit) it stays near 1.1-1.3, so an uncached call's
 * in-flight data, promoted by each scavenge, starts a full GC every second scavenge: 48-56 mark-compacts per 2,000
 * uncached get_recently_added calls at one client, each one 10-40 ms of pauses and incremental steps. A fixed
 * factor of 2 (100%) leaves room for about one live heap of promoted garbage between them: 11-13 mark-compacts
 * per 2,000 calls. The limit never passes --max-old-space-size, so the memory limit still holds.
 *
 * V8 reads the flag at each GC, so setting it at run time works; it cannot go in NODE_OPTIONS (Node refuses it
 * there), so whoever wants another value passes it on the node command line, which wins.
 */
import v8 from 'node:v8';

/** The old generation's limit after a full GC is its live size times 1 + this / 100. */
export const HEAP_GROWING_PERCENT = 100;
const FLAG = '--heap-growing-percent';

/** The V8 flag to set, or undefined when the node command line already sets one. */
export function heapGrowthFlag(execArgv: readonly string[]): string | undefined {
  const given = execArgv.some((arg) => arg === FLAG || arg.startsWith(`${FLAG}=`));
  return given ? undefined : `${FLAG}=${HEAP_GROWING_PERCENT}`;
}

export function applyHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = v8.setFlagsFromString,
): void {
  const flag = heapGrowthFlag(execArgv);
  if (flag) setFlags(flag);
}
