/**
 * Maglev (V8's mid-tier optimizing compiler) without inlining where V8's heap is small, set from the bin's first
 * module (main.ts) like the heap growing factor (heap-growth.ts).
 *
 * Why: under the design's 100Mi limit the 50-client cached load peaked at 79-89 MiB of cgroup memory (median 85.8,
 * 9 runs); with `--no-maglev-inlining` at 75.8-77.4 (median 76.3, 4 runs: 2 with the flag on the command line, 2 set
 * at run time as here), at the same throughput (1589-1970 req/s). Inlining makes Maglev's graphs, and so its
 * compile zones and code, several times larger. Turning Maglev off altogether saved ~15-20 MiB more but cost
 * 10-60% more CPU per uncached call at one client (code that is warm but not yet hot enough for TurboFan runs
 * unoptimised), while without inlining bench:server's uncached single-tool runs showed no difference beyond the
 * noise (search_media 2329-2936 vs 2402-2941 µs per call, get_recently_added 2072-2968 vs 2120-2527).
 * Only in a small heap: under the default 256Mi (heap limit 176 MiB) the peak did not move (167-175 MiB either way).
 *
 * V8 reads the flag at each Maglev compile, so setting it at run time works; NODE_OPTIONS refuses it, so whoever
 * wants Maglev's inlining back passes `--maglev-inlining` on the node command line, which wins.
 */
import { type V8FlagRule, v8FlagGiven } from './v8-flag.ts';

/** V8 heap limit (old space plus young generation) below which Maglev inlines nothing: 50 MiB at 100Mi, 88 at 128Mi. */
export const MAX_HEAP_LIMIT_MIB = 64;
const NAME = 'maglev-inlining';

/** The V8 flag to set, or undefined when the command line sets one or the heap is big enough for inlining. */
export const maglevInliningFlag: V8FlagRule = (execArgv, heapSizeLimitBytes) => {
  if (v8FlagGiven(execArgv, NAME) || heapSizeLimitBytes >= MAX_HEAP_LIMIT_MIB * 2 ** 20) return undefined;
  return `--no-${NAME}`;
};
