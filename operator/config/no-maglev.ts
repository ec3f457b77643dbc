/**
 * The operator runs without Maglev (V8's mid-tier optimizing compiler), set from its first module (main.ts) by the
 * server's own mechanism for such flags (server/startup/v8-flag.ts).
 *
 * Why: its memory is what issue #18 bounds (RSS at most 150 MiB with 1,000 resources), and its CPU is not what
 * bounds it: at N=1000 the API server takes the machine, the operator 15-45% of a core. Maglev's compile zones and
 * code cost memory on every reconcile path it optimises. `npm run bench:operator` (BENCH_SIZES=1000 BENCH_VERIFY=0
 * BENCH_STEADY_SECONDS=20, 2-core machine, interleaved) measured RSS 154.5-159.8 MiB with Maglev (3 runs),
 * 144.5-153.1 with Maglev's inlining off (3) and 144.0-147.5 without Maglev (2, flag on the command line; 149.3 set
 * at run time as here), with all Ready no later (85.1-93.3 s against 93.9-97.4 s) and 0 steady-state writes.
 * The server keeps Maglev: there, turning it off cost 10-60% CPU per uncached call (server/startup/maglev-inlining.ts).
 *
 * V8 reads the flag when it decides to optimise a function, so setting it at run time works; NODE_OPTIONS refuses
 * it, so whoever wants Maglev back passes `--maglev` on the node command line, which wins.
 */
import { type V8FlagRule, v8FlagGiven } from '../../server/startup/v8-flag.ts';

/** `--no-maglev` whatever the heap, unless the node command line already chooses (`--maglev`, `--no-maglev`). */
export const noMaglevFlag: V8FlagRule = (execArgv) =>
  v8FlagGiven(execArgv, 'maglev') ? undefined : '--no-maglev';
