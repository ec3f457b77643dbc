/**
 * How far V8 lets the old generation grow past its live size before the next full GC, set from the bin's first
 * module (main.ts) for every way the server starts: container, stdio bin, MCP bundle.
 *
 * V8 picks the factor itself from its GC speed and the heap's maximum; with the old spaces the server's heap flags
 * give it (cdk8s serverNodeOptions: half the memory limit) it stays near 1.1-1.3, so an uncached call's in-flight
 * data, promoted by each scavenge, starts a full GC every second scavenge: 48-56 mark-compacts per 2,000 uncached
 * get_recently_added calls at one client, each one 10-40 ms of pauses and incremental steps. A fixed factor of 2
 * (100%) leaves room for about one live heap of promoted garbage between them: 11-13 mark-compacts per 2,000 calls.
 *
 * Only where the heap has room for it: the old generation then fills up to its cap before each full GC instead of
 * staying near its live size. Under the default 256Mi limit (heap limit 176 MiB) bench:server's peak cgroup usage
 * went 130 -> 154 MiB; under the design's 100Mi (heap limit 62 MiB) it reached the limit and the kernel OOM-killed
 * the server in 3 of 6 cached runs. So the factor is set only when V8's heap limit (from --max-old-space-size, or
 * V8's own from the machine's memory) is at least MIN_HEAP_LIMIT_MIB.
 *
 * V8 reads the flag at each GC, so setting it at run time works; it cannot go in NODE_OPTIONS (Node refuses it
 * there), so whoever wants another value passes it on the node command line, which wins.
 */
import { type V8FlagRule, v8FlagGiven } from './v8-flag.ts';

/** The old generation's limit after a full GC is its live size times 1 + this / 100. */
export const HEAP_GROWING_PERCENT = 100;
/** Smallest V8 heap limit (old space plus young generation) the factor is set for: 128 MiB of old space and more. */
export const MIN_HEAP_LIMIT_MIB = 160;
const NAME = 'heap-growing-percent';

/** The V8 flag to set, or undefined when the node command line already sets one or the heap is too small for it. */
export const heapGrowthFlag: V8FlagRule = (execArgv, heapSizeLimitBytes) => {
  if (v8FlagGiven(execArgv, NAME) || heapSizeLimitBytes < MIN_HEAP_LIMIT_MIB * 2 ** 20) return undefined;
  return `--${NAME}=${HEAP_GROWING_PERCENT}`;
};
