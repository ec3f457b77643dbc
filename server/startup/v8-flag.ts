/**
 * V8 flags a process sets for itself at start, at run time: NODE_OPTIONS refuses them. Each rule picks its flag from
 * the node command line (which wins when it names the flag) and V8's heap limit (which the memory limit sets).
 * The server's rules are heap-growth.ts and maglev-inlining.ts; the operator's is operator/config/no-maglev.ts.
 */
import v8 from 'node:v8';

/** The flag to set for this command line and heap limit, or undefined for none. */
export type V8FlagRule = (execArgv: readonly string[], heapSizeLimitBytes: number) => string | undefined;

/** Whether the node command line already sets V8 flag `name` (`--name`, `--name=value`, `--name value`, `--no-name`): it then wins over what the server would set. */
export function v8FlagGiven(execArgv: readonly string[], name: string): boolean {
  return execArgv.some(
    (arg) => arg === `--${name}` || arg.startsWith(`--${name}=`) || arg === `--no-${name}`,
  );
}

/** Hands V8 the flag `rule` picks for this process, if any. */
export function applyV8Flag(
  rule: V8FlagRule,
  execArgv: readonly string[] = process.execArgv,
  heapSizeLimitBytes: number = v8.getHeapStatistics().heap_size_limit,
  setFlags: (flags: string) => void = v8.setFlagsFromString,
): void {
  const flag = rule(execArgv, heapSizeLimitBytes);
  if (flag) setFlags(flag);
}
